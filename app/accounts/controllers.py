"""Account pages: register, log in, log out, and the account page with the API key."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Response, Template

from app.accounts import services
from app.accounts.auth import current_user, requires_user
from app.accounts.schemas import LoginForm, RegisterForm
from app.web.csrf import start_session
from app.web.htmx import reload, render


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after logging in. One leading
    slash, printable ASCII only (browsers drop tabs and newlines, so "/<tab>/evil.example"
    would become "//evil.example"), no backslash (browsers read it as a slash)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not all("!" <= char <= "~" for char in target)
    ):
        return "/"
    return target


class AccountController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @get("/login", name="login")
    async def login_form(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = "/"
    ) -> Template:
        return render(
            request,
            "accounts/login.html.jinja2",
            "accounts/_login_form.html.jinja2",
            {"next": safe_next(next), "error": None, "username": ""},
        )

    @post("/login", opt={"rate_limit": "login"}, status_code=200)
    async def log_in(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm]
    ) -> Response[Any]:
        user = await services.authenticate(data.username.strip(), data.password)
        if user is None:
            return render(
                request,
                "accounts/login.html.jinja2",
                "accounts/_login_form.html.jinja2",
                {
                    "next": safe_next(data.next),
                    "error": "Unknown username or wrong password.",
                    "username": data.username,
                },
                status_code=401,
            )
        start_session(request, await services.session_data(user.id))
        flash(request, f"Welcome back, {user.name}.", category="info")
        return reload(request, safe_next(data.next))

    @get("/register", name="register")
    async def register_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request,
            "accounts/register.html.jinja2",
            "accounts/_register_form.html.jinja2",
            {"error": None, "form": RegisterForm()},
        )

    @post("/register", opt={"rate_limit": "login"}, status_code=200)
    async def register(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[RegisterForm]
    ) -> Response[Any]:
        error = None
        if data.password != data.password_again:
            error = "The two passwords differ."
        else:
            try:
                user_id = await services.create_user(
                    data.username.strip(), data.password, display_name=data.display_name
                )
            except services.AccountError as exc:
                error = str(exc)
        if error is not None:
            return render(
                request,
                "accounts/register.html.jinja2",
                "accounts/_register_form.html.jinja2",
                {
                    "error": error,
                    "form": RegisterForm(username=data.username, display_name=data.display_name),
                },
                status_code=422,
            )
        start_session(request, await services.session_data(user_id))
        flash(request, "Your account is ready.", category="info")
        return reload(request, "/account")

    @post("/logout", status_code=200)
    async def log_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        user = current_user(request)
        if user is not None and user.via == "session":
            await services.end_sessions(user.id)
        start_session(request, {})
        return reload(request, "/")

    @get("/account", name="account", guards=[requires_user])
    async def show_account(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        assert user is not None
        return render(
            request,
            "accounts/account.html.jinja2",
            "accounts/_api_key.html.jinja2",
            {"has_key": await services.has_api_key(user.id), "new_key": None, "user": user},
        )

    @post("/account/api-key", guards=[requires_user], status_code=200)
    async def create_api_key(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        assert user is not None
        key = await services.create_api_key(user.id)
        page = render(
            request,
            "accounts/account.html.jinja2",
            "accounts/_api_key.html.jinja2",
            {"has_key": True, "new_key": key, "user": user},
        )
        page.headers["Cache-Control"] = "no-store"  # the key is in this page, once
        return page

    @post("/account/api-key/revoke", guards=[requires_user], status_code=200)
    async def revoke_api_key(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        assert user is not None
        await services.revoke_api_key(user.id)
        return render(
            request,
            "accounts/account.html.jinja2",
            "accounts/_api_key.html.jinja2",
            {"has_key": False, "new_key": None, "user": user},
        )
