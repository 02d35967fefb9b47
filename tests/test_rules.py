"""The rules loader: every mistake reported as file:line, unsafe patterns refused."""
import json
import re
import shutil
import time

import pytest

from conftest import ROOT
from pipeline.errors import RulesError
from pipeline.rules import check_regex_safety, load_rules


@pytest.fixture
def rules_copy(tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dst)
    return dst


def _problems(path):
    with pytest.raises(RulesError) as exc:
        load_rules(path)
    return exc.value.problems


def test_rules_bundled_load_and_digest_is_stable(rules):
    assert len(rules.organizations) >= 300
    assert rules.digest == load_rules().digest


def test_rules_bad_regex_names_file_and_line(rules_copy):
    f = rules_copy / "events.toml"
    lines = f.read_text().splitlines()
    i = next(n for n, l in enumerate(lines) if l.startswith("regex =") and n > 10)
    lines[i] = "regex = '''(unclosed'''"
    f.write_text("\n".join(lines) + "\n")
    problems = _problems(rules_copy)
    assert any(p.startswith(f"{f}:{i + 1}:") and "missing )" in p for p in problems), problems


def test_rules_unsafe_regex_is_refused_at_load(rules_copy):
    f = rules_copy / "events.toml"
    f.write_text(f.read_text() + '\n[[pattern]]\nid = "bad"\nregex = \'\'\'(\\w+\\s?)+$\'\'\'\nlabel = "other"\n')
    problems = _problems(rules_copy)
    assert any("backtrack" in p and str(f) in p for p in problems), problems


def test_rules_unknown_key_and_bad_label(rules_copy):
    f = rules_copy / "technologies.toml"
    f.write_text(f.read_text() + '\n[[pattern]]\nid = "x"\nregex = "x"\nlabel = "plutonium"\ncolour = 1\n')
    problems = _problems(rules_copy)
    assert any("colour" in p for p in problems)


def test_rules_jsonl_errors_report_every_bad_line(rules_copy):
    f = rules_copy / "organizations.jsonl"
    good = f.read_text().splitlines()
    n = len(good)
    f.write_text("\n".join(good + ['{"id": "x"', '{"id": "tesla", "name": "Other", "type": "other"}',
                                   '{"id": "y", "name": "Y Co", "type": "wizard"}']) + "\n")
    problems = _problems(rules_copy)
    assert any(p.startswith(f"{f}:{n + 1}: not valid JSON") for p in problems)
    assert any(p.startswith(f"{f}:{n + 2}: duplicate id 'tesla'") for p in problems)
    assert any(p.startswith(f"{f}:{n + 3}: type") for p in problems)


def test_rules_organisation_parent_must_exist_and_not_loop(rules_copy):
    f = rules_copy / "organizations.jsonl"
    good = f.read_text().splitlines()
    n = len(good)
    f.write_text("\n".join(good + [
        '{"id": "kelso-a", "name": "Kelso A Power", "type": "developer", "parent": "kelso-b"}',
        '{"id": "kelso-b", "name": "Kelso B Power", "type": "developer", "parent": "kelso-a"}',
        '{"id": "kelso-c", "name": "Kelso C Power", "type": "developer", "parent": "nowhere"}']) + "\n")
    problems = _problems(rules_copy)
    assert any(p.startswith(f"{f}:{n + 1}: parent: 'kelso-a' is its own ancestor") for p in problems)
    assert any(p.startswith(f"{f}:{n + 3}: parent: no organisation has the id 'nowhere'")
               for p in problems), problems


def test_rules_settings_errors_point_at_the_key(rules_copy):
    f = rules_copy / "settings.toml"
    text = f.read_text().replace("near_duplicate_score = 90.0", "near_duplicate_score = 190.0")
    f.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("near_duplicate_score"))
    problems = _problems(rules_copy)
    assert any(p.startswith(f"{f}:{line}:") for p in problems), problems


def test_rules_settings_name_only_event_cues_that_exist(rules_copy):
    f = rules_copy / "settings.toml"
    text = f.read_text().replace('deal = "acquisition"', 'deals = "acquisition"')
    text = text.replace('"approval-sought"', '"approval-asked"')
    f.write_text(text)
    lines = {key: next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith(key))
             for key in ("event_kinds_by_rule", "plan_event_rules")}
    problems = _problems(rules_copy)
    assert f"{f}:{lines['event_kinds_by_rule']}: event_kinds_by_rule: 'deals' is no pattern id of " \
        "events.toml" in problems, problems
    assert f"{f}:{lines['plan_event_rules']}: plan_event_rules: 'approval-asked' is no pattern id " \
        "of events.toml" in problems, problems


def test_rules_common_words_are_lower_case_words(rules_copy):
    f = rules_copy / "common_words.txt"
    lines = f.read_text().splitlines()
    lines.insert(7, "Battery")
    f.write_text("\n".join(lines) + "\n")
    assert f"{f}:8: 'Battery' must be one lower-case word (letters only)" in _problems(rules_copy)


def test_rules_missing_folder_and_file(tmp_path, rules_copy):
    assert "not found" in _problems(tmp_path / "nope")[0]
    (rules_copy / "units.toml").unlink()
    assert any("units.toml: missing rules file" in p for p in _problems(rules_copy))


def test_rules_unit_that_is_not_power_or_energy(rules_copy):
    from pipeline.capacity import CapacityExtractor
    f = rules_copy / "units.toml"
    f.write_text(f.read_text() + '\n[[unit]]\nid = "kg"\npint = "kilogram"\ndimension = "power"\naliases = ["kgx"]\n')
    with pytest.raises(RulesError) as exc:
        CapacityExtractor(load_rules(rules_copy))
    assert "'kg'" in str(exc.value) and "not a power unit" in str(exc.value)


@pytest.mark.parametrize("regex", [r"(a+)+$", r"(\w+\s?)*x", r"(?:\d+)+\.", r"(x|\w+)+;"])
def test_rules_safety_check_refuses_nested_repeats(regex):
    with pytest.raises(ValueError):
        check_regex_safety(regex)


ADVERSARIAL = ["1" * 5000, " " * 5000, "." * 5000, "MW" * 2500, "1,0" * 2000, "a " * 3000,
               "Aa " * 2000 + "Energy", "1 2 3 " * 1000 + "GWh", "Q" * 3000, "-" * 5000]


def test_rules_every_pattern_runs_in_bounded_time(rules):
    for ps in rules.patterns.values():
        for p in ps.patterns:
            for s in ADVERSARIAL:
                t0 = time.perf_counter()
                list(p.regex.finditer(s))
                assert time.perf_counter() - t0 < 0.5, (p.id, s[:10])


@pytest.mark.parametrize("regex, text, matches", [
    (r"(?i:\bconnected\b)", "CONNECTED", True),
    (r"(?i:sign)", "S\u0130GN", True),                      # dotted capital I is i to re
    (r"(?i:is)", "\u0131\u017f", True),                      # dotless i and long s are i and s
    (r"(?i:acquired|bought)\s.{0,40}?\bstake", "bought a stake", True),
    (r"(?i:acquired|bought)\s.{0,40}?\bstake", "bought a plant", False),
    (r"\d+\s?(?:MW|GW)h?", "120 MWh", True),
    (r"\d+\s?(?:MW|GW)h?", "120 kWh", False),
])
def test_rules_required_literals_decide_like_the_regex(regex, text, matches):
    from pipeline.rules import CompiledPattern, _literal_scanner, fold_case, required_literals
    groups = required_literals(regex) or ()
    p = CompiledPattern("t#x", re.compile(regex), None, 1.0, None, groups,
                        tuple(_literal_scanner(g) for g in groups))
    assert bool(re.search(regex, text)) == matches
    if matches:
        assert p.may_match(fold_case(text))
    else:
        assert groups and not p.may_match(fold_case(text))


def test_rules_branch_literals_keep_each_alternative_whole():
    """A regex that is one alternation runs only where one alternative has all its literals:
    "grid" and "switched" are both in the text, but no single alternative's set is."""
    from pipeline.prefilter import LiteralScanner
    from pipeline.rules import CompiledPattern, _literal_scanner, branch_literals, fold_case, required_literals
    regex = r"(?=\w)\b(?i:tied\s+to\s+the\s+grid|switched\s+on)(?!-)"
    groups, branches = required_literals(regex) or (), branch_literals(regex)
    p = CompiledPattern("t#x", re.compile(regex), None, 1.0, None, groups,
                        tuple(_literal_scanner(g) for g in groups), branches=branches,
                        branch_tests=tuple(tuple(map(_literal_scanner, b)) for b in branches))
    scanner = LiteralScanner([p])
    for text, matches in [("It was tied to the grid", True), ("It was switched on", True),
                          ("The grid was switched off", False), ("Tied to the switch", False)]:
        assert bool(p.regex.search(text)) == matches
        assert p.may_match(fold_case(text)) == matches == scanner.scan(text).allows(p)
        assert scanner.scan(text).among([p]) == ([p] if matches else [])


def test_rules_literal_prefilter_never_skips_a_match(rules):
    """Every bundled pattern: wherever the regex matches, its prefilter lets it run (gold
    texts, their windows, and the adversarial strings)."""
    from pipeline.rules import fold_case
    texts = list(ADVERSARIAL)
    for path in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for t in [row.get("text"), *(row.get("texts") or [])]:
                if isinstance(t, str):
                    texts += [t, t[len(t) // 3:], t[: len(t) // 2], t.upper()]
    patterns = [p for ps in rules.patterns.values() for p in ps.patterns]
    assert sum(bool(p.literals) for p in patterns) > len(patterns) * 0.8
    for t in texts:
        folded = fold_case(t)
        for p in patterns:
            if not p.may_match(folded):
                assert p.regex.search(t) is None, (p.id, t[:80])


def test_rules_literal_scanner_decides_like_each_pattern(rules):
    """One automaton pass per text gives, for every bundled pattern, the answer of the
    pattern's own literal tests: the same set runs, in the same order."""
    from pipeline.prefilter import LiteralScanner
    from pipeline.rules import fold_case
    patterns = [p for ps in rules.patterns.values() for p in ps.patterns]
    scanner = LiteralScanner(patterns)
    texts = list(ADVERSARIAL) + ["", "MW", "ＭＷ 200", "Commercial operation of the 200 MW / 800 MWh"
                                 " battery in Victoria began on 3 March 2025, said Fluence Energy."]
    for path in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:60]:
            row = json.loads(line)
            texts += [t for t in [row.get("text"), *(row.get("texts") or [])] if isinstance(t, str)]
    ran = 0
    for t in texts:
        folded = fold_case(t)
        expected = [p for p in patterns if p.may_match(folded)]
        assert scanner.scan(t).among(patterns) == expected, t[:80]
        ran += len(expected)
    assert 0 < ran < len(texts) * len(patterns) / 2  # it decides: most patterns are skipped


def test_rules_literal_scanner_keeps_patterns_it_was_not_built_with(rules):
    from pipeline.prefilter import LiteralScanner
    events = rules["events"].patterns
    scanner = LiteralScanner(events[:3])
    text = "The plant entered commercial operation in May."
    assert scanner.scan(text).among(events) == [p for p in events if p.may_match(text.lower())]


def test_rules_lazy_regex_is_the_compiled_pattern_once_used():
    """Checked rules compile each pattern when first used: the same matches as re.compile,
    methods reached before and after the first use, and it survives pickling (spawned workers)."""
    import pickle
    from pipeline.rules import LazyRegex
    source = r"(?i)\b(\d+(?:\.\d+)?)\s?(MWh|MW)\b"
    text = "A 100 MW / 400 MWh battery and a 2.5 mw unit"
    lazy = LazyRegex(source)
    assert "search" not in vars(lazy)  # nothing compiled yet
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in re.finditer(source, text)]
    assert "search" in vars(lazy) and lazy.fullmatch("5 MW") and not lazy.match("x")
    again = pickle.loads(pickle.dumps(lazy))
    assert again.pattern == source and again.sub("#", text) == re.sub(source, "#", text)
    # with its layout from the build cache (pipeline.fastre.layout), and pickled before its use
    from pipeline import fastre
    laid_out = pickle.loads(pickle.dumps(LazyRegex(source, fastre.layout(source))))
    assert laid_out.layout is not None and "search" not in vars(laid_out)
    assert [m.span() for m in laid_out.finditer(text)] == [m.span() for m in re.finditer(source, text)]
    assert laid_out.layout is None  # dropped once compiled


def test_rules_grammar_pattern_missing_is_named(rules_copy):
    # the clause grammar the stages read lives in grammar.toml: a label left out (here the
    # background clauses) is a one-line rules error naming the file and the label
    from pipeline.extraction import build_extractor
    f = rules_copy / "grammar.toml"
    f.write_text(f.read_text().replace('label = "background"', 'label = "backdrop"'))
    with pytest.raises(RulesError) as exc:
        build_extractor(load_rules(rules_copy))
    assert any("grammar.toml" in p and "'background'" in p for p in exc.value.problems)
