"""Accounts: creating users, checking passwords, sessions and API keys. No Request objects.

Passwords use Piccolo BaseUser's hashing (PBKDF2-HMAC-SHA256 from the standard library,
600,000 iterations as OWASP recommends, per-user salt), because Piccolo Admin logs admins
in against the same table with ``BaseUser.login``: one credential store for both. The hash
runs in a worker thread (hashlib releases the GIL) so a login never stalls the event
loop, and the comparison is constant-time (``hmac.compare_digest``).

Passwords too easy to guess are refused (``app.accounts.passwords``: zxcvbn, which knows
the common-password lists). Usernames are unique case-insensitively (a unique index on
lower(username)), and no two people's names may look alike (``app.accounts.names``: the
keys are checked under one advisory lock, so two registrations cannot take the same key
at once); display names cannot imitate the site's staff or the site.

Sessions are stateless cookies carrying the user's ``session_epoch``: bumping it voids
them all (log out, password change, admin reset); Piccolo Admin's own sessions (its
``sessions`` table) go at the same time.

API keys are 256-bit random tokens, shown once; only their SHA-256 is stored (a fast hash
is right for high-entropy secrets: nothing to brute-force).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime
from typing import Any, Final

import anyio.to_thread
import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.columns.combination import WhereRaw
from piccolo_api.session_auth.tables import SessionsBase

from app import cursors
from app.accounts import names, passwords
from app.accounts.tables import User, key_columns

USERNAME: Final = re.compile(r"[A-Za-z0-9_.-]{3,40}")
MIN_PASSWORD: Final = 8
MAX_PASSWORD: Final = 128
MAX_DISPLAY_NAME: Final = 100  # users.display_name is a varchar(100)
# pg_advisory_xact_lock key held while names are checked and written ("chronicle names").
NAMES_LOCK: Final = 0x6368726E
# users.id is a PostgreSQL integer (serial): a larger number names no user, and asyncpg
# refuses to send it as a query argument, so callers check ids against this first.
MAX_USER_ID: Final = 2**31 - 1


class CurrentUser(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated user of a request (``request.user``; None when anonymous)."""

    id: int
    username: str
    display_name: str | None
    admin: bool
    via: str  # "session" or "api-key"

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AccountError(ValueError):
    """A registration or credential input is not acceptable (message for people)."""


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise AccountError("A username has 3 to 40 letters, digits, '_', '.' or '-'.")
    return username


def check_display_name(display_name: str | None) -> str | None:
    text = (display_name or "").strip()
    if len(text) > MAX_DISPLAY_NAME:
        raise AccountError(f"A display name has at most {MAX_DISPLAY_NAME} characters.")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise AccountError("A display name cannot contain control characters.")
    if text and not names.name_key(text):
        raise AccountError("A display name needs letters or digits that can be seen.")
    if names.mixed_lookalikes(text):
        raise AccountError(
            "A display name cannot mix alphabets whose letters look alike (such as a "
            "Cyrillic letter among Latin ones): write it in one."
        )
    return text or None


def check_password(password: str, user_inputs: tuple[str | None, ...] = ()) -> str:
    """Length, then guessability (``user_inputs``: the account's names and the site's)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password is too short (at least {MIN_PASSWORD} characters).")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password is too long (at most {MAX_PASSWORD} characters).")
    problem = passwords.weakness(password, [word for word in user_inputs if word])
    if problem is not None:
        raise AccountError(problem)
    return password


async def _lock_names() -> None:
    """Within a transaction: wait for any other check-and-write of names to finish."""
    await User.raw("SELECT pg_advisory_xact_lock({})", NAMES_LOCK)


async def _check_names_free(
    username: str,
    display_name: str | None,
    *,
    site_name: str,
    allow_reserved: bool,
    user_id: int | None = None,
) -> None:
    """AccountError when a name's key is reserved or is another user's name's key.

    A user without a display name is shown by username, so usernames are claims too."""
    keys = key_columns(username, display_name)
    username_skeleton, display_skeleton = keys["username_skeleton"], keys["display_name_skeleton"]
    if not allow_reserved:
        reserved = names.reserved_keys(site_name)
        if username_skeleton in reserved:
            raise AccountError("That username is reserved for the site.")
        if display_skeleton in reserved:
            raise AccountError("That display name is reserved for the site.")
    wanted = [key for key in (username_skeleton, display_skeleton) if key]
    query = User.select(User.username_skeleton, User.display_name_skeleton).where(
        User.username_skeleton.is_in(wanted) | User.display_name_skeleton.is_in(wanted)
    )
    if user_id is not None:
        query = query.where(User.id != user_id)
    taken = {key for row in await query for key in row.values() if key}
    if username_skeleton in taken:
        raise AccountError("That username is taken, or too close to another user's name.")
    if display_skeleton in taken:
        raise AccountError("That display name is too close to another user's name.")


async def new_password_hash(password: str, user_inputs: tuple[str | None, ...]) -> str:
    """The hash of a password being set, after ``check_password`` (both in a thread)."""
    await anyio.to_thread.run_sync(check_password, password, user_inputs)
    return await hash_password(password)


async def hash_password(password: str) -> str:
    hashed: str = await anyio.to_thread.run_sync(User.hash_password, password)
    return hashed


async def _verify(stored: str, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash)."""
    try:
        _algorithm, iterations, salt, _hashed = User.split_stored_password(stored)
        rounds = int(iterations)
    except ValueError:
        return False, False
    candidate: str = await anyio.to_thread.run_sync(User.hash_password, password, salt, rounds)
    matches = hmac.compare_digest(candidate.encode(), stored.encode())
    return matches, matches and rounds != User._pbkdf2_iteration_count


async def create_user(
    username: str,
    password: str,
    *,
    display_name: str | None = None,
    admin: bool = False,
    site_name: str = "",
    allow_reserved: bool = False,
) -> int:
    """Create an active user; returns its id. AccountError if a name is taken, reserved
    (unless ``allow_reserved``: the operator's ``createuser``) or invalid, or the password
    too weak."""
    check_username(username)
    display_name = check_display_name(display_name)
    hashed = await new_password_hash(password, (username, display_name, site_name))
    user = User(  # type: ignore[no-untyped-call]  # BaseUser.__init__ is untyped
        username=username,
        password=hashed,
        display_name=display_name,
        admin=admin,
        superuser=admin,
        active=True,
        **key_columns(username, display_name),
    )
    try:
        async with User._meta.db.transaction():
            await _lock_names()
            await _check_names_free(
                username, display_name, site_name=site_name, allow_reserved=allow_reserved
            )
            await user.save()
    except UniqueViolationError:  # lower(username) is unique: the same name in other case
        raise AccountError("That username is taken.") from None
    user_id: int = user.id
    return user_id


def _same_username(username: str) -> WhereRaw:
    """Usernames match case-insensitively (served by the unique index on lower(username))."""
    return WhereRaw("lower(username) = lower({})", username)


async def authenticate(username: str, password: str) -> CurrentUser | None:
    """The user with these credentials (active accounts only), else None."""
    if len(username) > 100 or len(password) > MAX_PASSWORD or "\x00" in username:
        return None  # (PostgreSQL text cannot hold NUL: no such user, and no query)
    row = (
        await User.select(
            User.id, User.password, User.active, User.username, User.display_name, User.admin
        )
        .where(_same_username(username))
        .first()
    )
    if row is None:
        # Hash anyway: the answer takes as long for unknown names as for wrong passwords.
        await anyio.to_thread.run_sync(User.hash_password, password)
        return None
    matches, needs_rehash = await _verify(row["password"], password)
    if not matches or not row["active"]:
        return None
    changes: dict[Any, Any] = {User.last_login: datetime.now(UTC).replace(tzinfo=None)}
    if needs_rehash:
        changes[User.password] = await hash_password(password)
    await User.update(changes).where(User.id == row["id"])
    return _current(row, "session")


async def session_data(user_id: int) -> dict[str, int]:
    """What the session cookie holds for a logged-in user."""
    epoch = await User.select(User.session_epoch).where(User.id == user_id).first()
    return {"uid": user_id, "epoch": epoch["session_epoch"] if epoch else 0}


async def user_from_session(session: dict[str, Any]) -> CurrentUser | None:
    uid, epoch = session.get("uid"), session.get("epoch")
    if not isinstance(uid, int) or not isinstance(epoch, int):
        return None
    row = await (
        User.select(User.id, User.username, User.display_name, User.admin, User.session_epoch)
        .where((User.id == uid) & (User.active == True))  # noqa: E712 (Piccolo query)
        .first()
    )
    if row is None or row["session_epoch"] != epoch:
        return None
    return _current(row, "session")


async def end_sessions(user_id: int) -> None:
    """Void every session of the user: the cookies (stateless otherwise, so by their
    epoch) and Piccolo Admin's session rows."""
    async with User._meta.db.transaction():
        await User.update({User.session_epoch: User.session_epoch + 1}).where(User.id == user_id)
        await end_admin_sessions(user_id)


async def end_admin_sessions(user_id: int) -> None:
    """Piccolo Admin's sessions of the user (its own table, piccolo_api.session_auth)."""
    await SessionsBase.delete().where(SessionsBase.user_id == user_id)


async def change_password(user_id: int, current: str, new: str, *, site_name: str) -> None:
    """Set a new password after checking the current one, and void every session of the
    user (the caller issues the current one again: ``session_data``). AccountError when
    the current password is wrong or the new one not acceptable; nothing changes then."""
    row = (
        await User.select(User.password, User.username, User.display_name)
        .where(User.id == user_id)
        .first()
    )
    if (
        row is None
        or len(current) > MAX_PASSWORD
        or not (await _verify(row["password"], current))[0]
    ):
        raise AccountError("The current password is wrong.")
    if new == current:
        raise AccountError("The new password is the current one.")
    hashed = await new_password_hash(new, (row["username"], row["display_name"], site_name))
    async with User._meta.db.transaction():
        await User.update(
            {User.password: hashed, User.session_epoch: User.session_epoch + 1}
        ).where(User.id == user_id)
        await end_admin_sessions(user_id)


def _current(row: dict[str, Any], via: str) -> CurrentUser:
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        admin=row["admin"],
        via=via,
    )


# --- API keys ---------------------------------------------------------------------------


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


async def create_api_key(user_id: int) -> str:
    """A new API key for the user (replacing any previous one); only its digest is kept."""
    api_key = secrets.token_urlsafe(32)
    await User.update({User.api_key_digest: key_digest(api_key)}).where(User.id == user_id)
    return api_key


async def revoke_api_key(user_id: int) -> None:
    await User.update({User.api_key_digest: None}).where(User.id == user_id)


async def has_api_key(user_id: int) -> bool:
    row = await User.select(User.api_key_digest).where(User.id == user_id).first()
    return bool(row and row["api_key_digest"])


class BadCredentials(Exception):
    """An Authorization header that does not name a user and a valid key."""


async def user_from_basic_auth(header: str) -> CurrentUser:
    """HTTP Basic ``<user_id>:<api_key>``. Raises BadCredentials."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise BadCredentials("expected HTTP Basic credentials: <user_id>:<api_key>")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise BadCredentials("malformed HTTP Basic credentials") from None
    user_part, _, api_key = decoded.partition(":")
    # ASCII digits only ("²".isdigit() is true, int("²") fails), within users.id's range.
    if not (user_part.isascii() and user_part.isdigit()) or not api_key or len(user_part) > 18:
        raise BadCredentials("expected HTTP Basic credentials: <user_id>:<api_key>")
    if int(user_part) > MAX_USER_ID:
        raise BadCredentials("unknown user or invalid API key")
    row = await (
        User.select(User.id, User.username, User.display_name, User.admin, User.api_key_digest)
        .where((User.id == int(user_part)) & (User.active == True))  # noqa: E712
        .first()
    )
    stored = (row or {}).get("api_key_digest") or ""
    # Compare even when there is no such user, so the timing says nothing.
    matches = hmac.compare_digest(key_digest(api_key).encode(), stored.encode().ljust(64, b"\0"))
    if row is None or not stored or not matches:
        raise BadCredentials("unknown user or invalid API key")
    return _current(row, "api-key")


async def find_user_id(username: str) -> int | None:
    if "\x00" in username:
        return None
    row = await User.select(User.id).where(_same_username(username)).first()
    return None if row is None else int(row["id"])


async def list_users(*, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Active users, oldest account first; ``cursor`` continues after the previous page's
    last user (cursors.BadCursor when it is not one ``list_users`` handed out)."""
    query = User.select(User.id, User.username, User.display_name, User.created_on).where(
        User.active == True  # noqa: E712
    )
    if cursor:
        query = query.where(User.id > _user_cursor(cursor))
    rows = await query.order_by(User.id).limit(limit + 1)
    next_cursor = cursors.pack(f"user|{rows[limit - 1]['id']}") if len(rows) > limit else None
    return rows[:limit], next_cursor


def _user_cursor(cursor: str) -> int:
    kind, _, number = cursors.unpack(cursor).partition("|")
    if kind != "user" or not number.isascii() or not number.isdigit() or len(number) > 10:
        raise cursors.BadCursor(cursors.BAD_CURSOR)
    user_id = int(number)
    if not 1 <= user_id <= MAX_USER_ID:
        raise cursors.BadCursor(cursors.BAD_CURSOR)
    return user_id


async def public_user(user_id: int) -> dict[str, Any] | None:
    return await (
        User.select(User.id, User.username, User.display_name, User.created_on)
        .where(User.id == user_id)
        .first()
    )
