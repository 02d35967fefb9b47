"""One text in, one `Extraction` out: the extraction stages in their order, built once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .capacity import CapacityExtractor
from .dates import DateExtractor
from .entities import EntityExtractor, build_nlp, project_countries
from .events import EventExtractor, event_date, main_event
from .normalise import Normaliser, build_normaliser
from .records import Extraction
from .rules import Rules, load_rules


@dataclass
class Extractor:
    """Everything heavy (spaCy, matchers, the pint table, dateparser), built once per process."""
    rules: Rules
    normalise: Normaliser
    capacities: CapacityExtractor
    dates: DateExtractor
    entities: EntityExtractor
    events: EventExtractor
    model_name: str | None = None

    def __call__(self, text: str, published: dt.date | None = None, *,
                 normalised: bool = False) -> Extraction:
        """Extract every field from one text. Offsets index the returned `Extraction.text`."""
        if not normalised:
            text = self.normalise(text).text
        doc = self.entities.nlp.make_doc(text)
        caps, cap_dropped = self.capacities(text)
        dates, date_dropped = self.dates(text, published)
        orgs, places, ent_dropped = self.entities(text, doc)
        labels, tech_mentions = self.events.technologies_in(text)
        cues = self.events.events_in(text)
        headline = next((c for c in caps if c.kind == "project"), None)
        event = main_event(cues, headline, len(text))
        return Extraction(
            text=text,
            organizations=tuple(orgs),
            locations=tuple(places),
            countries=tuple(project_countries(places)),
            dates=tuple(dates),
            capacities=tuple(caps),
            technologies=tuple(labels),
            technology_mentions=tuple(tech_mentions),
            event=event.event if event else None,
            event_mentions=tuple(cues),
            event_date=event_date(event, dates, text),
            dropped=tuple(cap_dropped + date_dropped + ent_dropped),
        )


def build_extractor(rules: Rules | None = None, *, model: bool = False) -> Extractor:
    """Build the extractor; `model=True` adds en_core_web_sm as an organisation fallback."""
    rules = rules or load_rules()
    nlp = build_nlp()
    model_nlp = None
    name = None
    if model:
        from .errors import UsageError
        try:
            import spacy
            model_nlp = spacy.load("en_core_web_sm", exclude=["lemmatizer", "attribute_ruler",
                                                              "tagger", "parser", "senter"])
            name = "en_core_web_sm"
        except OSError as exc:
            raise UsageError("--model needs en_core_web_sm: pip install -e '.[model]'") from exc
    return Extractor(rules=rules, normalise=build_normaliser(rules),
                     capacities=CapacityExtractor(rules), dates=DateExtractor(rules),
                     entities=EntityExtractor(rules, nlp=nlp, model=model_nlp),
                     events=EventExtractor(rules), model_name=name)
