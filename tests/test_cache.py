"""The build cache: pieces are reused, rebuilt when an input changes, and never required."""
import os
import shutil

import pytest

from conftest import ROOT
from pipeline import cache
from pipeline.rules import load_rules


@pytest.fixture
def cache_at(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANNOUNCE_CACHE_DIR", str(folder))
    return folder


def test_cache_piece_is_built_once_then_read(cache_at):
    calls = []
    build = lambda: calls.append(1) or {"a": 1}  # noqa: E731
    assert cache.cached("piece", "d1", build) == {"a": 1}
    assert cache.cached("piece", "d1", build) == {"a": 1}
    assert len(calls) == 1 and len(list(cache_at.glob("piece-*.pickle"))) == 1


def test_cache_changed_rules_file_is_a_new_key(cache_at, tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    first = load_rules(rules_dir)
    f = rules_dir / "events.toml"
    f.write_text(f.read_text().replace('regex = \'\'\'(?=\\w)\\b(?i:\\b(?:retrofitted|repowered|refurbished)\\b)\'\'\'',
                                       'regex = \'\'\'(?=\\w)\\b(?i:\\b(?:retrofitted|uprated)\\b)\'\'\''))
    second = load_rules(rules_dir)
    assert first.digest != second.digest
    assert first["events"].get("retrofit").literals != second["events"].get("retrofit").literals
    assert second["events"].get("retrofit").literals == (("retrofitted", "uprated"),)


def test_cache_unwritable_or_damaged_folder_still_builds(cache_at, monkeypatch):
    cache_at.write_text("a file where the folder should be")
    assert cache.cached("piece", "d1", lambda: 42) == 42
    cache_at.unlink()
    cache_at.mkdir()
    cache.cached("piece", "d1", lambda: 42)
    for path in cache_at.glob("piece-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert cache.cached("piece", "d1", lambda: 43) == 43
    if os.geteuid() != 0:  # root writes anywhere
        cache_at.chmod(0o500)
        assert cache.cached("other", "d1", lambda: 7) == 7


def test_cache_off_builds_every_time(monkeypatch):
    monkeypatch.setenv("ANNOUNCE_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert cache.cached("piece", "d1", lambda: 5) == 5


def test_cache_bad_pattern_is_reported_even_after_a_clean_load(cache_at, tmp_path):
    from pipeline.errors import RulesError
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    load_rules(rules_dir)  # the safety checks pass and are remembered for this digest
    f = rules_dir / "events.toml"
    f.write_text(f.read_text() + '\n[[pattern]]\nid = "bad"\nregex = \'\'\'(\\w+\\s?)+$\'\'\'\nlabel = "other"\n')
    with pytest.raises(RulesError):
        load_rules(rules_dir)
