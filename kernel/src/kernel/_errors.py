"""The kernel's one exception type."""

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
