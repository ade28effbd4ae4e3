"""The kernel's one exception type (and two subclasses callers act on)."""

from __future__ import annotations


class KernelError(ValueError):
    """Input the kernel rejects. ``offset`` is the byte offset of the problem (-1 if unknown)."""

    def __init__(self, message: str, offset: int = -1) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        if self.offset >= 0:
            return f"{self.message} at byte {self.offset}"
        return self.message


class TokensNeeded(KernelError):
    """A binary save read without a token table: the caller can fetch one and retry.
    ``reason`` is the message without advice for library callers (for people)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class OtherGame(KernelError):
    """A save of another game than the one asked for; ``game`` is what the file is."""

    def __init__(self, message: str, game: str) -> None:
        super().__init__(message)
        self.game = game
