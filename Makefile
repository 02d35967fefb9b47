PY ?= .venv/bin/python
ANNOUNCE ?= .venv/bin/announce

.PHONY: install test run eval bench report report-check clean

install:
	python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e '.[test]'

test:
	$(PY) -m pytest

run:
	$(ANNOUNCE) run corpus/raw --out out

eval:
	@for g in corpus/gold/*.jsonl; do $(ANNOUNCE) eval $$g --show 0; done
	@if [ -d ../shared/peer ]; then $(ANNOUNCE) eval ../shared/peer/peer_gold_contract.jsonl --show 0; fi

bench:
	$(PY) bench/bench.py

report: run
	$(ANNOUNCE) report out --html out/report.html

clean:
	rm -rf out out-* .pytest_cache

# Render the report in headless Chromium (Debian package `chromium`) and keep a screenshot.
report-check: report
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$(mktemp -d) --window-size=1200,2000 \
	  --screenshot=out/report.png file://$(CURDIR)/out/report.html
	@test -s out/report.png && echo "out/report.png written"
