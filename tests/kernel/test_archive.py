"""The container layer: corpus identification, content hash, hostile input."""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
import zlib

import pytest
from support.corpus import SAVES, corpus_dir, save_file
from support.corpus import corpus_files as all_corpus_files
from support.saves import Member, MiB, build_zip, member, stored, zeros_deflated

from kernel._archive import (
    DEFAULT_MAX_RATIO,
    Archive,
    content_hash,
    open_archive,
)
from kernel._errors import KernelError

# relative path -> (game, kind, [(entry name, encoding, header)]); None = must be rejected
EXPECTED: dict[str, tuple[str, str, list[tuple[str, str, str]]] | None] = {
    "ck3/jomini_ck3_header_1066.9.15_v1.0.3.bin": ("ck3", "binary", [("", "binary", "")]),
    "ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt": ("ck3", "text", [("", "text", "")]),
    "ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt": (
        "ck3",
        "sav-text",
        [("meta", "text", ""), ("gamestate", "text", "")],
    ),
    "ck3/rakaly_ck3_header_v1.0.2_SAV0103_binary_fragment.bin": (
        "ck3",
        "sav-binary",
        [("meta", "binary", ""), ("gamestate", "binary", "")],
    ),
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": (
        "eu4",
        "zip",
        [("game.eu4", "binary", "EU4bin"), ("meta", "binary", "EU4bin")],
    ),
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": (
        "eu4",
        "zip",
        [
            ("gamestate", "binary", "EU4bin"),
            ("meta", "binary", "EU4bin"),
            ("ai", "binary", "EU4bin"),
        ],
    ),
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": (
        "eu4",
        "zip",
        [("game.eu4", "binary", "EU4bin"), ("meta", "binary", "EU4bin")],
    ),
    "eu4/binary-pair/meta.bin": ("eu4", "binary", [("", "binary", "EU4bin")]),
    "eu4/binary-pair/meta.bin.melted": ("eu4", "text", [("", "text", "EU4txt")]),
    # a token table (`0x000b id` lines), not a save
    "eu4/binary-pair/tokens.txt": None,
    "eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin": ("eu4", "binary", [("", "binary", "EU4bin")]),
    "eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt": ("eu4", "text", [("", "text", "EU4txt")]),
    "eu4/morgotth_cardinals_fragment_1580.eu4": ("eu4", "text", [("", "text", "EU4txt")]),
    # headerless fragment: no cheap rule names the game
    "eu4/morgotth_test_fragment.eu4": ("unknown", "text", [("", "text", "")]),
    "eu4/morgotth_tiny_save_1687_trimmed.eu4": ("eu4", "text", [("", "text", "EU4txt")]),
    "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4": (
        "eu4",
        "zip",
        [("gamestate", "text", "EU4txt"), ("meta", "text", "EU4txt"), ("ai", "text", "EU4txt")],
    ),
    "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4": (
        "eu4",
        "zip",
        [("gamestate", "text", "EU4txt"), ("meta", "text", "EU4txt"), ("ai", "text", "EU4txt")],
    ),
    "eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4": (
        "eu4",
        "text",
        [("", "text", "EU4txt")],
    ),
    "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4": (
        "hoi4",
        "text",
        [("", "text", "HOI4txt")],
    ),
    "imperator/rakaly_imperator_header_450.10.1_v1.5.3_SAV0103_binary_fragment.bin": (
        "imperator",
        "sav-binary",
        [("meta", "binary", ""), ("gamestate", "binary", "")],
    ),
    # melted text that kept the binary save's header line (format 03, metadata length 358)
    "imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt": (
        "imperator",
        "sav-text",
        [("meta", "text", ""), ("gamestate", "text", "")],
    ),
    "stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav": (
        "stellaris",
        "zip",
        [("gamestate", "text", ""), ("meta", "text", "")],
    ),
    "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav": (
        "stellaris",
        "zip",
        [("gamestate", "text", ""), ("meta", "text", "")],
    ),
    # binary metadata inline; the fixture's zipped "gamestate" is a placeholder shell script
    "vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3": (
        "vic3",
        "sav-zip",
        [("meta", "binary", ""), ("gamestate", "text", "")],
    ),
}

# corpus SAV header lines: (version, format code, format, checksum, metadata length)
SAV_HEADERS = {
    "ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt": (
        "01",
        2,
        "unified-text",
        "a40f789f",
        0x67C4,
    ),
    "ck3/rakaly_ck3_header_v1.0.2_SAV0103_binary_fragment.bin": (
        "01",
        3,
        "unified-binary",
        "1745060f",
        0x6FD5,
    ),
    "imperator/rakaly_imperator_header_450.10.1_v1.5.3_SAV0103_binary_fragment.bin": (
        "01",
        3,
        "unified-binary",
        "c18f0de8",
        0x166,
    ),
    "vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3": (
        "01",
        3,
        "unified-binary",
        "924eafe8",
        0x32C,
    ),
}

FAST = 1.0  # seconds: every hostile input must be rejected quicker than this


def corpus_files() -> list[str]:
    return [str(p.relative_to(SAVES)) for p in all_corpus_files("saves")]


def read_corpus(rel: str) -> bytes:
    return save_file(rel).read_bytes()


def rejected(data: bytes, **kwargs: int) -> KernelError:
    start = time.perf_counter()
    with pytest.raises(KernelError) as info:
        open_archive(data, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < FAST, f"took {elapsed:.2f}s to reject"
    assert str(info.value)
    return info.value


# --- zip building: support.saves (raw, so that the tests can make archives lie) -----------


def deflated(name: str, data: bytes, level: int = 6) -> Member:
    return member(name, data, level=level)


def rezip(data: bytes, *, level: int, method: int, reverse: bool) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = source.infolist()
    if reverse:
        infos = infos[::-1]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as target:
        for info in infos:
            fresh = zipfile.ZipInfo(info.filename, date_time=(2001, 2, 3, 4, 5, 6))
            fresh.compress_type = method
            target.writestr(fresh, source.read(info.filename), compresslevel=level)
    return buf.getvalue()


# --- the corpus ----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", corpus_files() or ["<corpus absent>"])
def test_corpus_file_identified(rel: str) -> None:
    if rel == "<corpus absent>":
        corpus_dir("saves")  # skips, saying where the corpus was looked for
    assert rel in EXPECTED, f"new corpus file {rel}: add its expectation"
    data = read_corpus(rel)
    expected = EXPECTED[rel]
    if expected is None:
        rejected(data)
        return
    game, kind, entries = expected
    container = open_archive(data)
    assert container.game == game
    assert container.kind == kind
    assert [(e.name, e.encoding, e.header) for e in container.entries] == entries
    assert container.gamestate() in container.entries
    assert len(content_hash(container)) == 64
    if kind.startswith("sav"):
        assert container.sav_header is not None
    else:
        assert container.sav_header is None


def test_every_expectation_names_a_corpus_file() -> None:
    # The other direction of test_corpus_file_identified: a file of EXPECTED that the
    # corpus lacks (renamed, lost) fails here instead of skipping its tests.
    corpus_dir("saves")
    missing = sorted(set(EXPECTED) - set(corpus_files()))
    assert not missing, f"expected but not in the corpus: {missing}"


@pytest.mark.parametrize("rel", sorted(SAV_HEADERS))
def test_corpus_sav_header(rel: str) -> None:
    data = read_corpus(rel)
    container = open_archive(data)
    header = container.sav_header
    assert header is not None
    version, code, fmt, checksum, length = SAV_HEADERS[rel]
    assert (header.version, header.format_code, header.format) == (version, code, fmt)
    assert (header.checksum, header.metadata_length) == (checksum, length)
    assert header.header_length == 24
    assert header.extra == ""
    assert header.raw == data[:23].decode()
    assert header.metadata == data[24 : 24 + length]
    assert header.compressed and header.binary == (code % 2 == 1)
    meta = container.meta()
    assert meta is not None and meta.data == header.metadata


def test_eu4_zip_entry_contents() -> None:
    data = read_corpus("eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4")
    container = open_archive(data)
    meta = container.meta()
    assert meta is not None and meta.data.startswith(b"EU4txt\ndate=2087.7.1")
    assert container.gamestate().name == "gamestate"
    assert len(container.gamestate().data) == 17_502_551
    assert container.entry("ai") is not None and container.entry("nope") is None


def test_eu4_old_layout_gamestate_is_game_eu4() -> None:
    container = open_archive(read_corpus("eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4"))
    assert container.gamestate().name == "game.eu4"
    assert container.gamestate().data.startswith(b"EU4bin")


def test_plain_file_is_its_own_gamestate() -> None:
    data = read_corpus("hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4")
    container = open_archive(data)
    assert container.gamestate().data == data  # BOM and header line kept
    assert container.meta() is None


# --- content hash --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4",
        "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4",
    ],
)
@pytest.mark.parametrize(("level", "method"), [(1, zipfile.ZIP_DEFLATED), (0, zipfile.ZIP_STORED)])
def test_content_hash_survives_rezip(rel: str, level: int, method: int) -> None:
    data = read_corpus(rel)
    again = rezip(data, level=level, method=method, reverse=True)
    assert again != data
    first, second = open_archive(data), open_archive(again)
    assert [e.name for e in first.entries] != [e.name for e in second.entries]
    assert content_hash(first) == content_hash(second)


def test_content_hash_changes_with_content() -> None:
    data = read_corpus("eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4")
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    base = content_hash(open_archive(data))
    changed = dict(members)
    changed["meta"] = changed["meta"].replace(b"date=2087.7.1", b"date=2087.7.2")
    renamed = dict(members)
    renamed["ai2"] = renamed.pop("ai")
    for variant in (changed, renamed):
        built = build_zip([deflated(name, blob) for name, blob in variant.items()])
        assert content_hash(open_archive(built)) != base


def test_content_hash_frames_entries() -> None:
    # moving bytes from one entry to the next must change the hash
    one = build_zip([stored("a", b"EU4txt\nx=1"), stored("b", b"EU4txt\ny=2")])
    two = build_zip([stored("a", b"EU4txt\nx=1E"), stored("b", b"U4txt\ny=2")])
    assert content_hash(open_archive(one)) != content_hash(open_archive(two))


def test_content_hash_of_sav_zip_survives_rezip() -> None:
    fragment = read_corpus("ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt")
    gamestate = read_corpus("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt")
    one = fragment + build_zip([deflated("gamestate", gamestate, 9)])
    two = fragment + build_zip([stored("gamestate", gamestate)])
    first, second = open_archive(one), open_archive(two)
    assert (first.game, first.kind) == ("ck3", "sav-zip")
    assert [(e.name, e.encoding) for e in first.entries] == [
        ("meta", "text"),
        ("gamestate", "text"),
    ]
    assert first.gamestate().data == gamestate
    assert content_hash(first) == content_hash(second)


# --- SAV header variants -------------------------------------------------------------------


def test_sav02_eu5_text_header() -> None:
    meta = b'metadata={\n\tdate=1337.4.1\n\tplayer_country_name="Sweden"\n}\n'
    body = meta + b"locations={ }\n"
    line = b"SAV0200" + b"3fb9bd37" + b"%08x" % len(meta) + b"00000000\n"
    container = open_archive(line + body)
    header = container.sav_header
    assert header is not None
    assert (header.version, header.format, header.header_length) == ("02", "text", 32)
    assert header.extra == "00000000"
    assert (container.game, container.kind) == ("eu5", "sav-text")
    meta_entry = container.meta()
    assert meta_entry is not None and meta_entry.data == meta
    assert container.gamestate().data == body


def test_sav_header_with_crlf() -> None:
    meta = b"meta_data={\n\tgame_date=1836.1.1\n}\n"
    data = b"SAV0100" + b"78544999" + b"%08x" % len(meta) + b"\r\n" + meta
    container = open_archive(data)
    assert container.sav_header is not None and container.sav_header.header_length == 25
    assert (container.game, container.kind) == ("vic3", "sav-text")


def test_sav_split_zip_holds_meta() -> None:
    meta = b"meta_data={\n\tmeta_date=1066.9.15\n}\n"
    archive = build_zip([deflated("gamestate", meta + b"x=1\n"), deflated("meta", meta)])
    container = open_archive(b"SAV010480b859da00000000\n" + archive)
    assert container.kind == "sav-zip" and container.game == "ck3"
    assert [e.name for e in container.entries] == ["gamestate", "meta"]
    assert container.sav_header is not None and container.sav_header.format == "split-text"


def test_eu5_string_lookup_member() -> None:
    archive = build_zip(
        [
            stored("gamestate", b"\x22\x33\x01\x00\x0c\x00\x01\x00\x00\x00"),
            stored("string_lookup", b"\x00\x01\x00\x01\x00\x03\x00abc"),
        ]
    )
    container = open_archive(b"SAV0103daabb23800000000\n" + archive)
    assert container.game == "eu5"


# --- hostile input -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zeros_600mb() -> tuple[bytes, int, int]:
    """A raw deflate stream of 600 MiB of zeros (built from one repeated flushed block)."""
    block = bytes(MiB)
    crc = 0
    for _ in range(600):
        crc = zlib.crc32(block, crc)
    return zeros_deflated(600), crc, 600 * MiB


def test_zip_bomb_with_honest_sizes(zeros_600mb: tuple[bytes, int, int]) -> None:
    payload, crc, size = zeros_600mb
    bomb = build_zip([Member("gamestate", payload, crc=crc, size=size)])
    error = rejected(bomb)
    assert "ratio" in error.message
    error = rejected(bomb, max_ratio=2000, max_decompressed=1_000_000)
    assert "limit" in error.message
    error = rejected(bomb, max_ratio=2000)
    assert "limit" in error.message


def test_zip_bomb_declaring_small_size(zeros_600mb: tuple[bytes, int, int]) -> None:
    # the directory claims 1 MB; the stream would inflate to 600 MiB
    payload, crc, _size = zeros_600mb
    bomb = build_zip([Member("gamestate", payload, crc=crc, size=1_000_000)])
    error = rejected(bomb, max_decompressed=1_000_000)
    assert "CRC" in error.message or "size" in error.message


def test_zip_bomb_declaring_size_under_the_ratio(zeros_600mb: tuple[bytes, int, int]) -> None:
    # declares DEFAULT_MAX_RATIO - 1 times its compressed size: stopped at that size
    payload, crc, _size = zeros_600mb
    declared = len(payload) * (DEFAULT_MAX_RATIO - 1)
    bomb = build_zip([Member("gamestate", payload, crc=crc, size=declared)])
    rejected(bomb)


def test_zip_total_budget() -> None:
    rng = random.Random(7)
    text = b"".join(b"k%d=%d\n" % (i, rng.randrange(10**6)) for i in range(200_000))
    archive = build_zip([deflated("gamestate", text), deflated("meta", text[:1000])])
    assert len(text) > 1_000_000
    error = rejected(archive, max_decompressed=1_000_000)
    assert "limit" in error.message
    assert open_archive(archive, max_decompressed=len(text) + 1000).game == "unknown"


def test_truncated_corpus_zip() -> None:
    data = read_corpus("eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4")
    error = rejected(data[: len(data) // 2])
    assert "truncated" in error.message
    assert error.offset == len(data) // 2


def test_truncated_sav_zip() -> None:
    data = read_corpus("vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3")
    rejected(data[:900])


def test_local_header_lies_about_sizes() -> None:
    member = deflated("gamestate", b"EU4txt\n" + b"a=b\n" * 10_000)
    member.local_size = 100
    error = rejected(build_zip([member]))
    assert "local header" in error.message


def test_directory_lies_about_size() -> None:
    # central directory and local header agree on a size that is too small
    member = deflated("gamestate", b"EU4txt\n" + b"a=b\n" * 10_000)
    member.size = 1000
    error = rejected(build_zip([member]))
    assert "CRC" in error.message or "size" in error.message


def test_directory_claims_more_than_the_stream_holds() -> None:
    data = b"EU4txt\n" + b"a=b\n" * 10_000
    member = deflated("gamestate", data)
    member.size = len(data) + 500
    error = rejected(build_zip([member]))
    assert "truncated" in error.message or "CRC" in error.message


def test_bad_crc() -> None:
    member = stored("meta", b"EU4txt\ndate=1444.11.11\n")
    member.payload = member.payload.replace(b"1444", b"1445")
    error = rejected(build_zip([member]))
    assert "CRC" in error.message


def test_corrupt_deflate_stream() -> None:
    member = deflated("gamestate", bytes(range(256)) * 100)
    member.payload = b"\xff" * len(member.payload)
    rejected(build_zip([member]))


def test_unsupported_compression() -> None:
    member = stored("gamestate", b"EU4txt\na=b\n")
    member.method = 93  # zstd (the local header says the same)
    error = rejected(build_zip([member]))
    assert "unsupported compression" in error.message


def test_encrypted_member() -> None:
    member = stored("gamestate", b"EU4txt\na=b\n")
    member.flags = 0x1
    error = rejected(build_zip([member]))
    assert "encrypted" in error.message


def test_too_many_members() -> None:
    members = [stored(f"m{i}", b"a=b\n") for i in range(100)]
    error = rejected(build_zip(members))
    assert "members" in error.message


def test_more_members_than_declared() -> None:
    members = [stored(f"m{i}", b"a=b\n") for i in range(100)]
    error = rejected(build_zip(members, count=2))
    assert "members" in error.message


def test_oversized_central_directory() -> None:
    archive = build_zip([stored("gamestate", b"EU4txt\na=b\n")])
    lying = archive[:-10] + struct.pack("<I", 50_000_000) + archive[-6:]
    error = rejected(lying)
    assert "central directory" in error.message


def test_duplicate_member_names() -> None:
    error = rejected(build_zip([stored("meta", b"a=1\n"), stored("meta", b"a=2\n")]))
    assert "two members" in error.message


def test_empty_zip() -> None:
    rejected(build_zip([]))


def test_member_past_end_of_file() -> None:
    member = stored("gamestate", b"EU4txt\na=b\n")
    member.csize = member.size = 10_000_000  # the local header says the same
    rejected(build_zip([member]))


def test_zip_without_gamestate() -> None:
    container = open_archive(build_zip([stored("a", b"x=1\n"), stored("b", b"y=2\n")]))
    with pytest.raises(KernelError):
        container.gamestate()


def test_sav_metadata_length_past_end() -> None:
    data = b"SAV0103c18f0de8" + b"%08x" % 5000 + b"\n" + b"\x8f\x05\x01\x00\x0c\x00" * 10
    error = rejected(data)
    assert error.offset == 15
    assert "metadata" in error.message


def test_sav_metadata_length_misses_the_zip() -> None:
    data = read_corpus("vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3")
    lying = data[:15] + b"%08x" % 0x300 + data[23:]
    rejected(lying)


@pytest.mark.parametrize(
    "data",
    [
        b"SAV0103c18f0de8000001" + b"\x00" * 400,  # no line end within 80 bytes
        b"SAV0103c18f0de8000001",  # no line end at all
        b"SAV0103c18f0de80000016\na=b\n",  # a digit short
        b"SAV01zzc18f0de800000166\na=b\n",  # not hex
        b"SAV0103c18f0de800000166\xff\na=b\n",  # not ASCII
    ],
)
def test_malformed_sav_header(data: bytes) -> None:
    rejected(data)


def test_sav_header_without_body() -> None:
    rejected(b"SAV010078544999" + b"00000000" + b"\n")


def test_sav_with_garbage_body() -> None:
    rejected(b"SAV010378544999" + b"00000000" + b"\n" + bytes(range(256)) * 4)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("size", [1, 7, 100, 4096, 1 << 20])
def test_random_bytes(seed: int, size: int) -> None:
    data = random.Random(seed * 1000 + size).randbytes(size)
    if data[:2] == b"PK" or data[:4] == b"SAV0":
        data = b"\x00" + data
    rejected(data)


def test_empty_input() -> None:
    error = rejected(b"")
    assert error.offset == 0


def test_plain_file_over_budget() -> None:
    data = b"EU4txt\n" + b"a=b\n" * 1000
    rejected(data, max_decompressed=100)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        open_archive(b"\x00\x01\x02")


def test_nonpositive_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        open_archive(b"EU4txt\na=b\n", max_decompressed=0)


# --- detection of headerless streams -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "game", "kind"),
    [
        (b'version="Circinus v3.14.15926"\nname="x"\n', "stellaris", "text"),
        (b"meta_data={\n\tgame_date=1836.1.1\n}\n", "vic3", "text"),
        (b"meta_data={\n\tmeta_date=1066.9.15\n}\n", "ck3", "text"),
        (b'save_game_version=34840\nversion="1.5.3"\n', "imperator", "text"),
        (b"metadata={ date=1337.4.1 }\n", "eu5", "text"),
        (b'\xef\xbb\xbfplayer="GER"\n', "unknown", "text"),
        (b"\xad\x55\x01\x00\x03\x00\x04\x00", "vic3", "binary"),
        (b"\x8f\x05\x01\x00\x0c\x00\x18\x88\x00\x00", "imperator", "binary"),
        (b"\x55\x31\x01\x00\x03\x00\x04\x00", "ck3", "binary"),
        (b"\x42\x42\x01\x00\x0c\x00\x01\x00\x00\x00", "unknown", "binary"),
        (b"HOI4bin\x42\x42\x01\x00\x0c\x00\x01\x00\x00\x00", "hoi4", "binary"),
    ],
)
def test_headerless_detection(data: bytes, game: str, kind: str) -> None:
    container = open_archive(data)
    assert (container.game, container.kind) == (game, kind)


def test_stellaris_zip_detection_needs_no_names() -> None:
    meta = b'version="Orion v3.6.1"\nversion_control_revision=1\nname="Nexitron"\n'
    container = open_archive(build_zip([deflated("meta", meta), deflated("gamestate", meta)]))
    assert (container.game, container.kind) == ("stellaris", "zip")


def test_container_repr_is_short() -> None:
    container = open_archive(b"EU4txt\ndate=1444.11.11\n")
    assert isinstance(container, Archive)
    assert "EU4txt" in repr(container) and len(repr(container)) < 200
