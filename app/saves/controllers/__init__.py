"""Saves over HTTP, one controller per resource: the JSON API, the pages, the save page's
sections, and the admins' actions."""

from app.saves.controllers._admin import SaveAdminController
from app.saves.controllers._api import SaveApiController
from app.saves.controllers._compare import CompareApiController, ComparePagesController
from app.saves.controllers._pages import SavePagesController
from app.saves.controllers._sections import SaveSectionsController
from app.saves.controllers._shared import page_of_saves

CONTROLLERS = (
    SaveApiController,
    SavePagesController,
    SaveSectionsController,
    SaveAdminController,
    ComparePagesController,
    CompareApiController,
)

__all__ = [
    "CONTROLLERS",
    "CompareApiController",
    "ComparePagesController",
    "SaveAdminController",
    "SaveApiController",
    "SavePagesController",
    "SaveSectionsController",
    "page_of_saves",
]
