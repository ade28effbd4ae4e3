"""Per-account log-in throttling, beside the per-address limit of app.web.security.

Failed log-ins are counted per username (case-insensitively, known or not: the answer
says nothing about which names exist) in a fixed window that starts at the first failure:
``LOGIN_FAILURES_PER_ACCOUNT`` failures within ``LOGIN_ACCOUNT_WINDOW`` seconds and that
name answers 429 from every address until the window ends, without checking the password.
So an attacker spread over many addresses gets a few guesses per window, and the owner is
locked out for one short window at most per burst, never for good; a browser that has
logged in to the account before (the signed ``chronicle_login_device`` cookie, OWASP's
"device cookie") is not held back at all, so the owner's own browser still logs in while
someone else is guessing. A successful log-in clears the count.

The counts live in the store ``rate_limit_login_account`` (memory, or Redis with
``REDIS_URL``, like the per-address limits; read-then-write like Litestar's own limiter,
so concurrent failures may count as one).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from litestar.stores.base import Store

STORE: Final = "rate_limit_login_account"
DEVICE_COOKIE: Final = "chronicle_login_device"
DEVICE_COOKIE_AGE: Final = 365 * 24 * 3600


def _account(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


class AccountThrottle:
    def __init__(self, store: Store, failures: int, window: int, device_key: bytes) -> None:
        self.store = store
        self.failures = failures  # 0: off
        self.window = window
        self.device_key = device_key

    def device_token(self, username: str) -> str:
        """The device cookie's value for a browser that logged in as ``username``."""
        return hmac.new(self.device_key, _account(username).encode(), hashlib.sha256).hexdigest()

    def _known_device(self, username: str, cookie: str | None) -> bool:
        return cookie is not None and hmac.compare_digest(
            cookie.encode(), self.device_token(username).encode()
        )

    async def retry_after(self, username: str, device_cookie: str | None) -> int | None:
        """Seconds until ``username`` may try again from this browser; None: now."""
        if not self.failures or self._known_device(username, device_cookie):
            return None
        key = _account(username)
        count = await self.store.get(key)
        if count is None or int(count) < self.failures:
            return None
        return max(1, await self.store.expires_in(key) or self.window)

    async def failed(self, username: str) -> None:
        if not self.failures:
            return
        key = _account(username)
        count = await self.store.get(key)
        if count is None:
            await self.store.set(key, b"1", expires_in=self.window)
            return
        # The window keeps its end: the count is rewritten with the time it has left.
        left = await self.store.expires_in(key)
        await self.store.set(key, str(int(count) + 1).encode(), expires_in=max(1, left or 1))

    async def succeeded(self, username: str) -> None:
        if self.failures:
            await self.store.delete(_account(username))
