"""The site's accounts: Piccolo's BaseUser (password hashing, Piccolo Admin's login) plus
what Chronicle adds."""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from starlette.exceptions import HTTPException

from app.accounts import names, passwords


class User(BaseUser, tablename="users"):
    """A site account. ``admin`` opens Piccolo Admin and lets the user edit any save.

    Inherited from BaseUser: id, username (unique, and unique case-insensitively: the
    index on lower(username) of migration accounts_2026_12_07t17_16_03_000000), password
    (PBKDF2-SHA256 hash), first_name, last_name, email, active, admin, superuser, last_login.
    """

    # Optional for us (BaseUser makes it required and unique; NULLs do not collide).
    email = Varchar(length=255, unique=True, null=True, default=None)
    # Accounts are usable when created; an admin can deactivate one.
    active = Boolean(default=True)
    display_name = Varchar(length=100, null=True, default=None)
    # SHA-256 (hex) of the user's API key; the key itself is shown once and never stored.
    api_key_digest = Varchar(length=64, null=True, default=None, index=True)
    # Bumped on log out, password change and admin reset: every session cookie issued
    # before is void.
    session_epoch = Integer(default=0)
    created_on = Timestamptz(default=TimestamptzNow())
    # app.accounts.names.name_key of the username and display name: no two people's names
    # may share a key (checked when names are set).
    username_skeleton = Varchar(length=255, null=True, default=None, index=True)
    display_name_skeleton = Varchar(length=255, null=True, default=None, index=True)

    @classmethod
    def _validate_password(cls, password: str) -> None:
        """BaseUser's rules plus ours; Piccolo Admin calls this too (adding a user,
        setting a password), so its refusals reach the admin as its own errors do."""
        super()._validate_password(password=password)
        problem = passwords.weakness(password)
        if problem is not None:
            raise ValueError(problem)

    @classmethod
    async def update_password(cls, user: str | int, password: str) -> None:
        """BaseUser's (Piccolo Admin's own "change password"), which also ends the user's
        session cookies: the epoch moves in the same transaction as the hash. A refused
        password is a 422 with the reason (that endpoint lets a ValueError become a 500)."""
        try:
            cls._validate_password(password)
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        clause = cls.username == user if isinstance(user, str) else cls.id == user
        async with cls._meta.db.transaction():
            await super().update_password(user, password)
            await cls.update({cls.session_epoch: cls.session_epoch + 1}).where(clause)

    @classmethod
    async def create_user(cls, username: str, password: str, **extra_params: Any) -> BaseUser:
        """BaseUser's (Piccolo Admin's "add user"), with the name keys filled in."""
        keys = key_columns(username, extra_params.get("display_name"))
        return await super().create_user(username, password, **{**extra_params, **keys})


def key_columns(username: str, display_name: str | None) -> dict[str, str | None]:
    """The stored name keys of a user with these names."""
    return {
        "username_skeleton": names.name_key(username),
        "display_name_skeleton": names.name_key(display_name) if display_name else None,
    }
