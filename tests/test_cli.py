"""End to end: the CLI in a temp folder on the sample corpus, with real assertions on content."""
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, SHARED
from pipeline.schema import ANNOUNCEMENTS, REJECTS, SNIPPETS

META_KEYS = {"schema_version", "pipeline_version", "rules_hash", "run_id", "started_at", "finished_at"}
CONTRACT_ANNOUNCEMENT_COLUMNS = [
    "announcement_id", "text", "input_ids", "source_urls", "published", "cluster_size",
    "organizations", "locations", "countries", "dates", "capacities", "power_mw", "energy_mwh",
    "technologies", "event", "event_date", "event_date_precision"]
CONTRACT_SNIPPET_COLUMNS = ["snippet_id", "input_id", "announcement_id", "source_file", "line", "url",
                            "published", "text", "truncated_start", "truncated_end", "similarity"]


def announce(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True,
                          text=True, input=stdin, cwd=ROOT)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    r = announce("run", ROOT / "corpus/raw", "--out", out, "--published", "2025-12-20")
    assert r.returncode == 0, r.stderr
    return out, r


def test_cli_run_writes_contract_files(sample_run):
    out, r = sample_run
    assert "announcements:" in r.stdout and "snippets: 88" in r.stdout
    ann = pq.read_table(out / "announcements.parquet")
    snip = pq.read_table(out / "snippets.parquet")
    rej = pq.read_table(out / "rejects.parquet")
    assert ann.schema.names[:len(CONTRACT_ANNOUNCEMENT_COLUMNS)] == CONTRACT_ANNOUNCEMENT_COLUMNS
    assert snip.schema.names[:len(CONTRACT_SNIPPET_COLUMNS)] == CONTRACT_SNIPPET_COLUMNS
    assert ann.schema.remove_metadata() == ANNOUNCEMENTS
    assert snip.schema.remove_metadata() == SNIPPETS
    assert rej.schema.remove_metadata() == REJECTS
    for t in (ann, snip, rej):
        meta = {k.decode() for k in t.schema.metadata}
        assert META_KEYS <= meta
    # nothing lost: every snippet row points at an announcement, sizes add up
    ids = set(ann.column("announcement_id").to_pylist())
    assert set(snip.column("announcement_id").to_pylist()) == ids
    assert sum(ann.column("cluster_size").to_pylist()) == snip.num_rows == 88
    assert rej.num_rows == 49  # the furniture of the sample corpus


def test_cli_run_offsets_index_the_stored_text(sample_run):
    out, _ = sample_run
    for row in pq.read_table(out / "announcements.parquet").to_pylist():
        for field in ("organizations", "locations", "dates", "capacities"):
            for v in row[field]:
                assert row["text"][v["start"]:v["end"]] == v["text"], (field, v)
                assert v["rule"]


def test_cli_run_finds_the_headline_facts(sample_run):
    out, _ = sample_run
    rows = pq.read_table(out / "announcements.parquet").to_pylist()
    tongliao = [r for r in rows if "Tongliao" in r["text"] and r["energy_mwh"] == 2000]
    assert tongliao and tongliao[0]["power_mw"] == 500 and tongliao[0]["countries"] == ["CN"]
    assert any(r["cluster_size"] > 1 for r in rows)


def test_cli_seed_snippets(tmp_path):
    if not (SHARED / "seed").is_dir():
        pytest.skip("../shared/seed not present")
    r = announce("run", SHARED / "seed", "--out", tmp_path / "o", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["snippets"] == 16 and summary["furniture"] == 7 and summary["rejects"] == 0


def test_cli_usage_errors_are_one_line(tmp_path):
    cases = [
        ("run", tmp_path / "missing.txt", "--out", tmp_path / "o"),
        ("run", ROOT / "corpus/raw", "--out", tmp_path / "o2", "--published", "20-12-2025"),
        ("run", ROOT / "corpus/raw", "--out", tmp_path / "o3", "--rules", tmp_path),
        ("eval", tmp_path / "nope.jsonl"),
    ]
    for args in cases:
        r = announce(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("error:")


def test_cli_refuses_foreign_output_folder(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "precious.csv").write_text("keep me")
    r = announce("run", ROOT / "corpus/raw/001_china_grid_bess.txt", "--out", out)
    assert r.returncode == 2 and "--force" in r.stderr
    assert (out / "precious.csv").read_text() == "keep me"


def test_cli_explain_json_and_stdin():
    r = announce("explain", "-", "--json", "--published", "2025-12-20",
                 stdin="A 500 MW / 2,000 MWh standalone BESS in Tongliao, Inner Mongolia, "
                       "was connected to the grid on December 5.")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["power_mw"] == 500 and data["energy_mwh"] == 2000
    assert data["event"] == "grid_connection"
    assert data["event_date"]["value"] == "2025-12-05"
    assert data["countries"] == ["CN"]
    assert all(c["rule"].startswith("capacity.toml#") for c in data["capacities"])


def test_cli_explain_html(tmp_path):
    page = tmp_path / "x.html"
    r = announce("explain", "Fluence will supply a 200 MW battery in Texas.", "--html", page)
    assert r.returncode == 0, r.stderr
    html = page.read_text()
    assert "CAPACITY" in html and "capacity.toml#" in html


def test_cli_inspect_and_sql(sample_run):
    out, _ = sample_run
    r = announce("inspect", out, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["files"]["snippets"]["rows"] == 88
    assert info["files"]["announcements"]["fill_rate"]["announcement_id"] == 1.0
    r = announce("inspect", out, "--sql", "SELECT count(*) AS n FROM snippets", "--json")
    assert json.loads(r.stdout) == [{"n": 88}]
    r = announce("inspect", out, "--sql", "SELEC nonsense")
    assert r.returncode == 2 and "--sql" in r.stderr


def test_cli_diff_against_itself_is_empty(sample_run):
    out, _ = sample_run
    r = announce("diff", out, out, "--json")
    data = json.loads(r.stdout)
    assert data["added"] == data["removed"] == data["changed"] == []


def test_cli_diff_shows_exactly_the_rows_a_rule_change_moves(sample_run, tmp_path):
    import shutil
    out, _ = sample_run
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    # drop the LFP technology rule: exactly the announcements naming LFP change
    text = (rules / "technologies.toml").read_text()
    text = text.replace('label = "LFP"', 'label = "NMC"')
    (rules / "technologies.toml").write_text(text)
    new = tmp_path / "new"
    r = announce("run", ROOT / "corpus/raw", "--out", new, "--published", "2025-12-20", "--rules", rules)
    assert r.returncode == 0, r.stderr
    data = json.loads(announce("diff", out, new, "--json").stdout)
    rows = pq.read_table(out / "announcements.parquet").to_pylist()
    expected = sorted(r["announcement_id"] for r in rows if "LFP" in r["technologies"])
    assert expected
    assert sorted(c["announcement_id"] for c in data["changed"]) == expected
    assert set(data["summary"]) == {"technologies"}


def test_cli_report_is_self_contained(sample_run, tmp_path):
    out, _ = sample_run
    page = tmp_path / "r.html"
    r = announce("report", out, "--html", page)
    assert r.returncode == 0, r.stderr
    html = page.read_text()
    assert "<svg" in html and "no data in this run" not in html
    assert "http://" not in html.split("<h2>Largest projects</h2>")[0]
    assert "<script src" not in html


def test_cli_help_on_every_command():
    for cmd in ("run", "explain", "inspect", "eval", "diff", "report"):
        r = announce(cmd, "--help")
        assert r.returncode == 0 and "Example:" in r.stdout, cmd


def test_cli_dask_engine_without_dask_is_a_one_line_error(tmp_path):
    fake = tmp_path / "site" / "dask"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no dask here')\n")
    r = subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "corpus/raw"), "--out",
                        str(tmp_path / "o"), "--engine", "dask"], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(tmp_path / "site")})
    assert r.returncode == 2 and "needs Dask" in r.stderr and "Traceback" not in r.stderr, r.stderr
