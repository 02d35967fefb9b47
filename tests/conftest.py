import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def rules():
    from pipeline.rules import load_rules
    return load_rules()


@pytest.fixture(scope="session")
def extractor(rules):
    from pipeline.extraction import build_extractor
    return build_extractor(rules)


@pytest.fixture(scope="session")
def extract(extractor):
    def run(text, published="2025-12-20"):
        pub = dt.date.fromisoformat(published) if isinstance(published, str) else published
        return extractor(text, pub)
    return run
