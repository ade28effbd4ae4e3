"""Account pages: register, log in (throttled per account too), log out, the account page
with the API key, and the password change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Response, Template

from app.accounts import services, throttle
from app.accounts.auth import current_user, requires_user
from app.accounts.schemas import LoginForm, PasswordForm, RegisterForm
from app.accounts.throttle import AccountThrottle
from app.settings import Settings
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


def _remember_device(
    response: Response[Any], settings: Settings, login_throttle: AccountThrottle, username: str
) -> Response[Any]:
    """Mark this browser as one that logged in to ``username`` (app.accounts.throttle)."""
    response.set_cookie(
        key=throttle.DEVICE_COOKIE,
        value=login_throttle.device_token(username),
        max_age=throttle.DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.security.secure_cookies,
    )
    return response


def _wait(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


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
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LoginForm],
        settings: NamedDependency[Settings],
        login_throttle: NamedDependency[AccountThrottle],
    ) -> Response[Any]:
        username = data.username.strip()
        context = {"next": safe_next(data.next), "username": data.username}
        wait = await login_throttle.retry_after(
            username, request.cookies.get(throttle.DEVICE_COOKIE)
        )
        if wait is not None:
            error = (
                "Too many failed log-ins for this account: try again in "
                f"{_wait(wait)}, or from a browser that has logged in to it before."
            )
            page = render(
                request,
                "accounts/login.html.jinja2",
                "accounts/_login_form.html.jinja2",
                {**context, "error": error},
                status_code=429,
            )
            page.headers["Retry-After"] = str(wait)
            return page
        user = await services.authenticate(username, data.password)
        if user is None:
            await login_throttle.failed(username)
            return render(
                request,
                "accounts/login.html.jinja2",
                "accounts/_login_form.html.jinja2",
                {**context, "error": "Unknown username or wrong password."},
                status_code=401,
            )
        await login_throttle.succeeded(username)
        start_session(request, await services.session_data(user.id))
        flash(request, f"Welcome back, {user.name}.", category="info")
        response = reload(request, safe_next(data.next))
        return _remember_device(response, settings, login_throttle, user.username)

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
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[RegisterForm],
        settings: NamedDependency[Settings],
        login_throttle: NamedDependency[AccountThrottle],
    ) -> Response[Any]:
        error = None
        if data.password != data.password_again:
            error = "The two passwords differ."
        else:
            try:
                user_id = await services.create_user(
                    data.username.strip(),
                    data.password,
                    display_name=data.display_name,
                    site_name=settings.web.site_name,
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
        response = reload(request, "/account")
        return _remember_device(response, settings, login_throttle, data.username.strip())

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

    @get("/account/password", name="password", guards=[requires_user])
    async def password_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request,
            "accounts/password.html.jinja2",
            "accounts/_password_form.html.jinja2",
            {"error": None},
        )

    @post(
        "/account/password",
        guards=[requires_user],
        opt={"rate_limit": "login"},  # it checks a password: as many tries as logging in
        status_code=200,
    )
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[PasswordForm],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """A new password; every other session of the user ends, this one goes on."""
        user = current_user(request)
        assert user is not None
        if user.via != "session":
            raise PermissionDeniedException("change the password from the account page")
        error = None
        if data.password != data.password_again:
            error = "The two new passwords differ."
        else:
            try:
                await services.change_password(
                    user.id,
                    data.current_password,
                    data.password,
                    site_name=settings.web.site_name,
                )
            except services.AccountError as exc:
                error = str(exc)
        if error is not None:
            return render(
                request,
                "accounts/password.html.jinja2",
                "accounts/_password_form.html.jinja2",
                {"error": error},
                status_code=422,
            )
        # The epoch moved on: this session gets a cookie of the new one (and a new CSRF
        # token), the others are void.
        start_session(request, await services.session_data(user.id))
        flash(
            request,
            "Your password is changed; your other sessions are logged out.",
            category="info",
        )
        return reload(request, "/account")
