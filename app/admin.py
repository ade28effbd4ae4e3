"""Piccolo Admin, built once per app and mounted at /admin/ by app.core (admins only).

Our guard lets only admins reach it; Piccolo Admin then asks them to log in with the same
username and password (it keeps its own session, in the session_auth table).

Admins reset a user's password here (editing the user's password field): our password
rules apply (``User._validate_password``, which Piccolo calls), and the user's sessions
end with it (``_on_user_edit``). Edited names get their comparison keys again. A save
deleted here goes as from its own page, its stored file and cached files with it
(``_on_save_delete``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from piccolo.columns import Column
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.hooks import Hook, HookType
from starlette.exceptions import HTTPException

from app.accounts import services as accounts
from app.accounts.tables import User, key_columns
from app.saves import services
from app.saves.services import SaveCache
from app.saves.tables import Save
from app.settings import Settings
from app.storage import Storage


async def _on_user_edit(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
    """Piccolo Admin's pre-patch hook of the users table.

    ``values`` is keyed by column; Piccolo hashes a new password and writes all of it in one
    UPDATE after this. A password it will accept (``_validate_password``) also moves the
    user's session epoch in that same UPDATE, so every session cookie of the user ends
    exactly when the password changes; Piccolo Admin's own sessions of the user are deleted
    here, before (should the UPDATE then fail, the user only logs in to the admin again).
    """
    by_name = {
        key._meta.name if isinstance(key, Column) else key: value for key, value in values.items()
    }
    password = by_name.get("password")
    if password:
        try:
            User._validate_password(password)
        except ValueError:
            return values  # Piccolo refuses it with the message: nothing to end
        values[User.session_epoch] = User.session_epoch + 1
        await accounts.end_admin_sessions(int(row_id))
    if "username" in by_name or "display_name" in by_name:
        row = await User.select(User.username, User.display_name).where(User.id == row_id).first()
        if row is not None:
            merged = {**row, **by_name}
            keys = key_columns(str(merged["username"]), merged["display_name"])
            values[User.username_skeleton] = keys["username_skeleton"]
            values[User.display_name_skeleton] = keys["display_name_skeleton"]
    return values


def _on_save_delete(
    storage: Storage, caches: Sequence[SaveCache]
) -> Callable[[Any], Awaitable[None]]:
    """Piccolo Admin's pre-delete hook of the saves table: the app deletes the save as its
    own pages do (``services.delete_save``: the row and the stored file together, then
    the cached map pictures and melted file), and Piccolo's DELETE that follows finds no
    row left. A file store that is down refuses the deletion (503): nothing is deleted."""

    async def hook(row_id: Any) -> None:
        try:
            await services.delete_save(str(row_id), storage, caches)
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None

    return hook


def build_admin(settings: Settings, storage: Storage, caches: Sequence[SaveCache] = ()) -> Any:
    """The Piccolo Admin ASGI application (FastAPI underneath)."""
    users = TableConfig(User, hooks=[Hook(hook_type=HookType.pre_patch, callable=_on_user_edit)])
    saves = TableConfig(
        Save, hooks=[Hook(hook_type=HookType.pre_delete, callable=_on_save_delete(storage, caches))]
    )
    return create_admin(
        tables=[users, saves],
        auth_table=User,
        site_name=f"{settings.web.site_name} admin",
        production=settings.security.secure_cookies,
        allowed_hosts=list(settings.security.allowed_hosts),
        auto_include_related=False,
        debug=settings.web.debug,
    )
