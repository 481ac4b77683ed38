PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz setup clean samples schema ocr browser

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The text-layer samples first (seconds), their query, then the seven scans (OCR: most of the time) with
# their progress, and the query again. Exit 3 (some files failed) is reported in the summary and the
# failures table, and does not stop the demo.
RUN_DB := output/manifestos.db
RUN_QUERY := SELECT fiscal_year, department, goal, self_rating, rating_label FROM goal_overview ORDER BY fiscal_year, department, goal
run: $(STAMP)
	find samples -name '*.pdf' ! -path 'samples/scanned/*' | sort | $(BIN)/manifesto batch - --db $(RUN_DB) --municipality 242161 || [ $$? -eq 3 ]
	$(BIN)/manifesto query --db $(RUN_DB) '$(RUN_QUERY)'
	@echo "now the scanned samples (OCR, about a minute); the table above is ready to use meanwhile" >&2
	$(BIN)/manifesto batch samples/scanned --db $(RUN_DB) --municipality 242161 || [ $$? -eq 3 ]
	$(BIN)/manifesto query --db $(RUN_DB) '$(RUN_QUERY)'

# Tesseract, its Japanese model and its orientation data, for reading scanned PDFs (and the OCR tests): installed with
# apt-get when missing and this user may (root, or sudo without a password); a no-op when present.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-jpn tesseract-ocr-osd
ocr:
	@if tesseract --list-langs 2>/dev/null | grep -qx jpn && tesseract --list-langs 2>/dev/null | grep -qx osd; then :; \
	elif ! command -v apt-get >/dev/null; then echo "note: no apt-get: install $(OCR_PACKAGES) by hand to read scans by OCR"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	else echo "note: installing $(OCR_PACKAGES) needs root: OCR tests will be skipped"; fi

# $(call apt_install,PACKAGES,CHECK,WHAT): shell that does nothing when CHECK succeeds, else installs PACKAGES
# with apt-get (retrying downloads) when this user may (root, or sudo without a password), else says WHAT lacks them.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 -y -qq
apt_install = if $(2); then :; \
	elif ! command -v apt-get >/dev/null; then echo "note: no apt-get: install $(1) by hand for $(3)"; \
	elif [ "$$(id -u)" = 0 ]; then $(APT_GET) update && $(APT_GET) install --no-install-recommends $(1) >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo $(APT_GET) update && sudo $(APT_GET) install --no-install-recommends $(1) >/dev/null; \
	else echo "note: installing $(1) needs root: $(3) lacks them"; fi

# Headless Chromium and its driver (the browser test) and a Japanese font (`manifesto report`'s charts, and
# Japanese text in the browser's screenshots). Without Chromium the browser test skips, and fails in CI.
BROWSER_PACKAGES := chromium chromium-driver fonts-ipaexfont
JAPANESE_FONT := /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
browser:
	@$(call apt_install,$(BROWSER_PACKAGES),command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -f $(JAPANESE_FONT) ],the browser test)

test: $(STAMP) ocr browser
	$(BIN)/python -m pytest -q

# Times `manifesto batch` against bare pdfplumber on copies of the samples; writes output/bench/results.json.
# Each measurement runs twice and the fastest is kept: the machine is shared, and one run can be disturbed.
bench: $(STAMP)
	$(BIN)/python -m bench.run --repeat 2

# Reads FUZZ_MUTANTS mutants of the samples under the batch's limits and tallies the outcomes (minutes; not in `make test`):
# exits 1 if any was an internal error or outlasted its limit. Writes output/fuzz/results.json.
FUZZ_MUTANTS ?= 2000
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz.py --mutants $(FUZZ_MUTANTS)

schema: $(STAMP)
	$(BIN)/python -m extract.schema > schemas/manifesto.schema.json

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py
	$(BIN)/python scripts/build_fixtures.py samples/wordings
	$(BIN)/python scripts/build_hard4.py
	$(BIN)/python scripts/make_booklets.py

clean:
	rm -rf $(VENV) output
