"""Admins' actions on a save page: reprocess it with the current kernel, and take it off
the leaderboards (or put it back)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import URLEncodedBody
from litestar.plugins.flash import flash

from app.accounts.auth import requires_admin
from app.saves import reprocess, services
from app.saves.controllers._shared import SaveId
from app.saves.pool import KernelPool
from app.saves.schemas import QualificationForm
from app.settings import Settings
from app.storage import Storage
from app.web.htmx import redirect


class SaveAdminController(Controller):
    path = "/saves/{save_id:str}"
    tags = ("pages",)
    include_in_schema = False
    guards = [requires_admin]  # noqa: RUF012 (Litestar's class attribute)

    @post("/reprocess", status_code=200)
    async def reprocess_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """Run the current kernel again over this save (the row stays as it was when that
        fails)."""
        try:
            version = await reprocess.reprocess_save(
                save_id, storage=storage, pool=pool, tmp_dir=settings.var_path / "tmp"
            )
        except LookupError:
            raise NotFoundException("save not found") from None
        except reprocess.ReprocessFailed as exc:
            flash(request, f"Not reprocessed: {exc}", category="error")
        else:
            flash(request, f"Reprocessed with kernel {version}.", category="info")
        return redirect(request, f"/saves/{save_id}")

    @post("/leaderboard", status_code=200)
    async def qualify_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: URLEncodedBody[QualificationForm],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """Hide a disputed save from the leaderboards (or show it again); its page and
        link stay."""
        if await services.owner_of(save_id) is None:
            raise NotFoundException("save not found")
        qualified = data.qualified == "yes"
        await services.update_save(save_id, settings=settings, leaderboard_qualified=qualified)
        message = "Back on the leaderboards." if qualified else "Disqualified from leaderboards."
        flash(request, message, category="info")
        return redirect(request, f"/saves/{save_id}")
