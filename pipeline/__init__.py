"""announce: raw scraped energy-storage news in, one clean Parquet row per announcement out.

Library API: `pipeline.run(inputs, out)` for a whole batch, `pipeline.extract(text)` for one text.
"""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache as _lru_cache

__version__ = "0.1.0"


@_lru_cache(maxsize=4)
def _default_extractor(rules_dir: str | None, model: bool):
    from .extraction import build_extractor
    from .rules import load_rules
    return build_extractor(load_rules(rules_dir), model=model)


def extract(text: str, published: _dt.date | str | None = None, *, rules_dir: str | None = None,
            model: bool = False):
    """Extract every field from one text; offsets index the returned `Extraction.text`."""
    if isinstance(published, str):
        published = _dt.date.fromisoformat(published)
    return _default_extractor(rules_dir, model)(text, published)


def run(inputs, out, **options):
    """Run the whole pipeline; see `pipeline.batch.run` for the options."""
    from .batch import run as _run
    return _run(list(inputs) if not isinstance(inputs, (str, bytes)) else [inputs], out, **options)


__all__ = ["__version__", "extract", "run"]
