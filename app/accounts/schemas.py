"""Form inputs of the account pages, and the users' and API keys' API bodies."""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.saves.schemas import SaveSummary


class LoginForm(msgspec.Struct, kw_only=True):
    username: str = ""
    password: str = ""
    next: str = "/"


class RegisterForm(msgspec.Struct, kw_only=True):
    username: str = ""
    password: str = ""
    password_again: str = ""
    display_name: str = ""


class PasswordForm(msgspec.Struct, kw_only=True):
    current_password: str = ""
    password: str = ""
    password_again: str = ""


class UserInfo(msgspec.Struct, kw_only=True):
    user_id: int
    user_name: str
    created_on: datetime


class UserPage(msgspec.Struct, kw_only=True):
    user_info: UserInfo
    saves: list[SaveSummary]
    cursor: str | None  # pass as ?cursor= for the user's older saves; null on the last page


class UserList(msgspec.Struct, kw_only=True):
    users: list[UserInfo]
    cursor: str | None  # pass as ?cursor= for the next page; null on the last


class ApiKeyCreated(msgspec.Struct, kw_only=True):
    user_id: int
    api_key: str  # shown once; use HTTP Basic <user_id>:<api_key>
