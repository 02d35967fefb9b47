"""Deduplication in two levels: text near-duplicates before extraction, fact agreement after.

Level 1 reads as named steps: fingerprint -> block (shared word shingles) -> verify pairs with
rapidfuzz (near duplicates and "..."-cut fragments, vetoed when key tokens conflict) ->
union-find. Level 2 merges the level-1 clusters whose extracted facts agree (same capacity,
compatible place, organisation, event and date) and whose text is at least loosely similar.
Both record the rule behind every merge.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import sys
import unicodedata
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

import numpy as np

from rapidfuzz import fuzz, utils as fuzz_utils

from .entities import UNPLACED_FIRM, area_names, fold
from .events import Grammar, lead_end, main_event
from .prefilter import Hits, LiteralScanner
from .records import Extraction, Snippet
from .rules import Rules

ADDED = "added"  # the phase of an addition to a running site, its number unstated ("expansion")
WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*")
SENTENCE_STARTERS = frozenset({".", "!", "?", '"', "-"})
SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "del", "la"})


@dataclass(frozen=True, slots=True)
class Fingerprint:
    tokens: tuple[str, ...]  # case-folded words, truncation edges dropped
    keys: frozenset[str]  # identity-bearing tokens (numbers, names)
    words: frozenset[str]  # every token, case-folded
    norm: str  # the tokens joined: what rapidfuzz compares
    complete: bool


@dataclass(slots=True)
class Cluster:
    members: list[int]  # indices into the snippet list
    kept: int  # index of the kept (most complete) snippet
    # why its members merged; a frozenset, so the many clusters that never merge share the
    # one empty set rather than each holding a set of its own
    rules: frozenset[str] = frozenset()


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


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return stable_hash(word)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: 1 and 1.0 read "1" and "1.0"
def _part_hash(part) -> int:
    """The stable hash of one part of a blocking key (a word, a bucket, a party's words), as
    read by `repr` when not a string; a key's parts recur across keys and clusters."""
    return _word_hash(part if isinstance(part, str) else repr(part))


def _key_hash(parts: tuple) -> int:
    """A stable 64-bit hash of a blocking key: its parts' hashes mixed in order."""
    h = 0xCBF29CE484222325
    for part in parts:
        h = ((h ^ _part_hash(part)) * 0x100000001B3) & MASK64
    return h


# Odd 64-bit multipliers, one per position in a shingle (fixed: hashes must not change).
SHINGLE_MIX = np.array([(0x9E3779B97F4A7C15 * (2 * j + 1)) % (1 << 64) | 1 for j in range(64)],
                       dtype=np.uint64)
FINGERPRINT_CACHE = 1 << 14  # fingerprints kept while pairs are verified
OWNER_CHUNK = 1 << 16  # snippets whose postings are handled at once
PAIRS_PER_SLICE = 1 << 21  # candidate pairs made (and thinned) at once
PAIRS_PER_PASS = 1 << 22  # level-2 pairs held at once (then handed out in order)


class _Postings:
    """Shingle hashes of many snippets gathered into few arrays (one small array per snippet
    would cost more in object overhead than in numbers)."""

    def __init__(self):
        self.chunks: list[np.ndarray] = []
        self.pending: list[np.ndarray] = []
        self.sizes: list[int] = []

    def append(self, hashes: np.ndarray) -> None:
        self.pending.append(hashes)
        self.sizes.append(len(hashes))
        if len(self.pending) >= OWNER_CHUNK:
            self.chunks.append(np.concatenate(self.pending))
            self.pending = []

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All hashes in one array, each chunk released once copied (no second full copy)."""
        if self.pending:
            self.chunks.append(np.concatenate(self.pending))
            self.pending = []
        hashes = np.empty(sum(len(c) for c in self.chunks), dtype=np.uint64)
        at = 0
        while self.chunks:
            chunk = self.chunks.pop(0)
            hashes[at:at + len(chunk)] = chunk
            at += len(chunk)
            del chunk
        return hashes, np.asarray(self.sizes, dtype=np.int64)
MASK64 = (1 << 64) - 1
MASK_WORDS = 4  # a snippet's words and key tokens as 256-bit Bloom masks


def bloom_mask(words: Iterable[str]) -> list[int]:
    """A 256-bit Bloom mask of words (two bits each), as MASK_WORDS 64-bit numbers."""
    bits = 0
    for w in words:
        h = _word_hash(w)
        bits |= (1 << (h & 255)) | (1 << ((h >> 8) & 255))
    return [(bits >> (64 * j)) & 0xFFFFFFFFFFFFFFFF for j in range(MASK_WORDS)]


def may_agree(a: np.ndarray, b: np.ndarray, keys: np.ndarray, words: np.ndarray):
    """Drop the pairs whose key tokens surely conflict: each side has a key whose bits are
    missing from the other side's words (a Bloom mask never misses a word it holds, so this
    drops only pairs `keys_conflict` rejects), before any text is compared."""
    a_lacks = ((keys[a] & ~words[b]) != 0).any(axis=1)
    b_lacks = ((keys[b] & ~words[a]) != 0).any(axis=1)
    keep = ~(a_lacks & b_lacks)
    return a[keep], b[keep]


class _Recent:
    """A function's values by argument, the `size` most recently used kept (lru_cache's policy),
    that can also be handed a value computed elsewhere (`put`). Values are never None."""

    def __init__(self, fn: Callable, size: int):
        self.fn, self.size, self.values = fn, size, OrderedDict()

    def __call__(self, key):
        values = self.values
        value = values.get(key)
        if value is None:
            value = values[key] = self.fn(key)
            if len(values) > self.size:
                values.popitem(last=False)
        else:
            values.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        values = self.values
        if key in values:
            values.move_to_end(key)
            return
        values[key] = value
        if len(values) > self.size:
            values.popitem(last=False)


class Deduplicator:
    def __init__(self, rules: Rules):
        self.s = rules.settings.dedup
        self._shared: dict = {}  # see _share
        self.key_patterns = [p.regex for p in rules["dedup"].by_label("key_token")]
        self.phase_patterns = [p.regex for p in rules["dedup"].by_label("phase")]
        self.phase_words = rules["dedup"].phase_words  # "second": "2", "last": "final"
        self.ordinal_patterns = [p.regex for p in rules["dedup"].by_label("site_ordinal")]
        self.round_patterns = [p.regex for p in rules["dedup"].by_label("round")]
        self.name_patterns = [p.regex for p in rules["dedup"].by_label("project_name")]
        self.name_word_patterns = [p.regex for p in rules["dedup"].by_label("name_word")]
        self.common_words = rules.common_words
        self.demonym_forms = frozenset(f for d in rules.demonyms for f in d.forms)
        self.money_patterns = [p.regex for p in rules["dedup"].by_label("money")]
        self.money_scales = rules["dedup"].numbers
        # one literal scan of a text tells which phase, ordinal and round patterns can match it
        counted = [p for label in ("phase", "site_ordinal", "round") for p in rules["dedup"].by_label(label)]
        self._counted_scanner = LiteralScanner(counted)
        self._counted = {id(p.regex): p for p in counted}
        self._counted_hits: tuple[str, Hits] | None = None
        self.landmark_patterns = [p.regex for p in rules["dedup"].by_label("landmark")]
        self.place_suffixes = [p.regex for p in rules["dedup"].by_label("place_suffix")]
        self.district_cues = [p.regex for p in rules["dedup"].by_label("district_cue")]
        self._place = lru_cache(maxsize=1 << 14)(self._place_name)
        self.plan_rules = frozenset(self.s.plan_event_rules)
        # the main event is chosen as extraction chose it: the lead sentence counts more
        self._grammar = Grammar.from_rules(rules)
        self._lead_bonus = rules.settings.events.lead_sentence_bonus
        self.not_party_patterns = [p.regex for p in rules["dedup"].by_label("not_party")]
        self.acronym_after = [p.regex for p in rules["dedup"].by_label("acronym_after")]
        self.acronym_endings = tuple(w.casefold() for w in rules["dedup"].words.get("acronym_endings", ()))
        self.generic_words = frozenset(rules["dedup"].words.get("party_generic_words", ()))
        self.generic_cores = frozenset(rules["dedup"].words.get("generic_party_cores", ()))
        self._is_key = lru_cache(maxsize=1 << 16)(
            lambda word: any(p.search(word) for p in self.key_patterns))
        # level 1 hands on what it read of each whole text (text_clusters), level 2 asks
        self._keys_words = _Recent(self._text_keys_words, 1 << 12)
        self.role_slots = {role: "|".join(slot) for slot in self.s.role_slots for role in slot}
        kinds = set(self.s.bystander_types)
        self.bystanders = frozenset(o.name.casefold() for o in rules.organizations if o.type in kinds)
        self.groups = _org_groups(rules.organizations)
        # a text cut with "..." (normalise.toml truncation marks) may have lost its event words
        self.truncation_marks = [p.regex for p in rules["normalise"].patterns
                                 if p.label in ("truncation_start", "truncation_end")]

    # -------------------------------------------------------------- level 1
    def fingerprint(self, snippet: Snippet) -> Fingerprint:
        return self.text_fingerprint(snippet.text, snippet.truncated_start, snippet.truncated_end)

    def text_fingerprint(self, text: str, truncated_start: bool = False,
                         truncated_end: bool = False) -> Fingerprint:
        found = words_of(text)
        words = [w for w, _ in found]
        if truncated_start and words:
            words = words[1:]
        if truncated_end and words:
            words = words[:-1]
        keys = self.key_tokens(found)
        if truncated_start or truncated_end:
            # an edge word may be cut in half; it cannot veto
            keys -= {w.casefold() for w, _ in found[:1] + found[-1:]}
        tokens = tuple(w.casefold().replace(",", "") for w in words)
        return Fingerprint(tokens, frozenset(keys), frozenset(tokens), " ".join(tokens),
                           not (truncated_start or truncated_end))

    def key_tokens(self, found: Sequence[tuple[str, bool]]) -> set[str]:
        """Identity-bearing tokens (numbers, names) of `words_of(text)`, case-folded; a
        capitalised word that only starts a sentence is not one."""
        return {w.replace(",", "").casefold() for w, sentence_start in found
                if self._is_key(w) and not (sentence_start and not w[0].isdigit())}

    def text_clusters(self, snippets: Sequence[Snippet],
                      facts: Callable[[int], Extraction] | None = None,
                      accepted: Sequence[tuple[int, int, str]] | None = None,
                      ) -> tuple[list[Cluster], dict[int, str]]:
        """Level 1. Returns clusters and, per merged snippet, the rule that merged it.

        `facts(i)` extracts snippet i on demand: two complete snippets that read alike but
        state a different fact (event, date, place, party, phase) are kept apart. `accepted`
        gives the verified pairs when another engine computed them (pipeline/distributed.py);
        replayed in the same order they give the same clusters and rules. Fingerprints are
        made again when a pair needs them rather than kept for every snippet: memory stays at
        a few arrays of numbers per snippet.
        """
        def fingerprint_of(i: int) -> Fingerprint:
            snippet = snippets[i]
            fp = self.fingerprint(snippet)
            if fp.complete:  # uncut: the text's own key tokens and words, which level 2 reads
                self._keys_words.put(snippet.text, (fp.keys, fp.words))
            return fp

        fingerprint = lru_cache(maxsize=FINGERPRINT_CACHE)(fingerprint_of)
        n = len(snippets)
        uf = UnionFind(n)
        why: dict[int, str] = {}
        exact = np.empty(n, dtype=np.uint64)  # a hash of each snippet's normalised words
        shingles = _Postings()
        key_masks = np.zeros((n, MASK_WORDS), dtype=np.uint64)
        word_masks = np.zeros((n, MASK_WORDS), dtype=np.uint64)
        for i in range(n):
            fp = fingerprint(i)
            exact[i] = stable_hash(fp.norm)
            if accepted is None:
                shingles.append(self.shingle_hashes(fp.tokens, self.s.shingle_words))
                key_masks[i] = bloom_mask(fp.keys)
                word_masks[i] = bloom_mask(fp.words)
        # exact repeats after normalisation: each snippet joins the first with the same hash
        # when their words are equal
        order = np.argsort(exact, kind="stable")
        starts, lengths = _runs(exact[order], np.uint64(0))
        for s, length in zip(starts.tolist(), lengths.tolist()):
            j = int(order[s])
            for i in order[s + 1:s + length].tolist():
                if fingerprint(j).norm == fingerprint(i).norm and uf.union(j, i):
                    why[i] = "dedup:exact"
                    why.setdefault(j, "dedup:exact")
        del exact, order
        # blocking on shingles, then verification; a pair already joined is not verified again
        if accepted is None:
            a, b = self.candidate_pairs(*shingles.arrays(),
                                        keep=lambda a, b: may_agree(a, b, key_masks, word_masks))
            del shingles
            edges = ((x, y, None) for x, y in iter_pairs(a, b))
        else:
            edges = iter(accepted)
        for a, b, rule in edges:
            if uf.find(a) == uf.find(b):
                continue
            if accepted is None:
                rule = self.verify_pair(fingerprint(a), fingerprint(b),
                                        facts and (lambda: (facts(a), facts(b))))
            if rule and uf.union(a, b):
                why.setdefault(a, rule)  # the kept member is labelled "kept" later
                why.setdefault(b, rule)
        return self._clusters(snippets, uf), why

    def verify_pair(self, a: Fingerprint, b: Fingerprint,
                    facts: Callable[[], tuple[Extraction, Extraction]] | None = None) -> str | None:
        """The merge rule for a candidate pair, or None; near duplicates are checked for a
        conflicting fact when `facts` can extract both."""
        rule = self._verify(a, b)
        if rule == "dedup:near-duplicate" and facts is not None:
            x, y = facts()
            if self.conflict(self.facts_of(x), self.facts_of(y)):
                return None
        return rule

    @staticmethod
    def shingle_hashes(tokens: Sequence[str], k: int) -> np.ndarray:
        """Stable 64-bit hashes of the distinct word k-grams of a snippet (of the whole text
        when shorter), sorted. Each word is hashed once; a k-gram's hash is a fixed mix of its
        words' hashes, computed for all k-grams of a snippet at once."""
        if not tokens:
            return np.empty(0, dtype=np.uint64)
        ids = np.fromiter((_word_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))
        if len(ids) < k:
            return np.unique(np.array([int((ids * SHINGLE_MIX[:len(ids)]).sum())], dtype=np.uint64))
        n = len(ids) - k + 1
        mixed = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            mixed += ids[j:j + n] * SHINGLE_MIX[j]  # uint64 arithmetic wraps: a hash, not a sum
        return np.unique(mixed)

    @classmethod
    def shingles(cls, tokens: Sequence[str], k: int) -> set[int]:
        """The shingle hashes as Python ints (what the distributed engine shuffles on)."""
        return set(cls.shingle_hashes(tokens, k).tolist())

    @staticmethod
    def owner_bits(n: int) -> int:
        """Bits a posting gives its snippet index: the rest keep the top of the shingle hash."""
        return max(1, (n - 1).bit_length())

    def candidate_pairs(self, hashes: np.ndarray, sizes: np.ndarray,
                        keep: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
                        | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pairs worth verifying: each snippet is paired with every snippet that holds one of
        its rarest shingles (settings: blocking_shingles). A fragment's rarest shingles are
        in the text it was cut from, a near duplicate shares most of its own; shingles held by
        more than max_block_size snippets are boilerplate and pair nothing.

        `hashes` holds the `shingle_hashes` of every snippet in order, `sizes` how many each
        has (the array is reused). Numbers only: a posting is one 64-bit number, the top of
        the shingle hash above the snippet index, so one in-place sort lines up the holders
        of each shingle, and a run's length is the shingle's document frequency. Memory is
        about 12 bytes a posting (some 30 a snippet). Returns the pairs (a < b), sorted."""
        empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
        total = len(hashes)
        if not total:
            return empty
        bits = self.owner_bits(len(sizes))
        owner_mask = np.uint64((1 << bits) - 1)
        shift = np.uint64(bits)
        np.right_shift(hashes, shift, out=hashes)
        np.left_shift(hashes, shift, out=hashes)
        ends = np.cumsum(sizes, dtype=np.int64)
        for lo in range(0, len(sizes), OWNER_CHUNK):  # in chunks: no array of owners
            hi = min(lo + OWNER_CHUNK, len(sizes))
            first = ends[lo] - sizes[lo]
            hashes[first:ends[hi - 1]] |= np.repeat(np.arange(lo, hi, dtype=np.uint64), sizes[lo:hi])
        hashes.sort()
        keys = hashes
        starts, lengths = _runs(keys, shift)
        useful_run = lengths <= self.s.max_block_size
        inside = np.zeros(total + 1, dtype=np.int8)  # +1 where a useful run opens, -1 past it
        inside[starts[useful_run]] = 1
        inside[starts[useful_run] + lengths[useful_run]] -= 1  # runs may touch: 1 - 1 = 0
        np.cumsum(inside, out=inside)
        sel = np.flatnonzero(inside[:total])
        del inside
        run_of = np.repeat(np.flatnonzero(useful_run).astype(np.int32), lengths[useful_run])
        owner = (keys[sel] & owner_mask).astype(np.int32)
        del sel
        # each snippet's rarest useful shingles: its postings by (frequency, shingle); runs
        # are in shingle order, so the run index orders shingles as their hashes do
        order = np.lexsort((run_of, lengths[run_of], owner))
        owner, run_of = owner[order], run_of[order]
        del order
        # the first blocking_shingles postings of each snippet: +1 where its group opens,
        # -1 that many postings on (or where the group ends), summed along
        opens = np.empty(len(owner), dtype=bool)
        opens[:1] = True
        np.not_equal(owner[1:], owner[:-1], out=opens[1:])
        group = np.flatnonzero(opens)
        del opens
        held = np.diff(np.r_[group, len(owner)])
        chosen = np.zeros(len(owner) + 1, dtype=np.int8)
        chosen[group] = 1
        chosen[group + np.minimum(held, self.s.blocking_shingles)] -= 1
        np.cumsum(chosen, out=chosen)
        chosen = chosen[:len(owner)].view(bool)
        chosen_owner, chosen_run = owner[chosen].astype(np.int64), run_of[chosen].astype(np.int64)
        del owner, run_of, chosen, group, held
        # pair each chosen posting's snippet with every holder of its shingle, a slice at a
        # time; `keep` thins each slice (the key-token veto) so that only survivors are held
        pairs = []
        run_lengths = lengths[chosen_run]
        for length in np.unique(run_lengths):
            where = np.flatnonzero(run_lengths == length)
            step = max(1, PAIRS_PER_SLICE // int(length))
            for lo in range(0, len(where), step):
                pick = where[lo:lo + step]
                members = (keys[starts[chosen_run[pick]][:, None] + np.arange(length)[None, :]]
                           & owner_mask).astype(np.int64)
                me = np.broadcast_to(chosen_owner[pick][:, None], members.shape)
                a, b = np.minimum(me, members).ravel(), np.maximum(me, members).ravel()
                distinct = a != b
                a, b = a[distinct], b[distinct]
                if keep is not None:
                    a, b = keep(a, b)
                pairs.append(np.unique((a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)))
        if not pairs:
            return empty
        found = np.unique(np.concatenate(pairs))
        return (found >> np.uint64(32)).astype(np.int64), (found & np.uint64(0xFFFFFFFF)).astype(np.int64)

    def _verify(self, a: Fingerprint, b: Fingerprint) -> str | None:
        short, long_ = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
        if keys_conflict(a.keys, a.words, b.keys, b.words):
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

    def _clusters(self, snippets, uf) -> list[Cluster]:
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(snippets)):
            groups[uf.find(i)].append(i)
        out = []
        for members in groups.values():
            out.append(Cluster(members=sorted(members), kept=most_complete(snippets, members)))
        out.sort(key=lambda c: c.members[0])
        return out

    # -------------------------------------------------------------- level 2
    def facts_of(self, x: Extraction, text: str | None = None, *, share: bool = True) -> Facts:
        """The facts level 2 compares, computed once per extraction. `text`, when given, is
        the snippet's own copy of the extraction's text (shared rather than kept twice).
        `share=False` skips `shared` (a worker process: the main process shares on arrival)."""
        sizes = tuple((c.power_mw, c.energy_mwh) for c in x.capacities if c.kind != "factory_annual")
        factory = tuple((c.power_mw, c.energy_mwh) for c in x.capacities if c.kind == "factory_annual")
        headline = x.headline
        parties = tuple(Party(tuple(sys.intern(w) for w in o.name.casefold().split()),
                              _small((*_initials(o.text, o.name, endings=self.acronym_endings),
                                      *self._bracketed_acronyms(x.text, o.end))),
                              # a role no cue gave is a guess, no slot a rival could fill
                              "other" if o.rule.endswith(UNPLACED_FIRM) else o.role,
                              o.name.casefold() in self.bystanders, self._core(o.name),
                              self.groups.get(o.name.casefold(), ""))
                        for o in x.organizations if o.name.strip()
                        and not any(p.search(o.name) for p in self.not_party_patterns))
        project = [p for p in x.locations if p.is_project]
        places = [p for p in project if p.kind in ("city", "district")]
        landmarks = [p for p in places if self._before(x.text, p.start, self.landmark_patterns)]
        towns = [p for p in places if p not in landmarks]
        # a town named as an area that holds towns ("the province of Arezzo") is a district
        districts = [p for p in towns if p.kind == "district"
                     or self._before(x.text, p.start, self.district_cues)]
        place = self._place
        regions = _small(place(p.name) for p in project if p.kind == "admin1")
        named = _small(p.country for p in project
                          if p.kind in ("country", "admin1", "region") and p.country)
        town_regions = (_small(place(p.admin1) for p in towns)
                        if towns and all(p.admin1 for p in towns) else None)
        when = x.event_date
        projects = self._project_names(x)
        cue = self._main_cue(x)
        facts = Facts(
            text=text if text == x.text else x.text,
            headline=(headline.power_mw, headline.energy_mwh) if headline else None,
            approx=any(c.qualifier != "exact" for c in x.capacities if c.kind != "factory_annual"),
            sizes=sizes, factory=factory, event=self._event_kind(x, cue),
            event_date=EventDate(when.value, when.precision) if when else None, parties=parties,
            countries=_small(x.countries), named_countries=named,
            towns=_small(place(p.name) for p in towns), regions=regions, town_regions=town_regions,
            districts=_small(place(p.name) for p in districts),
            area_towns=_small(place(p.name) for p in towns if (p.country, fold(p.name)) in area_names()),
            landmarks=_small(place(p.name) for p in landmarks),
            planned=cue in self.plan_rules, lead_event=self._lead_event(x),
            complete=not any(p.search(x.text) for p in self.truncation_marks),
            phases=self._phases(x.text), site_ordinals=self._phases(x.text, self.ordinal_patterns),
            rounds=self._phases(x.text, self.round_patterns),
            names=_small({fold(n) for n in projects | {place(p.name) for p in places}}),
            projects=_small(fold(n) for n in projects), money=self._money(x.text),
            deeds=_small(e.event for e in x.event_mentions if self._is_deed(e)),
            name_words=self._name_words(x))
        return self.shared(facts) if share else facts

    def _name_words(self, x: Extraction) -> tuple[str, ...]:
        """Capitalised words inside a sentence that are no common English word and no word of
        a party's or a place's name (dedup.toml name_word, common_words.txt): names the
        gazetteers do not know, case- and accent-folded."""
        known = {w for o in x.organizations for w in fold(o.name).split()}
        known.update(w for p in x.locations for w in fold(p.text).split())
        return _small(w for p in self.name_word_patterns for m in p.finditer(x.text)
                      if (w := fold(m.group("word"))) not in self.common_words and w not in known)

    def _core(self, name: str) -> str:
        """The one word a firm's name leaves once its generic trailing words are off ("Doral
        Group": "doral"), or "" (several words left, or a word many firms start with)."""
        words = name.casefold().split()
        while len(words) > 1 and words[-1] in self.generic_words:
            words.pop()
        core = words[0] if len(words) == 1 and len(name.split()) > 1 else ""
        return sys.intern(core) if len(core) >= 4 and core not in self.generic_cores else ""

    def _bracketed_acronyms(self, text: str, end: int) -> tuple[str, ...]:
        """The acronym a text gives in brackets right after a party's name ("... Fund plc
        (GRID)"): the party goes by it elsewhere (rules: dedup.toml acronym_after)."""
        window = text[end:end + 16]
        return tuple(m.group("acronym").casefold() for p in self.acronym_after
                     if (m := p.match(window)))

    def shared(self, f: Facts) -> Facts:
        """The same facts with every field that equals one seen before in this run replaced by
        that one object: a million clusters name the same few parties, places, sizes and
        dates, so each is kept once. Facts made in a worker process are shared again here."""
        share = self._shared.setdefault
        parties = share(tuple(share(p, p) for p in f.parties), f.parties)
        shared = {name: share(value, value) for name in SHARED_FIELDS
                  if (value := getattr(f, name)) is not None}
        return replace(f, parties=parties, **shared)

    def _main_cue(self, x: Extraction) -> str | None:
        """The events.toml id of the cue that gave the main event."""
        if not x.event:
            return None
        main = main_event(list(x.event_mentions), x.headline, len(x.text),
                          lead_end(self._grammar, x.text), self._lead_bonus)
        return main.rule.rpartition("#")[2] if main and main.event == x.event else None

    def _event_kind(self, x: Extraction, cue: str | None) -> str | None:
        """The event level 2 compares: the label, or the kind of story an `other` cue tells
        (settings: event_kinds_by_rule; "acquired Kyon Energy" is an acquisition)."""
        return self.s.event_kinds_by_rule.get(cue, x.event) if x.event == "other" else x.event

    def _lead_event(self, x: Extraction) -> str | None:
        """The event the text leads with: its first done cue outside a background clause (a
        text may lead with a financial close and add that construction is under way, the
        weightier event that becomes its main one)."""
        return next((e.event for e in sorted(x.event_mentions, key=lambda e: e.start)
                     if self._is_deed(e) and not getattr(e, "background", False)), None)

    def _is_deed(self, mention) -> bool:
        """An event cue that tells something done: not `other`, not a plan pattern."""
        return mention.event != "other" and mention.rule.rpartition("#")[2] not in self.plan_rules

    def _place_name(self, name: str) -> str:
        """A place's name without the word that says what kind of place it is: outlets add or
        drop it at will ("Tongliang District", "Tongliang"; dedup.toml: place_suffix)."""
        for p in self.place_suffixes:
            name = p.sub("", name)
        return name

    @staticmethod
    def _before(text: str, start: int, patterns) -> bool:
        """The text just before a place matches one of the cues: a landmark ("near Newcastle",
        "west of Phoenix": a town the site lies near, not the site) or an area that holds towns
        ("the province of Arezzo"; dedup.toml: landmark, district_cue)."""
        return any(p.search(text, max(0, start - 60), start) for p in patterns)

    def fact_merge(self, clusters: list[Cluster], facts: list[Facts],
                   snippets: Sequence[Snippet]) -> list[Cluster]:
        """Merge level-1 clusters whose facts agree. `facts[i]` (`facts_of` the extraction of
        the kept snippet) belongs to `clusters[i]`."""
        uf = UnionFind(len(clusters))
        components: dict[int, list[int]] = {}  # root -> members, for roots that merged
        rules: dict[int, str] = {}
        # most candidate pairs state two headline sizes that differ: `conflict`'s first veto,
        # dropped from the pairs before any is read (_headlines_may_agree)
        for a, b in self._fact_pairs(facts, keep=self._headlines_may_agree(facts)):
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            rule = self._facts_agree(facts[a], facts[b])
            if not rule:
                continue
            # No chaining across a conflict: every member of one side must agree with the other's,
            # unless a third text of the two tells both sides' places or parties (_vouched).
            side_a, side_b = components.get(ra, (ra,)), components.get(rb, (rb,))
            if any((why := self.conflict(facts[x], facts[y]))
                   and not self._vouched(why, facts[x], facts[y], [facts[z] for z in (*side_a, *side_b)])
                   for x in side_a for y in side_b):
                continue
            uf.union(a, b)
            components[uf.find(a)] = [*components.pop(ra, (ra,)), *components.pop(rb, (rb,))]
            rules[b] = rule
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(clusters)):
            groups[uf.find(i)].append(i)
        merged: list[Cluster] = []
        for idxs in groups.values():
            if len(idxs) == 1:  # merged with nothing: the level-1 cluster as it is
                merged.append(clusters[idxs[0]])
                continue
            members = sorted(m for i in idxs for m in clusters[i].members)
            c = Cluster(members=members, kept=most_complete(snippets, members))
            c.rules = frozenset().union(*(clusters[i].rules for i in idxs),
                                        (rules[i] for i in idxs if i in rules))
            merged.append(c)
        merged.sort(key=lambda c: c.members[0])
        return merged

    def _vouched(self, why: str, x: Facts, y: Facts, members: Sequence[Facts]) -> bool:
        """A place or party conflict between two texts of one story that a third text settles:
        it agrees with both and names the places (or the parties) of each ("the Waratah battery
        on the Central Coast" and "the lines feeding Sydney", both in the full report). Never
        two texts of one template: a report may name the firm's other site in passing."""
        if why == "place":
            def meets(z: Facts, f: Facts) -> bool:
                return _meet(z.towns + z.landmarks, f.towns + f.landmarks)  # a province holds many
        elif why == "parties":
            def meets(z: Facts, f: Facts) -> bool:
                return _parties_overlap(z.parties, f.parties)
        else:
            return False
        if self._one_template(x, y):
            return False  # the same wording around another place is another story
        return any(z is not x and z is not y and meets(z, x) and meets(z, y)
                   and not self.conflict(z, x) and not self.conflict(z, y) for z in members)

    def _fact_keys(self, f: Facts) -> list[tuple]:
        """Blocking keys; a merge needs one in common: a capacity value with a country, a
        party, a place or a name (and, so that blocks stay small in a large batch where one
        capacity and one country are common, with a party and a place, or with an event), a
        party with a place, a project name, or the same parties at the same event; the event
        date sharpens several of them."""
        event = (self._event_group(f.event),) if f.event and f.event != "other" else ()
        places = sorted({*f.towns, *f.landmarks, *f.regions})
        parties = sorted({p.words for p in f.parties})
        # a party also by its first word: "Rongke" and "Rongke Power" are one party (_same_party)
        heads = sorted({p.words[:1] for p in f.parties if len(p.words) > 1} - set(parties))
        # and by its initials: "GUVNL" and "Gujarat Urja Vikas Nigam Limited" are one party
        heads += sorted({(i,) for p in f.parties for i in p.initials} - set(parties) - set(heads))
        # and by its group: "Florida Power & Light" and "NextEra Energy" are one party
        heads += sorted({("group:" + p.group,) for p in f.parties if p.group})
        anchors = ([("country", c) for c in f.countries] + [("party", p) for p in parties]
                   + [("place", p) for p in places] + [("name", n) for n in f.names]
                   + [("party", h) for h in heads] + [("round", r) for r in f.rounds])
        when = (f.event_date.value.isoformat(),) if f.event_date and f.event_date.value else ()
        pairs = [("party", p, "place", q) for p in parties[:3] for q in places[:3]]
        pairs += [(*a, "event", e) for a in anchors[:4] for e in event]
        pairs += [(*a, "date", d) for a in anchors[:4] for d in when]
        keys: list[tuple] = []
        tol = self.s.approx_capacity_tolerance if f.approx else self.s.capacity_tolerance
        for power, energy in (*f.sizes[:3], *f.factory[:2]):
            for dim, value in (("energy", energy), ("power", power)):
                if value:
                    # every bucket the tolerance reaches: 3,287 and 3,300 MWh share one
                    for bucket in _buckets(value * (1 - tol), value * (1 + tol)):
                        keys.extend((dim, bucket, *a) for a in anchors + pairs or [("none", "")])
                        # and with the event alone: a party may go by a name no key shares
                        # ("Taipower", "Taiwan Power Co."); a common size at a common event
                        # makes a block too large to pair anything, so this costs little
                        keys.extend((dim, bucket, "event", e) for e in event)
                        # and alone when too precise to meet by chance (_distinctive_value)
                        if _significant(value) >= self.s.distinctive_size_digits:
                            keys.append((dim, bucket, "precise"))
        keys.extend(("party-place", p, q) for p in parties for q in places)
        keys.extend(("party-place", p, q, *event) for p in parties for q in places if event)
        keys.extend(("party-date", p, d) for p in parties for d in when)
        # a place at an event, for a text that names no party
        keys.extend(("place-event", q, *event) for q in places if event)
        # a thin text names a party and an event and little else ("EDL broke ground on its first
        # battery"): the party (or its initials) at the event; a block too common to pair is
        # dropped by fact_block_size
        keys.extend(("party-event", p, *event) for p in parties + heads if event)
        keys.extend(("name", n) for n in (*f.names, *_party_heads(f.parties)))
        keys.extend(("word", w) for w in f.name_words)  # a name no gazetteer knows
        if len(parties) >= 2 and f.event:
            keys.append(("parties", tuple(parties), self._event_group(f.event)))
            # and without the bystanders one outlet adds ("... supporting grid operator Ukrenergo")
            actors = sorted({p.words for p in f.parties if not p.bystander})
            if len(actors) >= 2 and actors != parties:
                keys.append(("parties", tuple(actors), self._event_group(f.event)))
        return keys

    def _fact_pairs(self, facts: Sequence[Facts], keep: Callable | None = None
                    ) -> Iterator[tuple[int, int]]:
        """Cluster pairs that share a blocking key held by at most fact_block_size clusters,
        each once, in (a, b) order; `keep(a, b)` thins each slice of pairs (index arrays)
        before they are handed out. Keys become 64-bit numbers (a fixed mix of their parts'
        stable hashes) with the cluster index in their low bits, sorted in place so that the
        holders of a key form a run."""
        bits = self.owner_bits(len(facts))
        postings = array("Q")  # the top of the key's hash above the cluster index, as in level 1
        for i, f in enumerate(facts):
            postings.extend({(_key_hash(k) >> bits << bits) | i for k in self._fact_keys(f)})
        if not postings:
            return iter(())
        h = np.frombuffer(postings, dtype=np.uint64)
        h.sort()  # in place: the holders of a key form a run, in cluster order
        starts, lengths = _runs(h, np.uint64(bits))
        useful = lengths <= self.s.fact_block_size  # _runs gives keys held twice or more
        h, starts = _only_runs(h, starts[useful], lengths[useful])
        del postings  # most keys are held once: the pair passes keep only the runs
        return _run_pairs(h, np.uint64((1 << bits) - 1), starts, lengths[useful], len(facts), keep)

    def _headlines_may_agree(self, facts: Sequence[Facts]) -> Callable:
        """A `keep` for `_fact_pairs` that drops the pairs whose headline sizes differ with
        no phase on either side to reconcile them (`conflict`'s first veto: _capacities_agree
        False). On the 5k corpus that is 140k of 179k candidate pairs: judged once per
        distinct (headline, headline, tolerance) of a slice rather than pair by pair in
        Python. Exactly the pairs `conflict` would veto there go; the others are untouched."""
        ids: dict = {}
        headline = np.array([ids.setdefault(f.headline, len(ids)) if f.headline and not f.phases
                             else -1 for f in facts], dtype=np.int64)  # -1: no veto to test
        approx = np.array([f.approx for f in facts], dtype=bool)
        values, n = list(ids), max(1, len(ids))
        tolerances = (self.s.capacity_tolerance, self.s.approx_capacity_tolerance)  # _tolerance
        digits = self.s.rounded_value_digits

        def keep(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            ha, hb = headline[a], headline[b]
            both = (ha >= 0) & (hb >= 0)
            codes = ((ha * n + hb) * 2 + (approx[a] | approx[b]))[both]
            distinct, which = np.unique(codes, return_inverse=True)
            differ = np.array([_sizes_match(values[c // 2 // n], values[c // 2 % n],
                                            tolerances[c % 2], digits) is False
                               for c in distinct.tolist()], dtype=bool)
            drop = np.zeros(len(a), dtype=bool)
            drop[both] = differ[which.ravel()]
            return a[~drop], b[~drop]

        return keep

    def _facts_agree(self, a: Facts, b: Facts) -> str | None:
        """Agreeing facts merge; any conflicting fact vetoes, however similar the words."""
        if self.conflict(a, b):
            return None
        capacity = self._capacities_agree(a, b)
        parties = _parties_overlap(a.parties, b.parties)
        same_place = (_meet(a.towns + a.landmarks, b.towns + b.landmarks)
                      or _meet(a.regions, b.regions))
        same_name = (_meet(a.names, b.names) or _meet(a.names, _party_heads(b.parties))
                     or _meet(b.names, _party_heads(a.parties))
                     # a project named by its province ("the Aswan battery"; "in Aswān")
                     or _meet(a.names, _folded(b.regions)) or _meet(b.names, _folded(a.regions))
                     or _meet(a.money, b.money)  # the same loan or price ("$480 million", "$480m")
                     or _meet(a.rounds, b.rounds)  # the same round of a tender ("Phase-IV auction")
                     or _meet(a.site_ordinals, b.site_ordinals))  # "its first battery" in both
        # "other" (a fire, a record) says nothing about which story it is
        same_event = bool(a.event and b.event and a.event != "other"
                          and self._same_event(a.event, b.event))
        # a name no gazetteer knows, shared at the same event (where one text tells no event,
        # it may be the same site at another moment)
        same_name = same_name or same_event and _meet(a.name_words, b.name_words)
        cutoff = self.s.fact_merge_text_score
        if capacity is None:
            cutoff = self._cutoff_without_size(a, b, parties, same_event, same_place, same_name)
            if cutoff is None:
                return None
        elif not (same_place or same_name or parties):
            # only a number and a country in common, or a size too precise to meet by chance
            # ("616 MW / 2,464 MWh", where one outlet names neither party nor place): the same
            # event and closer wording needed
            if not (same_event and (_meet(a.countries, b.countries) or self._distinctive_size(a, b))
                    # a headline value too precise to meet by chance ("548 MWh", "548,000
                    # kWh"), the same exactly where one text tells no event
                    or not (a.event and b.event) and self._distinctive_value(a, b)):
                return None
            cutoff = self.s.fact_merge_country_text_score
        score = fuzz.token_set_ratio(_loose_text(a.text), _loose_text(b.text),
                                     processor=fuzz_utils.default_process, score_cutoff=cutoff)
        return ("dedup:facts" if capacity else "dedup:facts-orgs") if score else None

    def _distinctive_size(self, a: Facts, b: Facts) -> bool:
        """Both headlines state a power and an energy, both agree, and one of the values has
        distinctive_size_digits significant digits or more (616 MW / 2,464 MWh; not 100 MW /
        200 MWh, a size many projects share)."""
        if not (a.headline and b.headline and None not in a.headline and None not in b.headline):
            return False
        tol = self._tolerance(a, b)
        return (all(_values_agree(x, y, tol) for x, y in zip(a.headline, b.headline))
                and max(_significant(v) for v in a.headline) >= self.s.distinctive_size_digits)

    def _distinctive_value(self, a: Facts, b: Facts) -> bool:
        """A power or an energy both headlines state, the same to capacity_tolerance, with
        distinctive_size_digits significant digits or more (548 MWh; not 500 MWh)."""
        if not (a.headline and b.headline) or a.approx or b.approx:
            return False
        return any(x is not None and y is not None and _values_agree(x, y, self.s.capacity_tolerance)
                   and _significant(x) >= self.s.distinctive_size_digits
                   and _significant(y) >= self.s.distinctive_size_digits
                   for x, y in zip(a.headline, b.headline))

    def _event_group(self, event: str) -> str:
        """Events outlets use for the same moment share a group (settings: compatible_events)."""
        return next(("|".join(g) for g in self.s.compatible_events if event in g), event)

    def _same_event(self, a: str, b: str) -> bool:
        return self._event_group(a) == self._event_group(b)

    def conflict(self, a: Facts, b: Facts) -> str | None:
        """The fact that differs, or None: capacity, event, event date, parties, country, phase,
        place. A fact one side does not state is no conflict."""
        if self._capacities_agree(a, b) is False:
            return "capacity"
        if a.event and b.event and not self._plan_after_deed(a, b) and not (a.planned and b.planned):
            if not self._same_event(a.event, b.event) \
                    and not (a.event == b.lead_event or b.event == a.lead_event):
                return "event"  # unless one text leads with the other's news and adds a weightier event
            if a.planned != b.planned:
                return "event"  # a plan and the deed it plans are two moments ("will build", "broke ground")
        if self._template_at_another_moment(a, b):
            return "event"
        if a.event_date and b.event_date and not _dates_compatible(a.event_date, b.event_date):
            return "event_date"
        if a.parties and b.parties and _parties_clash(a.parties, b.parties, self.role_slots):
            return "parties"
        # countries named in the text; one inferred from a town name alone may be a namesake
        if a.named_countries and b.named_countries and not _meet(a.named_countries, b.named_countries):
            return "country"
        if self._phases_differ(a, b):
            return "phase"
        if a.site_ordinals and b.site_ordinals and not _meet(a.site_ordinals, b.site_ordinals):
            return "phase"  # "its first battery", "the second of its sites"
        if a.rounds and b.rounds and not _meet(a.rounds, b.rounds):
            return "phase"  # "tranche-II auction", "the third round"
        if a.towns and b.towns and not _meet(a.towns, b.towns) and not self._town_in_district(a, b) \
                and not self._may_lie_within(a, b) \
                and not _meet(a.towns, b.landmarks) and not _meet(b.towns, a.landmarks) \
                and not _meet(a.towns, b.regions) and not _meet(b.towns, a.regions) \
                and not self._province_by_its_town(a, b):
            # a town one text names the site near is no other place ("Preston"), nor a town
            # that names the other's province ("in Aswan"; "Kom Ombo, Aswan Governorate")
            return "place"
        if self._one_template(a, b) and keys_conflict(*self._keys_words(a.text),
                                                      *self._keys_words(b.text)):
            return "template"  # the same wording around another name or number
        if a.regions and b.regions and not _meet(a.regions, b.regions):
            return "place"
        # a town in one and only a province in the other: the province must hold the town;
        # when the town's province is unknown, only a text that otherwise reads the same (one
        # template, another place) is told apart
        for town_side, region_side in ((a, b), (b, a)):
            if town_side.towns and not region_side.towns and region_side.regions:
                held = town_side.regions + (town_side.town_regions or ())
                if _meet(held, region_side.regions):
                    continue
                if town_side.town_regions is not None or self._one_template(a, b):
                    return "place"
        return None

    def _cutoff_without_size(self, a: Facts, b: Facts, parties: bool, same_event: bool,
                             same_place: bool, same_name: bool) -> float | None:
        """The wording score two texts whose sizes cannot be compared need, given the facts
        they share, or None when those facts are too few.

        The same parties at the same event, and two parties or else the very same event and
        the same place, project name or country, or a compatible event ("connected", "in
        service") at the same site town; one party's named project where one text states no
        event (an event one side does not state is no evidence: "completed" and "started
        construction" of one project read alike); two parties at one place where one text
        states no event; a text that names no party: the same place or project name at the
        same event (closer wording); a thin text that states neither size nor place: one
        party at the very same event, no other name (closer wording still)."""
        same_project = _meet(a.projects, b.projects)
        if (parties and not _parties_each_lack(a.parties, b.parties)
                and (same_event and (min(len(a.parties), len(b.parties)) >= 2
                                     or (a.event == b.event or same_project)
                                     and (same_place or same_name or _meet(a.countries, b.countries))
                                     or _meet(a.towns, b.towns))
                     or same_project and not (a.event and b.event)
                     and (not (a.sizes and b.sizes) or self._sizes_meet(a, b))
                     or not (a.event and b.event) and (same_place or same_name)
                     and _shared_parties(a.parties, b.parties) >= 2)
                or not (a.parties and b.parties) and same_project and same_place
                and a.event not in (None, "other") and a.event == b.event):
            return self.s.fact_merge_text_score
        if not (a.parties and b.parties):
            named_a, named_b = self._named_not_placed(a), self._named_not_placed(b)
            if (same_place or same_project) and same_event \
                    and not (named_a and named_b and not _meet(named_a, named_b)):
                return self.s.fact_merge_place_text_score
            return None
        if (parties and not _parties_each_lack(a.parties, b.parties) and a.event == b.event
                and a.event != "other" and (same_name or not (a.names and b.names))
                and any(not (f.sizes or f.towns or f.regions) for f in (a, b))):
            return self.s.fact_merge_party_event_text_score
        return None

    def _named_not_placed(self, f: Facts) -> tuple[str, ...]:
        """The project names a text gives that are not its places ("Ebony", not "the Texas
        battery")."""
        places = set(_folded((*f.towns, *f.regions, *f.landmarks)))
        return tuple(n for n in f.projects if fold(self._place(n)) not in places)

    @staticmethod
    def _plan_after_deed(a: Facts, b: Facts) -> bool:
        """One text's main event is a plan that it tells as following the other's deed, done
        ("will be built after Highview Power closed a £300m funding round"): one story."""
        return any(x.planned and not y.planned and y.event in x.deeds for x, y in ((a, b), (b, a)))

    def _template_at_another_moment(self, a: Facts, b: Facts) -> bool:
        """Two complete texts worded alike (settings: event_template_text_score) that tell
        another event: one project's next moment told in its last story's words ("has been
        connected to the grid", "has entered commercial operation"; outlets that report one
        moment reword far more). Events of one group count when no name or number conflicts;
        an event against none when each text has event_template_min_words words of its own
        ("has received consent for", "has started main construction on": the event rules may
        lack the other's cue) and the words keep their order (event_template_order_score)."""
        if a.event == b.event or not (a.complete and b.complete):
            return False
        if a.event and b.event and (a.event == b.lead_event or b.event == a.lead_event):
            return False  # one leads with the other's news and adds a weightier event
        if not fuzz.token_sort_ratio(a.text, b.text, processor=fuzz_utils.default_process,
                                     score_cutoff=self.s.event_template_text_score):
            return False
        keys_a, words_a = self._keys_words(a.text)
        keys_b, words_b = self._keys_words(b.text)
        if a.event and b.event:
            return not keys_conflict(keys_a, words_a, keys_b, words_b)
        # an event against none: the template's word order kept too (a rewording of one
        # story, whose event cue the rules miss, moves its words about)
        least = self.s.event_template_min_words
        return (len(words_a - words_b) >= least and len(words_b - words_a) >= least
                and bool(fuzz.ratio(a.text, b.text, processor=fuzz_utils.default_process,
                                    score_cutoff=self.s.event_template_order_score)))

    @staticmethod
    def _province_by_its_town(a: Facts, b: Facts) -> bool:
        """Every town one text names shares its name with a province ("in Aswan"), and the
        other names only smaller towns ("Kom Ombo"): the first may mean the province."""
        return any(x.towns and set(x.towns) <= set(x.area_towns) and y.towns and not y.area_towns
                   for x, y in ((a, b), (b, a)))

    def _town_in_district(self, a: Facts, b: Facts) -> bool:
        """One side names only districts (a county, a council area), the other only towns: the
        towns may lie in the district unless their provinces are known to differ, or the two
        texts read as one template around another place."""
        for d, t in ((a, b), (b, a)):
            if d.districts == d.towns and not t.districts:
                if d.town_regions is not None and t.town_regions is not None:
                    return _meet(d.town_regions, t.town_regions)
                return not self._one_template(a, b)
        return False

    def _may_lie_within(self, a: Facts, b: Facts) -> bool:
        """A small place whose province no table knows ("Brendale", a suburb) against towns
        whose provinces are known ("Moreton Bay", Queensland, its region): the place may lie in
        the town's area when the other facts agree strongly (the capacity, a party, the
        country) and the texts are not one template around two towns. Not for districts: two
        texts that name two areas (or a known town against an area, "Blackhillock" and "the
        Scottish Borders", two sites of one firm and one size) keep their place veto, and a
        district against towns alone is `_town_in_district`'s."""
        if a.districts or b.districts or (a.town_regions is None) == (b.town_regions is None):
            return False
        return (_meet(a.countries, b.countries) and _parties_overlap(a.parties, b.parties)
                and self._capacities_agree(a, b) is True and not self._one_template(a, b))

    def _text_keys_words(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """A text's key tokens and all its words (what the template veto compares)."""
        fp = self.text_fingerprint(text)
        return fp.keys, fp.words

    def _one_template(self, a: Facts, b: Facts) -> bool:
        """Two texts that read the same apart from a few words."""
        return bool(fuzz.token_sort_ratio(a.text, b.text, processor=fuzz_utils.default_process,
                                          score_cutoff=self.s.template_text_score))

    def _phases_differ(self, a: Facts, b: Facts) -> bool:
        """Two texts name other phases: both number one and the numbers differ, or, in two
        texts that read the same apart from a few words, one numbers a phase between the first
        and the last ("phase 3") that the other leaves unnamed, when it does not tell of an
        unnumbered addition either ("added another 1.4 GWh": ADDED). A first or a last phase
        often goes unnamed, one between not in the same wording; another outlet's headline
        often drops it ("Eland 2" for "the second phase of Eland"), or names a phase of the
        plant beside the battery ("the park's third phase")."""
        na, nb = set(a.phases) - {ADDED}, set(b.phases) - {ADDED}
        if na and nb:
            return na != nb
        named, other = (na, b.phases) if na else (nb, a.phases)
        return (ADDED not in other and any(p not in ("1", "final") for p in named)
                and self._one_template(a, b))  # a wording score only where it decides

    def _phases(self, text: str, patterns=None) -> tuple[str, ...]:
        """Phase or stage numbers named in a text ("phase 2", "second stage"; "final" for the
        last one) outside the words of a tender round ("its Phase-IV auction"), or with
        `patterns` the site ordinals ("its second battery") or the rounds."""
        found = set()
        last = self._counted_hits  # the three calls of facts_of share one scan
        if last is None or last[0] is not text:
            last = self._counted_hits = (text, self._counted_scanner.scan(text))
        hits, counted = last[1], self._counted

        def may(p) -> bool:  # a pattern the scanner does not hold always runs
            return id(p) not in counted or hits.allows(counted[id(p)])

        rounds = ([m.span() for p in self.round_patterns if may(p) for m in p.finditer(text)]
                  if patterns is None else [])
        for p in self.phase_patterns if patterns is None else patterns:
            if not may(p):
                continue
            for m in p.finditer(text):
                if any(lo <= m.start() < hi for lo, hi in rounds):
                    continue
                n = m.group("n").casefold()
                found.add(self.phase_words.get(n, n))
        return _small(found)

    def _project_names(self, x: Extraction) -> frozenset[str]:
        """Names a text gives its project ("the Hirohara battery"), apart from party names."""
        party_words = {w for o in x.organizations for w in o.name.casefold().split()}
        names = set()
        for p in self.name_patterns:
            for m in p.finditer(x.text):
                first, _, rest = m.group("name").partition(" ")
                if not rest and first in self.demonym_forms:
                    continue  # "a Scottish battery" names no project
                # "the Dutch Leopard battery" is the Leopard battery
                name = (rest if rest and first in self.demonym_forms else m.group("name")).casefold()
                if not set(name.split()) & party_words:
                    names.add(name)
        return frozenset(names)

    def _money(self, text: str) -> tuple[float, ...]:
        """The amounts of money a text states (dedup.toml money), money_min_amount or more."""
        found = set()
        for p in self.money_patterns:
            for m in p.finditer(text):
                scale = self.money_scales.get((m.group("scale") or "").casefold(), 1.0)
                value = float(m.group("num").replace(",", "")) * scale
                if value >= self.s.money_min_amount:
                    found.add(float(f"{value:.3g}"))
        return tuple(sorted(found))

    def _tolerance(self, a: Facts, b: Facts) -> float:
        """How far two sizes may differ: wider when either text states its size loosely."""
        return self.s.approx_capacity_tolerance if a.approx or b.approx else self.s.capacity_tolerance

    def _sizes_meet(self, a: Facts, b: Facts) -> bool:
        """A size one text states matches a size the other states."""
        tol, digits = self._tolerance(a, b), self.s.rounded_value_digits
        return any(_sizes_match(x, y, tol, digits) for x in a.sizes for y in b.sizes)

    def _capacities_agree(self, a: Facts, b: Facts) -> bool | None:
        """True when the headline capacities share a value and none differs, False when one
        differs. When one side has no headline, a headline that matches a size the other side
        states in passing agrees; when the headlines share no value (one states only power,
        the other only energy), a size both state agrees if both tell one event (a size in
        passing may be a site total or a threshold: "lifting it to 3 GWh", "at least 30 MW").
        Otherwise None: nothing to compare."""
        tol, digits = self._tolerance(a, b), self.s.rounded_value_digits
        both = (_sizes_match(a.headline, b.headline, tol, digits)
                if a.headline and b.headline else None)
        if both is False and (a.phases or b.phases) and any(
                _sizes_match(one.headline, x, tol, digits)
                for one, other in ((a, b), (b, a)) for x in other.sizes):
            # a phase or an addition told beside the site's total: one text's headline may be
            # the phase, the other's the total ("a 50 MW expansion, taking it to 150 MW" and
            # "now delivers 150 MW after its expansion"); the phases themselves are compared
            # in `conflict`
            return True
        if both is not None:
            return both
        for one, other in ((a, b), (b, a)):
            if one.headline and not other.headline and any(
                    _sizes_match(one.headline, x, tol, digits) for x in other.sizes):
                return True
        # a size stated in passing is weaker evidence: only for one event told by both
        if (a.event and b.event and a.event != "other" and self._same_event(a.event, b.event)
                and any(_sizes_match(x, y, tol, digits) for x in a.sizes for y in b.sizes)):
            return True
        # a factory's yearly output, stated by both ("10 GWh of cells a year", "10GWh/yr"):
        # agreement only (a phase's output and the plant's may differ)
        if any(_sizes_match(x, y, tol, digits) for x in a.factory for y in b.factory):
            return True
        return None


SHARED_FIELDS = ("headline", "sizes", "factory", "event_date", "countries", "named_countries", "towns",
                 "regions", "town_regions", "districts", "landmarks", "phases", "site_ordinals",
                 "rounds", "names", "projects", "money", "area_towns", "deeds")


class EventDate(NamedTuple):
    """When the main event happened, as level 2 compares it (the mention's value and precision)."""
    value: dt.date | None
    precision: str


@dataclass(frozen=True, slots=True)
class Party:
    words: tuple[str, ...]  # the canonical name, case-folded words
    initials: tuple[str, ...]  # acronyms the party may go by ("sec" for Saudi Electricity Company)
    role: str
    bystander: bool = False  # a regulator or grid operator (settings: bystander_types)
    core: str = ""  # the one word left without generic trailing words ("doral": Doral Energy)
    group: str = ""  # the gazetteer id of its group's head, for a firm with a parent or a unit


@dataclass(frozen=True, slots=True)
class Facts:
    """One extraction as level 2 compares it."""
    text: str
    headline: tuple[float | None, float | None] | None  # (MW, MWh) of the project capacity
    sizes: tuple[tuple[float | None, float | None], ...]  # every stated capacity but factory output
    approx: bool  # a size is stated loosely ("nearly 1 GWh", "more than 200 MW")
    event: str | None
    event_date: EventDate | None
    parties: tuple[Party, ...]
    # small sets as sorted tuples: a million of these records must stay small
    countries: tuple[str, ...]
    named_countries: tuple[str, ...]  # from a country, province or region named in the text
    towns: tuple[str, ...]  # project towns and districts (the site, not a landmark near it)
    regions: tuple[str, ...]  # project provinces and states
    town_regions: tuple[str, ...] | None  # the provinces of the towns, None when one is unknown
    phases: tuple[str, ...]
    names: tuple[str, ...]  # project names and towns, case-folded
    districts: tuple[str, ...] = ()  # the towns that are districts (counties, council areas)
    landmarks: tuple[str, ...] = ()  # towns the site is near ("near Newcastle", "west of Phoenix")
    planned: bool = False  # the event is only planned: nothing has happened yet
    site_ordinals: tuple[str, ...] = ()  # which of a firm's sites it is ("its second battery")
    lead_event: str | None = None  # the first done event the text tells (its main may come later)
    complete: bool = True  # not cut with "...": its words are all there
    rounds: tuple[str, ...] = ()  # which round of a tender ("tranche-II auction", "Bid Window 3")
    factory: tuple[tuple[float | None, float | None], ...] = ()  # a factory's yearly output
    projects: tuple[str, ...] = ()  # the project names alone, case- and accent-folded
    money: tuple[float, ...] = ()  # amounts of money stated, to three significant digits
    area_towns: tuple[str, ...] = ()  # towns that share their name with a province ("Aswan")
    deeds: tuple[str, ...] = ()  # every event the text tells as done, background included
    name_words: tuple[str, ...] = ()  # capitalised words no gazetteer or common word list knows


def _runs(postings: np.ndarray, shift: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of two or more equal keys in sorted postings (key =
    posting >> shift); the many keys held once make no run. Neighbours are compared a slice at
    a time, so the only full-size arrays are three of booleans."""
    total = len(postings)
    if total < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    same = np.empty(total - 1, dtype=bool)  # same[p]: postings p and p + 1 share a key
    for lo in range(0, total - 1, OWNER_CHUNK * 16):
        hi = min(lo + OWNER_CHUNK * 16, total - 1)
        np.equal(postings[lo + 1:hi + 1] >> shift, postings[lo:hi] >> shift, out=same[lo:hi])
    opens = same.copy()
    opens[1:] &= ~same[:-1]  # a run starts at p when p joins p + 1 but p - 1 did not join p
    starts = np.flatnonzero(opens)
    del opens
    closes = same  # and its last pair is at q when q + 1 does not join q + 2
    closes[:-1] &= ~same[1:]
    lengths = (np.flatnonzero(closes) - starts + 2).astype(np.int32)
    return starts, lengths


def _only_runs(postings: np.ndarray, starts: np.ndarray,
               lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The postings inside the given runs, copied out, with the runs' new starts (a slice of
    runs at a time, so no index array as large as the postings)."""
    new_starts = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=new_starts[1:])
    kept = np.empty(int(lengths.sum()), dtype=postings.dtype)
    for lo in range(0, len(starts), OWNER_CHUNK):
        s, n, t = (starts[lo:lo + OWNER_CHUNK], lengths[lo:lo + OWNER_CHUNK],
                   new_starts[lo:lo + OWNER_CHUNK])
        at = np.arange(int(t[0]), int(t[0]) + int(n.sum()))
        kept[at] = postings[at + np.repeat(s - t, n)]
    return kept, new_starts


def _run_members(postings: np.ndarray, owner_mask: np.uint64, starts: np.ndarray,
                 lengths: np.ndarray) -> Iterator[np.ndarray]:
    """The owners of the runs, as (runs, length) matrices of runs of one length, a slice of
    runs making about PAIRS_PER_SLICE pairs at a time."""
    for length in np.unique(lengths):
        run_starts = starts[lengths == length]
        step = max(1, PAIRS_PER_SLICE // max(1, int(length) * (int(length) - 1) // 2))
        for i in range(0, len(run_starts), step):
            yield (postings[run_starts[i:i + step, None] + np.arange(length)[None, :]]
                   & owner_mask).astype(np.int64)


def _run_pairs(postings: np.ndarray, owner_mask: np.uint64, starts: np.ndarray,
               lengths: np.ndarray, n: int, keep: Callable | None = None
               ) -> Iterator[tuple[int, int]]:
    """Every pair (a < b) of owners within each run of sorted postings, each pair once and in
    (a, b) order. A run of 25 makes 300 pairs and the same pair comes from several keys, so
    pairs are made for one range of `a` at a time, a range holding about PAIRS_PER_PASS of
    them: memory stays bounded however many there are, at the cost of reading the runs once
    a pass. `keep(a, b)` thins a pass's pairs (index arrays, order kept) before they go out."""
    if not len(starts):
        return
    heads = np.zeros(n, dtype=np.int64)  # pairs each cluster heads: rank r of L heads L-1-r
    for members in _run_members(postings, owner_mask, starts, lengths):
        length = members.shape[1]
        heads += np.bincount(members.ravel(), minlength=n,
                             weights=np.tile(np.arange(length - 1, -1, -1), len(members))
                             ).astype(np.int64)
    heads = heads.cumsum()
    bounds = [0]
    while bounds[-1] < n:
        done = int(heads[bounds[-1] - 1]) if bounds[-1] else 0
        nxt = int(np.searchsorted(heads, done + PAIRS_PER_PASS, side="right"))
        bounds.append(min(n, max(nxt, bounds[-1] + 1)))
    del heads
    triangles = {}
    for lo, hi in zip(bounds, bounds[1:]):
        found = []
        for members in _run_members(postings, owner_mask, starts, lengths):
            length = members.shape[1]
            if length not in triangles:
                triangles[length] = np.triu_indices(length, 1)
            x, y = triangles[length]
            a, b = members[:, x].ravel(), members[:, y].ravel()
            inside = (a >= lo) & (a < hi)
            if inside.any():
                found.append(np.unique((a[inside].astype(np.uint64) << np.uint64(32))
                                       | b[inside].astype(np.uint64)))
        if found:
            keys = np.unique(np.concatenate(found))
            del found
            a, b = (keys >> np.uint64(32)).astype(np.int64), (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
            del keys
            yield from iter_pairs(*(keep(a, b) if keep is not None else (a, b)))


def iter_pairs(a: np.ndarray, b: np.ndarray, chunk: int = 1 << 16) -> Iterator[tuple[int, int]]:
    """Pairs from two index arrays as Python tuples, a slice at a time (a list of millions
    of tuples would cost more than the arrays)."""
    for lo in range(0, len(a), chunk):
        yield from zip(a[lo:lo + chunk].tolist(), b[lo:lo + chunk].tolist())


@lru_cache(maxsize=1 << 12)  # a text meets several candidates in a row
def _loose_text(text: str) -> str:
    """The text as level 2's loose similarity reads it: accents folded and numbers split from
    their units, so "Pōkai" meets "Pokai" and "120MW" meets "120 MW"."""
    return " ".join(word for word, _ in words_of(text))


def words_of(text: str) -> list[tuple[str, bool]]:
    """The words of a text with accents folded and numbers split from units ("200MW": "200",
    "MW"), each with whether it starts a sentence."""
    folded = text if text.isascii() else "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    out: list[tuple[str, bool]] = []
    for m in WORD.finditer(folded):
        start = m.start()
        starts = start == 0 or folded[max(0, start - 8):start].rstrip()[-1:] in SENTENCE_STARTERS
        word = m.group()
        if word.isalpha() or word[0].isdigit() and word[-1].isdigit():
            out.append((word, starts))
            continue
        for digits, part in groupby(word, key=lambda c: c.isdigit() or c in ".,"):
            piece = "".join(part).strip(".,")
            if piece:
                out.append((piece, starts))
                starts = False
    return out


def keys_conflict(keys_a: frozenset[str], words_a: frozenset[str],
                  keys_b: frozenset[str], words_b: frozenset[str]) -> bool:
    """Each side has a number or name that the other's text does not contain at all."""
    return bool(keys_a - words_b) and bool(keys_b - words_a)


@lru_cache(maxsize=1 << 12)
def _folded(names: tuple[str, ...]) -> tuple[str, ...]:
    """Place names as project names are kept: case- and accent-folded."""
    return tuple(fold(n) for n in names)


def _sizes_match(x: tuple, y: tuple, tol: float, digits: int | None = None) -> bool | None:
    """True when (MW, MWh) pairs share a value and none differs, False when one differs."""
    shared = 0
    for vx, vy in zip(x, y):
        if vx is not None and vy is not None:
            if not _values_agree(vx, vy, tol, digits):
                return False
            shared += 1
    return True if shared else None


@lru_cache(maxsize=1 << 16)  # level 2 compares the same few values over and over
def _values_agree(x: float, y: float, tol: float, digits: int | None = None) -> bool:
    """Within the tolerance, or one value is the other rounded to its own significant digits
    when it has at least `digits` of them ("1.4 GWh" for 1,416 MWh; not "400 MWh" for 409).

    >>> _values_agree(1400.0, 1416.0, 0.005, 2), _values_agree(400.0, 409.0, 0.005, 2)
    (True, False)
    """
    if abs(x - y) <= tol * max(abs(x), abs(y)):
        return True
    if digits is None:
        return False
    coarse, fine = (x, y) if _significant(x) <= _significant(y) else (y, x)
    n = _significant(coarse)
    return n >= digits and float(f"{fine:.{n}g}") == coarse


def _significant(v: float) -> int:
    """Significant digits of a value as written (trailing zeros of a whole number are not)."""
    mantissa = f"{abs(v):.10g}".split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0")) or 1


def _initials(*names: str, endings: Sequence[str] = ()) -> tuple[str, ...]:
    """Acronyms of multi-word names, with and without small words ("Six Nations of the Grand
    River": "snotgr", "sngr"), and with each of `endings` added for a legal form the name
    leaves out ("Kansai Electric Power": "kep", "kepco").

    >>> _initials("Kansai Electric Power", endings=("co",))
    ('kep', 'kepco')
    """
    out = set()
    for name in names:
        words = [w for w in name.casefold().replace("&", " ").replace("-", " ").split() if w[:1].isalnum()]
        if len(words) >= 2:
            out.add("".join(w[0] for w in words))
            out.add("".join(w[0] for w in words if w not in SMALL_WORDS))
    out |= {a + e for a in out for e in endings}
    return _small(out)


def _small(values: Iterable[str]) -> tuple[str, ...]:
    """A small set of strings as a sorted tuple of interned strings (far smaller than a
    frozenset, and equal sets compare equal)."""
    return tuple(sorted({sys.intern(v) for v in values}))


def _meet(a: Sequence[str], b: Sequence[str]) -> bool:
    return any(v in b for v in a)


def _org_groups(orgs) -> dict[str, str]:
    """Canonical name (case-folded) -> the id of its group's head, for every gazetteer firm
    with a parent or a unit (organizations.jsonl `parent`)."""
    parent = {o.id: o.parent for o in orgs}

    def head(i: str) -> str:
        seen = set()
        while parent.get(i) and i not in seen:  # the rules loader refuses cycles; stop anyway
            seen.add(i)
            i = parent[i]
        return i

    family = {o.id for o in orgs if o.parent} | {o.parent for o in orgs if o.parent}
    return {o.name.casefold(): head(o.id) for o in orgs if o.id in family}


def _same_party(a: Party, b: Party) -> bool:
    """One name is the other's leading words ("Harmony", "Harmony Energy"; not "China Huadian"
    and "China Datang"), both leave the same word without their generic trailing words ("Doral
    Energy", "Doral Group": `core`), or one is the other's acronym ("SEC", "Saudi Electricity
    Company") or contraction ("Taipower", "Taiwan Power Co")."""
    n = min(len(a.words), len(b.words))
    if a.words[:n] == b.words[:n] or (a.core and a.core == b.core) or (a.group and a.group == b.group):
        return True  # (or one group's firms: "Florida Power & Light", NextEra's utility)
    for short, long_ in ((a, b), (b, a)):
        if len(short.words) == 1 and len(long_.words) >= 2 and (
                short.words[0] in long_.initials or _contraction(short.words[0], long_.words)):
            return True
        # a unit named after its parent's initials ("SMC Global Power Holdings", the power arm
        # of San Miguel Corporation): three letters at least, so that chance initials do not meet
        if len(short.words) >= 2 and len(short.words[0]) >= 3 and len(long_.words) >= 2 \
                and short.words[0] in long_.initials:
            return True
    return False


def _contraction(word: str, words: Sequence[str]) -> bool:
    """A one-word name made of the leading letters of two or more of a name's first words, in
    order ("Taipower": Taiwan Power Co; "Kepco": Korea Electric Power Corporation).

    >>> _contraction("taipower", ("taiwan", "power", "co")), _contraction("tesla", ("tata", "power"))
    (True, False)
    """
    if len(word) < 4 or not word.isalpha():
        return False

    def cover(i: int, j: int) -> bool:  # word[i:] from words[j:], two words at least in all
        if i == len(word):
            return j >= 2
        if j == len(words):
            return False
        w = words[j]
        return any(word[i:i + k] == w[:k] and cover(i + k, j + 1)
                   for k in range(min(len(w), len(word) - i), 0, -1))
    return cover(0, 0)


def _party_heads(parties: Sequence[Party]) -> tuple[str, ...]:
    """The leading words of multi-word parties: a project one text names ("the Oneida Energy
    Storage project", name "oneida") may be a party in another ("Oneida Energy Storage, a
    partnership that includes ...")."""
    return _small(" ".join(p.words[:k]) for p in parties if len(p.words) >= 2
                  for k in range(1, len(p.words) + 1))


def _parties_overlap(a: Sequence[Party], b: Sequence[Party]) -> bool:
    return any(_same_party(x, y) for x in a for y in b)


def _shared_parties(a: Sequence[Party], b: Sequence[Party]) -> int:
    """How many parties of one side the other names too."""
    return sum(any(_same_party(x, y) for y in b) for x in a)


def _parties_each_lack(a: Sequence[Party], b: Sequence[Party]) -> bool:
    """Each side names a party with no counterpart on the other side (a bystander, a regulator
    or a grid operator one outlet adds, counts for nothing)."""
    return (any(not x.bystander and not any(_same_party(x, y) for y in b) for x in a)
            and any(not y.bystander and not any(_same_party(y, x) for x in a) for y in b))


def _parties_clash(a: Sequence[Party], b: Sequence[Party], slots: dict[str, str]) -> bool:
    """Different parties: none in common (each side with one in a slot), or each side names
    one the other lacks in the same slot (two project owners or developers, two suppliers:
    settings role_slots); an extra party in another slot is detail one outlet left out."""
    if not _parties_overlap(a, b):
        # none in common: a clash only when each side names a party that fills a slot (a party
        # merely mentioned, "under a contract with the IESO", is no rival for the owner)
        return any(x.role in slots and slots[x.role] == slots.get(y.role)
                   for x in a for y in b)
    lack_a = [x for x in a if not any(_same_party(x, y) for y in b)]
    lack_b = [y for y in b if not any(_same_party(x, y) for x in a)]
    # a bystander (a regulator, a grid operator) one outlet names is detail, no rival
    return any(slots.get(x.role, x.role) == slots.get(y.role, y.role)
               for x in lack_a if not x.bystander for y in lack_b if not y.bystander)


def _rounded(v: float) -> float:
    """A blocking bucket: two significant digits."""
    return float(f"{v:.2g}")


def _buckets(lo: float, hi: float) -> list[float]:
    """The two-significant-digit buckets from lo to hi (a handful for a 5% range)."""
    out = [_rounded(lo)]
    while out[-1] < _rounded(hi) and len(out) < 32:
        b = out[-1]
        out.append(_rounded(b + 10 ** (math.floor(math.log10(b)) - 1)))
    return out


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
    """The kept snippet: untruncated before truncated, then the longest, then the smallest text.
    Each member is read once (a snippet table reads its text back from disk)."""
    def completeness(i: int) -> tuple:
        s = snippets[i]
        return s.truncated_start or s.truncated_end, -len(s.text), s.text
    return min(members, key=completeness)


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
