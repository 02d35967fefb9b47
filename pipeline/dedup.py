"""Deduplication in two levels: text near-duplicates before extraction, fact agreement after.

Level 1 reads as named steps: fingerprint -> block (shared word shingles) -> verify pairs with
rapidfuzz (near duplicates and "..."-cut fragments, vetoed when key tokens conflict) ->
union-find. Level 2 merges the level-1 clusters whose extracted facts agree (same capacity,
compatible place, organisation, event and date) and whose text is at least loosely similar.
Both record the rule behind every merge.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils as fuzz_utils

from .records import Extraction, Snippet
from .rules import Rules

PHASE_WORDS = {"one": "1", "first": "1", "i": "1", "two": "2", "second": "2", "ii": "2",
               "three": "3", "third": "3", "iii": "3", "four": "4", "fourth": "4", "iv": "4"}
WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    tokens: tuple[str, ...]  # case-folded words, truncation edges dropped
    keys: frozenset[str]  # identity-bearing tokens (numbers, names)
    norm: str  # the tokens joined: what rapidfuzz compares
    complete: bool


@dataclass
class Cluster:
    members: list[int]  # indices into the snippet list
    kept: int  # index of the kept (most complete) snippet
    rules: set[str] = field(default_factory=set)


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        # The smaller index is the root: the result does not depend on the order of unions.
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike Python's salted `hash`)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class Deduplicator:
    def __init__(self, rules: Rules):
        self.s = rules.settings.dedup
        self.key_patterns = [p.regex for p in rules["dedup"].by_label("key_token")]
        self.phase_patterns = [p.regex for p in rules["dedup"].by_label("phase")]

    # -------------------------------------------------------------- level 1
    def fingerprint(self, snippet: Snippet) -> Fingerprint:
        words = WORD.findall(snippet.text)
        if snippet.truncated_start and words:
            words = words[1:]
        if snippet.truncated_end and words:
            words = words[:-1]
        keys = set()
        text = snippet.text
        for m in WORD.finditer(text):
            w = m.group()
            sentence_start = m.start() == 0 or text[:m.start()].rstrip()[-1:] in {".", "!", "?", '"', "-"}
            if any(p.search(w) for p in self.key_patterns) and not (sentence_start and not w[0].isdigit()):
                keys.add(w.replace(",", "").casefold())
        if snippet.truncated_start or snippet.truncated_end:
            # an edge word may be cut in half; it cannot veto
            edge = {w.casefold() for w in WORD.findall(snippet.text)[:1] + WORD.findall(snippet.text)[-1:]}
            keys -= edge
        tokens = tuple(w.casefold().replace(",", "") for w in words)
        return Fingerprint(tokens, frozenset(keys), " ".join(tokens),
                           not (snippet.truncated_start or snippet.truncated_end))

    def text_clusters(self, snippets: Sequence[Snippet],
                      facts: Callable[[int], Extraction] | None = None,
                      accepted: Sequence[tuple[int, int, str]] | None = None,
                      ) -> tuple[list[Cluster], dict[int, str]]:
        """Level 1. Returns clusters and, per merged snippet, the rule that merged it.

        `facts(i)` extracts snippet i on demand: two complete snippets that read alike but
        state a different fact (event, date, place, party, phase) are kept apart. `accepted`
        gives the verified pairs when another engine computed them (pipeline/distributed.py);
        replayed in the same order they give the same clusters and rules.
        """
        fps = [self.fingerprint(s) for s in snippets]
        uf = UnionFind(len(snippets))
        why: dict[int, str] = {}
        # exact repeats after normalisation
        first: dict[str, int] = {}
        for i, fp in enumerate(fps):
            if fp.norm in first:
                if uf.union(first[fp.norm], i):
                    why[i] = "dedup:exact"
                    why.setdefault(first[fp.norm], "dedup:exact")
            else:
                first.setdefault(fp.norm, i)
        # blocking on shingles, then verification; a pair already joined is not verified again
        if accepted is None:
            edges = ((a, b, None) for a, b in self.candidate_pairs(fps))
        else:
            edges = iter(accepted)
        for a, b, rule in edges:
            if uf.find(a) == uf.find(b):
                continue
            if accepted is None:
                rule = self.verify_pair(fps[a], fps[b], facts and (lambda: (facts(a), facts(b))))
            if rule and uf.union(a, b):
                why.setdefault(a, rule)  # the kept member is labelled "kept" later
                why.setdefault(b, rule)
        return self._clusters(snippets, fps, uf), why

    def verify_pair(self, a: Fingerprint, b: Fingerprint,
                    facts: Callable[[], tuple[Extraction, Extraction]] | None = None) -> str | None:
        """The merge rule for a candidate pair, or None; near duplicates are checked for a
        conflicting fact when `facts` can extract both."""
        rule = self._verify(a, b)
        if rule == "dedup:near-duplicate" and facts is not None and self._conflict(*facts()):
            return None
        return rule

    @staticmethod
    def shingles(tokens: Sequence[str], k: int) -> set[int]:
        """Stable hashes of the word k-grams of a snippet (the whole text when shorter)."""
        if len(tokens) < k:
            return {stable_hash(" ".join(tokens))} if tokens else set()
        return {stable_hash(" ".join(tokens[j:j + k])) for j in range(len(tokens) - k + 1)}

    def keep_pair(self, shared: int, size_a: int, size_b: int) -> bool:
        """A candidate shares at least half of the smaller snippet's shingles."""
        return 2 * shared >= min(size_a, size_b)

    def candidate_pairs(self, fps: Sequence[Fingerprint]) -> list[tuple[int, int]]:
        """Pairs sharing at least half of the smaller snippet's shingles (fragments share all of
        theirs, near duplicates most); shingles shared by too many snippets are boilerplate."""
        index: dict[int, list[int]] = defaultdict(list)
        sizes: list[int] = []
        for i, fp in enumerate(fps):
            grams = self.shingles(fp.tokens, self.s.shingle_words)
            sizes.append(len(grams))
            for g in grams:
                index[g].append(i)
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for members in index.values():
            if len(members) < 2 or len(members) > self.s.max_block_size:
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    shared[(members[x], members[y])] += 1
        return sorted(pair for pair, n in shared.items()
                      if self.keep_pair(n, sizes[pair[0]], sizes[pair[1]]))

    def _verify(self, a: Fingerprint, b: Fingerprint) -> str | None:
        short, long_ = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
        if not (short.keys <= long_.keys or long_.keys <= short.keys):
            return None  # a number or a name differs: a different story
        if not short.complete and len(short.tokens) >= self.s.fragment_min_words:
            if short.norm in long_.norm or fuzz.partial_ratio(
                    short.norm, long_.norm, score_cutoff=self.s.fragment_score):
                return "dedup:fragment"
        score = fuzz.token_set_ratio(a.norm, b.norm, processor=None,
                                     score_cutoff=self.s.near_duplicate_score)
        if score and min(len(a.tokens), len(b.tokens)) >= self.s.fragment_min_words:
            return "dedup:near-duplicate"
        return None

    def _clusters(self, snippets, fps, uf) -> list[Cluster]:
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(snippets)):
            groups[uf.find(i)].append(i)
        out = []
        for members in groups.values():
            out.append(Cluster(members=sorted(members), kept=most_complete(snippets, members)))
        out.sort(key=lambda c: c.members[0])
        return out

    # -------------------------------------------------------------- level 2
    def fact_merge(self, clusters: list[Cluster], extractions: list[Extraction],
                   snippets: Sequence[Snippet]) -> list[Cluster]:
        """Merge level-1 clusters whose facts agree. `extractions[i]` belongs to `clusters[i]`."""
        blocks: dict[tuple, list[int]] = defaultdict(list)
        for i, x in enumerate(extractions):
            for key in self._fact_keys(x):
                blocks[key].append(i)
        uf = UnionFind(len(clusters))
        components: dict[int, list[int]] = {i: [i] for i in range(len(clusters))}
        rules: dict[int, str] = {}
        pairs = sorted({(m[x], m[y]) for m in blocks.values()
                        if 2 <= len(m) <= self.s.max_block_size
                        for x in range(len(m)) for y in range(x + 1, len(m))})
        for a, b in pairs:
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            rule = self._facts_agree(extractions[a], extractions[b])
            if not rule:
                continue
            # No chaining across a conflict: every member of one side must agree with the other's.
            if any(self._conflict(extractions[x], extractions[y])
                   for x in components[ra] for y in components[rb]):
                continue
            uf.union(a, b)
            components[uf.find(a)] = components.pop(ra) + components.pop(rb)
            rules[b] = rule
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(clusters)):
            groups[uf.find(i)].append(i)
        merged: list[Cluster] = []
        for idxs in groups.values():
            members = sorted(m for i in idxs for m in clusters[i].members)
            c = Cluster(members=members, kept=most_complete(snippets, members))
            for i in idxs:
                c.rules |= clusters[i].rules
                if i in rules:
                    c.rules.add(rules[i])
            merged.append(c)
        merged.sort(key=lambda c: c.members[0])
        return merged

    def _fact_keys(self, x: Extraction) -> list[tuple]:
        """Blocking keys: a project capacity value together with a project country or a party
        (a merge needs one of them in common), or the same set of two or more organisations."""
        anchors = [("country", c) for c in x.countries] + [("org", o.name) for o in x.organizations]
        keys: list[tuple] = []
        for c in x.capacities:
            if c.kind != "project":
                continue
            for dim, value in (("energy", c.energy_mwh), ("power", c.power_mw)):
                if value:
                    keys.extend((dim, _rounded(value), *a) for a in anchors or [("none", "")])
        orgs = sorted({o.name for o in x.organizations})
        if len(orgs) >= 2 and x.event:
            keys.append(("orgs", tuple(orgs), x.event))
        return keys

    def _facts_agree(self, a: Extraction, b: Extraction) -> str | None:
        """Agreeing facts merge; any conflicting fact vetoes, however similar the words."""
        if self._conflict(a, b):
            return None
        capacity = self._capacities_agree(a, b)
        orgs_a, orgs_b = _org_keys(a), _org_keys(b)
        same_place = any(
            {p.name for p in a.locations if p.is_project and p.kind in level}
            & {p.name for p in b.locations if p.is_project and p.kind in level}
            for level in (("city", "district"), ("admin1",)))
        cutoff = self.s.fact_merge_text_score
        if capacity is None:
            # no capacity to compare: only the same organisations and the same event may merge
            if not (len(orgs_a) >= 2 and not _orgs_each_lack(orgs_a, orgs_b)
                    and _orgs_overlap(orgs_a, orgs_b) and a.event and self._same_event(a, b)):
                return None
        elif not (same_place or _orgs_overlap(orgs_a, orgs_b)):
            # only a number and a country in common: the same event and closer wording needed
            if not (set(a.countries) & set(b.countries) and a.event and b.event
                    and self._same_event(a, b)):
                return None
            cutoff = self.s.fact_merge_country_text_score
        score = fuzz.token_set_ratio(a.text, b.text, processor=fuzz_utils.default_process,
                                     score_cutoff=cutoff)
        return ("dedup:facts" if capacity else "dedup:facts-orgs") if score else None

    def _same_event(self, a: Extraction, b: Extraction) -> bool:
        """Equal events, or events outlets use for the same moment (settings: compatible_events)."""
        return a.event == b.event or any(a.event in g and b.event in g for g in self.s.compatible_events)

    def _conflict(self, a: Extraction, b: Extraction) -> bool:
        """A fact that differs: capacity, event, event date, organisations, country, phase, place."""
        if self._capacities_agree(a, b) is False:
            return True
        if a.event and b.event and not self._same_event(a, b):
            return True
        if a.event_date and b.event_date and not _dates_compatible(a.event_date, b.event_date):
            return True
        orgs_a, orgs_b = _org_keys(a), _org_keys(b)
        if orgs_a and orgs_b and (not _orgs_overlap(orgs_a, orgs_b) or _orgs_each_lack(orgs_a, orgs_b)):
            return True  # different parties, or each names a party the other lacks
        if a.countries and b.countries and not set(a.countries) & set(b.countries):
            return True
        pa, pb = self._phases(a.text), self._phases(b.text)
        if pa != pb and (pa and pb or any(p != "1" for p in pa ^ pb)):
            return True  # different phases; a first phase often goes unnamed, a later one not
        for level in (("city", "district"), ("admin1",)):
            pa = {p.name for p in a.locations if p.is_project and p.kind in level}
            pb = {p.name for p in b.locations if p.is_project and p.kind in level}
            if pa and pb and not pa & pb:
                return True
        # across levels: a town in one and a province in the other that does not contain it
        la = [p for p in a.locations if p.is_project and p.kind in ("city", "district", "admin1")]
        lb = [p for p in b.locations if p.is_project and p.kind in ("city", "district", "admin1")]
        if la and lb:
            names_a = {p.name for p in la} | {p.admin1 for p in la if p.admin1}
            names_b = {p.name for p in lb} | {p.admin1 for p in lb if p.admin1}
            if not names_a & names_b:
                return True
        return False

    def _phases(self, text: str) -> frozenset[str]:
        """Phase or stage numbers named in a text ("phase 2", "second stage")."""
        found = set()
        for p in self.phase_patterns:
            for m in p.finditer(text):
                found.add(PHASE_WORDS.get(m.group("n").casefold(), m.group("n").casefold()))
        return frozenset(found)

    def _capacities_agree(self, a: Extraction, b: Extraction) -> bool | None:
        """True when the headline capacities share a value and none conflicts; None when either
        has no headline; False on a conflict."""
        ha, hb = a.headline, b.headline
        if ha is None or hb is None:
            return None
        tol = self.s.capacity_tolerance
        shared = 0
        for va, vb in ((ha.power_mw, hb.power_mw), (ha.energy_mwh, hb.energy_mwh)):
            if va is not None and vb is not None:
                if abs(va - vb) > tol * max(abs(va), abs(vb)):
                    return False
                shared += 1
        return bool(shared) or False


def _org_keys(x: Extraction) -> frozenset[tuple[str, ...]]:
    """Organisation names as case-folded word tuples (canonical names already fold aliases)."""
    return frozenset(tuple(o.name.casefold().split()) for o in x.organizations if o.name.strip())


def _same_org(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One name is the other's leading words: "Harmony" and "Harmony Energy" are one party in two
    outlets' wording; "China Huadian" and "China Datang" are not."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _orgs_overlap(a: frozenset, b: frozenset) -> bool:
    return any(_same_org(x, y) for x in a for y in b)


def _orgs_each_lack(a: frozenset, b: frozenset) -> bool:
    """Each side names a party with no counterpart on the other side."""
    return (any(not any(_same_org(x, y) for y in b) for x in a)
            and any(not any(_same_org(y, x) for x in a) for y in b))


def _rounded(v: float) -> float:
    return float(f"{v:.3g}")


def _dates_compatible(a, b) -> bool:
    if a.value is None or b.value is None:
        return True
    coarse = max(("day", "month", "quarter", "year").index(a.precision),
                 ("day", "month", "quarter", "year").index(b.precision))
    if coarse == 0:
        return a.value == b.value
    if coarse == 1:
        return (a.value.year, a.value.month) == (b.value.year, b.value.month)
    if coarse == 2:
        return (a.value.year, (a.value.month - 1) // 3) == (b.value.year, (b.value.month - 1) // 3)
    return a.value.year == b.value.year


def most_complete(snippets: Sequence[Snippet], members: Sequence[int]) -> int:
    """The kept snippet: untruncated before truncated, then the longest, then the smallest text."""
    return min(members, key=lambda i: (snippets[i].truncated_start or snippets[i].truncated_end,
                                       -len(snippets[i].text), snippets[i].text))


def similarity(a: str, b: str) -> float:
    """How close a snippet is to its announcement's kept text (0-100)."""
    pa, pb = fuzz_utils.default_process(a), fuzz_utils.default_process(b)
    if not pa or not pb:
        return 0.0
    return float(max(fuzz.token_set_ratio(pa, pb, processor=None),
                     fuzz.partial_ratio(pa, pb, processor=None) if min(len(pa), len(pb)) < max(len(pa), len(pb)) else 0))


def announcement_id(text: str) -> str:
    """Stable id from the kept text: the same text gives the same id in every run."""
    norm = " ".join(WORD.findall(text.casefold()))
    return hashlib.sha1(norm.encode()).hexdigest()[:16]
