"""The site's accounts: Piccolo's BaseUser (password hashing, Piccolo Admin's login) plus
what Chronicle adds."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow


class User(BaseUser, tablename="users"):
    """A site account. ``admin`` opens Piccolo Admin and lets the user edit any save.

    Inherited from BaseUser: id, username (unique), password (PBKDF2-SHA256 hash), first_name,
    last_name, email, active, admin, superuser, last_login.
    """

    # Optional for us (BaseUser makes it required and unique; NULLs do not collide).
    email = Varchar(length=255, unique=True, null=True, default=None)
    # Accounts are usable when created; an admin can deactivate one.
    active = Boolean(default=True)
    display_name = Varchar(length=100, null=True, default=None)
    # SHA-256 (hex) of the user's API key; the key itself is shown once and never stored.
    api_key_digest = Varchar(length=64, null=True, default=None, index=True)
    # Bumped on log out (and password change): every session cookie issued before is void.
    session_epoch = Integer(default=0)
    created_on = Timestamptz(default=TimestamptzNow())
