"""Reads: the archive on disk: `content.json` beside a `media/` folder, as a directory or a tar (optionally gzipped).

Reading never trusts the archive: a tar is checked member by member before anything is unpacked (only regular
files and folders, no absolute or `..` names, no links or devices, sizes under the limits, checked from each
header before its data is read, so a gzip bomb stops at the first oversized member), and every media name is
checked again before it is opened, so `../../etc/passwd` or a symlink out of the archive is refused by name.
"""

import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage

CONTENT_NAME = "content.json"
MEDIA_DIR = "media"
MB = 1024 * 1024
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
# A media name as the library stores them (`library/2026/11/harbour.jpg`): plain segments, nothing to escape with.
SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
MAX_NAME_LENGTH = 100  # `Image.file`'s max_length


class ArchiveError(Exception):
    """Why an archive cannot be read or imported; raised before, or instead of, any change being kept."""


@dataclass(frozen=True)
class Limits:
    """The largest archive an import accepts; past these it stops with an error before reading further."""

    file_bytes: int = 64 * MB  # one media file
    content_bytes: int = 512 * MB  # content.json
    total_bytes: int = 16 * 1024 * MB  # everything unpacked
    members: int = 1_000_000  # files and folders in a tar


def check_media_name(name: object) -> str:
    """`name` if it is a safe relative name for a media file, else `ArchiveError` saying why."""
    if not isinstance(name, str) or not name:
        raise ArchiveError(f"Media file name {name!r} is not a file name.")
    parts = PurePosixPath(name).parts
    if len(name) > MAX_NAME_LENGTH or not parts or not all(SAFE_SEGMENT.fullmatch(part) for part in parts):
        raise ArchiveError(
            f"Media file name {name!r} is not allowed: relative names of letters, digits, '.', '-', '_' only "
            f"(no '..', no leading '/', at most {MAX_NAME_LENGTH} characters)."
        )
    return name


def _check_member(member: tarfile.TarInfo, limits: Limits) -> None:
    name = member.name.removeprefix("./")
    if member.isdir() and name in ("", ".", MEDIA_DIR):
        return
    if not (member.isfile() or member.isdir()):
        raise ArchiveError(f"{member.name!r} in the archive is a link or a device: only files and folders are allowed.")
    if name == CONTENT_NAME and member.isfile():
        if member.size > limits.content_bytes:
            raise ArchiveError(f"{CONTENT_NAME} is {member.size} bytes: over the limit of {limits.content_bytes}.")
        return
    if not name.startswith(f"{MEDIA_DIR}/"):
        raise ArchiveError(f"{member.name!r} in the archive is neither {CONTENT_NAME} nor under {MEDIA_DIR}/.")
    check_media_name(name.removeprefix(f"{MEDIA_DIR}/").rstrip("/"))
    if member.size > limits.file_bytes:
        raise ArchiveError(f"{member.name!r} is {member.size} bytes: over the limit of {limits.file_bytes} per file.")


def _unpack(path: Path, into: Path, limits: Limits) -> None:
    try:
        with tarfile.open(path, "r:*") as tar:
            checked, total = [], 0
            for member in tar:  # header by header: nothing past an oversized member is decompressed
                _check_member(member, limits)
                total += member.size
                checked.append(member)
                if total > limits.total_bytes or len(checked) > limits.members:
                    raise ArchiveError(
                        f"The archive unpacks to more than {limits.total_bytes} bytes or {limits.members} files."
                    )
            tar.extractall(into, members=checked, filter="data")  # every member checked above
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError(f"{path} is not a readable tar archive: {error}") from error


class ArchiveReader:
    """Reads `content.json` and media files from an unpacked archive, within the limits."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root, self.limits, self.read_bytes = root, limits, 0
        self._counted: set[Path] = set()  # a file read twice (checked, then copied) counts once

    def _read(self, path: Path, shown: str, limit: int) -> bytes:
        media_root = (self.root / MEDIA_DIR).resolve()
        inside = path.resolve().is_relative_to(media_root) or path == self.root / CONTENT_NAME
        if path.is_symlink() or not inside or not path.is_file():
            raise ArchiveError(f"{shown} is missing from the archive (or is not a plain file in it).")
        size = path.stat().st_size
        if path not in self._counted:
            self._counted.add(path)
            self.read_bytes += size
        if size > limit or self.read_bytes > self.limits.total_bytes:
            raise ArchiveError(f"{shown} is {size} bytes: over the import's size limit.")
        return path.read_bytes()

    def content(self) -> bytes:
        return self._read(self.root / CONTENT_NAME, CONTENT_NAME, self.limits.content_bytes)

    def media(self, name: str) -> bytes:
        name = check_media_name(name)
        return self._read(self.root / MEDIA_DIR / name, f"{MEDIA_DIR}/{name}", self.limits.file_bytes)


@contextmanager
def archive_open(path: Path, limits: Limits) -> Iterator[ArchiveReader]:
    """A reader over `path`: a directory as it is, or a tar checked and unpacked into a temporary directory."""
    if path.is_dir():
        yield ArchiveReader(path, limits)
        return
    if not path.is_file():
        raise ArchiveError(f"{path} does not exist.")
    if not tarfile.is_tarfile(path):
        raise ArchiveError(f"{path} is neither a directory nor a tar archive.")
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as unpacked:
        _unpack(path, Path(unpacked), limits)
        yield ArchiveReader(Path(unpacked), limits)


def archive_write(destination: Path, *, content: bytes, media_names: list[str]) -> None:
    """Write `content.json` and each media file (copied from the storage) as a directory or a tar at `destination`.

    A name ending in .tar, .tar.gz or .tgz makes a tar (gzipped unless .tar); anything else a new directory.
    """
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ArchiveError(f"{destination} already exists: choose a new name (an export never overwrites).")
    as_tar = destination.name.endswith(TAR_SUFFIXES)
    with tempfile.TemporaryDirectory(prefix="newsroom-export-") as staging:
        root = Path(staging) if as_tar else destination
        root.mkdir(parents=True, exist_ok=True)
        (root / CONTENT_NAME).write_bytes(content)
        for name in media_names:
            target = root / MEDIA_DIR / check_media_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
        if as_tar:
            mode = "w" if destination.name.endswith(".tar") else "w:gz"
            with tarfile.open(destination, mode) as tar:
                tar.add(root / CONTENT_NAME, arcname=CONTENT_NAME)
                if (root / MEDIA_DIR).exists():
                    tar.add(root / MEDIA_DIR, arcname=MEDIA_DIR)
