"""Reading zip archives as hostile input: stdlib ``zipfile`` behind byte budgets.

Only what save files use is accepted: ZIP_STORED and ZIP_DEFLATED, no encryption, at
most ``MAX_ENTRIES`` members. Every member is inflated in chunks while counting bytes,
so a zip bomb stops at the budget instead of at the end of the stream; the sizes the
archive declares are checked first (cheap early rejection) but never relied on alone.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Final

from kernel._errors import KernelError

ZIP_LOCAL_MAGIC: Final = b"PK\x03\x04"
ZIP_EMPTY_MAGIC: Final = b"PK\x05\x06"  # an archive with no members starts with its EOCD
_EOCD_MAGIC: Final = b"PK\x05\x06"
_EOCD_SIZE: Final = 22
_MAX_COMMENT: Final = 0xFFFF

# Save archives hold 1 to 3 members (EU4 meta/gamestate/ai, Stellaris meta/gamestate,
# CK3/Vic3/EU5 gamestate[/meta/string_lookup]). 64 leaves room and bounds the work an
# archive with thousands of members could cause.
MAX_ENTRIES: Final = 64
# A central directory record is 46 bytes plus name, extra field and comment; 1 MiB is far
# more than 64 save members need and bounds what zipfile parses before we see the members.
MAX_DIRECTORY: Final = 1024 * 1024

# Members that inflate to at most this many bytes are exempt from the ratio cap: a tiny
# meta of repeated whitespace may legitimately exceed any ratio and 1 MiB is harmless
# (the total budget still applies).
RATIO_GRACE: Final = 1024 * 1024

# Inflate in chunks of this many output bytes.
_CHUNK: Final = 1024 * 1024

_STORED: Final = 0
_DEFLATED: Final = 8
_U32_MAX: Final = 0xFFFFFFFF


def find_eocd(data: bytes, start: int) -> int:
    """Offset of the end-of-central-directory record, or -1. Searches the last 64 KiB."""
    lo = max(start, len(data) - (_EOCD_SIZE + _MAX_COMMENT))
    pos = data.rfind(_EOCD_MAGIC, lo)
    while pos >= 0:
        if pos + _EOCD_SIZE <= len(data):
            return pos
        pos = data.rfind(_EOCD_MAGIC, lo, pos)
    return -1


def read_zip(
    data: bytes, start: int, max_total: int, max_ratio: int
) -> list[tuple[str, bytes, int]]:
    """The members of the zip archive that begins at ``data[start]``.

    Returns ``(name, decompressed bytes, offset of the member's local header)`` in archive
    order, directories skipped. ``max_total`` caps the decompressed bytes of all members
    together; ``max_ratio`` caps decompressed/compressed per member. Offsets in errors are
    offsets into ``data``. Raises KernelError for anything else.
    """
    eocd = find_eocd(data, start)
    if eocd < 0:
        raise KernelError(
            "zip archive is truncated or corrupt: no end-of-central-directory record", len(data)
        )
    declared_count = data[eocd + 10] | (data[eocd + 11] << 8)
    if declared_count > MAX_ENTRIES:
        raise KernelError(
            f"zip archive declares {declared_count} members; at most {MAX_ENTRIES} are accepted",
            eocd,
        )
    directory_size = int.from_bytes(data[eocd + 12 : eocd + 16], "little")
    if directory_size > MAX_DIRECTORY:
        raise KernelError(
            f"zip central directory of {directory_size} bytes exceeds {MAX_DIRECTORY}", eocd
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        struct.error,
        ValueError,
        IndexError,
        OverflowError,
    ) as exc:
        raise KernelError(f"zip archive is corrupt: {exc}", eocd) from None
    try:
        return _read_members(archive, data, start, max_total, max_ratio)
    finally:
        archive.close()


def _read_members(
    archive: zipfile.ZipFile, data: bytes, start: int, max_total: int, max_ratio: int
) -> list[tuple[str, bytes, int]]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise KernelError(
            f"zip archive has {len(infos)} members; at most {MAX_ENTRIES} are accepted",
            len(data),
        )

    # Pass 1: everything the directory declares, before inflating a single byte.
    members: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    declared_total = 0
    for info in infos:
        name = info.filename
        offset = info.header_offset
        if name.endswith("/") and info.file_size == 0:
            continue
        if offset < start or offset + 30 > len(data):
            raise KernelError(
                f"zip member {name!r}: local header offset {offset} is outside the archive",
                min(max(offset, 0), len(data)),  # the offset itself may lie past the end
            )
        if name in seen:  # (after the offset check: errors below report that offset)
            raise KernelError(f"zip archive has two members named {name!r}", offset)
        seen.add(name)
        if info.flag_bits & 0x1:
            raise KernelError(f"zip member {name!r} is encrypted", offset)
        method = info.compress_type
        if method != _STORED and method != _DEFLATED:
            raise KernelError(
                f"zip member {name!r}: unsupported compression method {method} "
                "(only stored and deflate are accepted)",
                offset,
            )
        if info.compress_size > len(data) - offset:
            raise KernelError(
                f"zip member {name!r}: compressed size {info.compress_size} runs past the end "
                "of the file (truncated archive?)",
                offset,
            )
        if method == _STORED and info.compress_size != info.file_size:
            raise KernelError(
                f"zip member {name!r}: stored member declares {info.file_size} bytes but "
                f"holds {info.compress_size}",
                offset,
            )
        _check_local_header(data, info)
        if info.file_size > max(max_ratio * info.compress_size, RATIO_GRACE):
            raise KernelError(
                f"zip member {name!r} declares a compression ratio above {max_ratio}:1 "
                f"({info.file_size} bytes from {info.compress_size}): refusing a likely zip bomb",
                offset,
            )
        declared_total += info.file_size
        if declared_total > max_total:
            raise KernelError(
                f"zip archive declares at least {declared_total} decompressed bytes; "
                f"the limit is {max_total}",
                offset,
            )
        members.append(info)

    # Pass 2: inflate, counting bytes as they come out.
    out: list[tuple[str, bytes, int]] = []
    total = 0
    for info in members:
        blob = _inflate(archive, info, max_total - total, max_total, max_ratio)
        total += len(blob)
        out.append((info.filename, blob, info.header_offset))
    return out


def _check_local_header(data: bytes, info: zipfile.ZipInfo) -> None:
    """The local header must agree with the central directory (unless sizes are deferred)."""
    offset = info.header_offset
    if data[offset : offset + 4] != ZIP_LOCAL_MAGIC:
        raise KernelError(f"zip member {info.filename!r}: no local header at its offset", offset)
    flags, method = struct.unpack_from("<HH", data, offset + 6)
    crc, csize, usize = struct.unpack_from("<III", data, offset + 14)
    if method != info.compress_type:
        raise KernelError(
            f"zip member {info.filename!r}: local header says compression method {method}, "
            f"the central directory says {info.compress_type}",
            offset,
        )
    if flags & 0x8:
        return  # sizes and CRC follow the data (data descriptor); zipfile checks the CRC
    if csize == _U32_MAX or usize == _U32_MAX:
        return  # ZIP64: the real sizes are in the extra field, which zipfile reads
    if csize != info.compress_size or usize != info.file_size or crc != info.CRC:
        raise KernelError(
            f"zip member {info.filename!r}: local header sizes/CRC ({csize}, {usize}, "
            f"{crc:08x}) disagree with the central directory ({info.compress_size}, "
            f"{info.file_size}, {info.CRC:08x})",
            offset,
        )


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, max_total: int, max_ratio: int
) -> bytes:
    name = info.filename
    offset = info.header_offset
    ratio_allow = max(max_ratio * info.compress_size, RATIO_GRACE)
    limit = min(info.file_size, budget)
    chunks: list[bytes] = []
    produced = 0
    try:
        with archive.open(info) as stream:
            while True:
                # Ask for one byte past the limit: seeing it proves the member lies.
                want = min(_CHUNK, limit - produced + 1)
                chunk = stream.read(want)
                if not chunk:
                    break
                produced += len(chunk)
                if produced > ratio_allow:
                    raise KernelError(
                        f"zip member {name!r} inflates past a ratio of {max_ratio}:1 "
                        f"({produced} bytes from {info.compress_size}): refusing a likely "
                        "zip bomb",
                        offset,
                    )
                if produced > limit:
                    if limit < info.file_size:
                        raise KernelError(
                            f"zip archive inflates past the limit of {max_total} bytes", offset
                        )
                    raise KernelError(
                        f"zip member {name!r} inflates past its declared size of "
                        f"{info.file_size} bytes",
                        offset,
                    )
                chunks.append(chunk)
    except KernelError:
        raise
    except zipfile.BadZipFile as exc:
        text = str(exc)
        if "CRC" in text:
            raise KernelError(
                f"zip member {name!r} is corrupt: CRC-32 mismatch (its data does not match "
                "the sizes/CRC the archive declares)",
                offset,
            ) from None
        raise KernelError(f"zip member {name!r} is corrupt: {text}", offset) from None
    except (
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        struct.error,
        ValueError,
        IndexError,
        OverflowError,
    ) as exc:
        raise KernelError(f"zip member {name!r} is corrupt: {exc}", offset) from None
    if produced != info.file_size:
        raise KernelError(
            f"zip member {name!r} is truncated: {produced} of {info.file_size} declared bytes",
            offset,
        )
    return b"".join(chunks)
