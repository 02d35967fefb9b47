"""Splitting raw scrapes: every snippet found, furniture excluded, lines point into the original."""
import json

import pytest

from conftest import ROOT, SHARED
from pipeline.ingest import ingest, paragraphs
from pipeline.io import read_inputs
from pipeline.records import Furniture, Reject, Snippet

EXPECTED = json.loads((ROOT / "corpus/raw/EXPECTED.json").read_text())


def _split(path, extractor, rules):
    items = list(ingest(read_inputs([path]), extractor.normalise, rules))
    return ([i for i in items if isinstance(i, Snippet)], [i for i in items if isinstance(i, Furniture)],
            [i for i in items if isinstance(i, Reject)])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ingest_raw_corpus_counts(name, extractor, rules):
    snippets, furniture, rejects = _split(ROOT / "corpus/raw" / name, extractor, rules)
    want = EXPECTED[name]
    assert len(snippets) == want["snippets"]
    assert len(furniture) == want["furniture"]
    assert sum(s.truncated_start or s.truncated_end for s in snippets) == want["truncated"]
    assert not rejects


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ingest_lines_point_into_the_original(name, extractor, rules):
    path = ROOT / "corpus/raw" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    snippets, furniture, _ = _split(path, extractor, rules)
    for item in [*snippets, *furniture]:
        original = extractor.normalise(lines[item.line - 1]).text
        # the snippet starts with its first line, as normalised
        assert item.text.startswith(original[:20]), (item.line, item.text[:40], original[:40])


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="../shared/seed not present")
def test_ingest_seed_one_snippet_per_news_paragraph(extractor, rules):
    snippets, furniture, rejects = _split(SHARED / "seed", extractor, rules)
    assert len(snippets) == 16
    kinds = sorted(f.kind for f in furniture)
    assert kinds == ["question"] * 4 + ["separator", "title", "web"]
    assert not any(s.text.startswith(("Web:", "---", "#")) for s in snippets)


def test_ingest_truncation_marks_and_normalisation(extractor, rules, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("\u2026 Tesla\u2019s \uff15\uff10\uff10\u00a0MW plant opened in Shanghai today \u2026\n\n"
                 "[Photo/Xinhua]\n\nHow will it help?\n", encoding="utf-8")
    snippets, furniture, _ = _split(p, extractor, rules)
    assert len(snippets) == 1
    s = snippets[0]
    assert s.truncated_start and s.truncated_end
    assert "Tesla's 500 MW plant" in s.text
    assert sorted(f.kind for f in furniture) == ["photo_credit", "question"]


def test_paragraphs_line_numbers():
    text = "\n\nfirst line\nsecond\n\n\nthird\n"
    assert list(paragraphs(text)) == [(3, "first line\nsecond"), (7, "third")]
