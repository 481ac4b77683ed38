PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench setup clean samples schema ocr

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Exit 3 (some files failed) is reported in the summary and the failures table, and does not stop the demo.
run: $(STAMP)
	$(BIN)/manifesto batch samples --db output/manifestos.db || [ $$? -eq 3 ]
	$(BIN)/manifesto query --db output/manifestos.db \
	  'SELECT fiscal_year, department, goal, self_rating, rating_label FROM goal_overview ORDER BY fiscal_year, department, goal'

# Tesseract and its Japanese model, for reading scanned PDFs (and the OCR tests): installed with
# apt-get when missing and this user may (root, or sudo without a password); a no-op when present.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-jpn
ocr:
	@if tesseract --list-langs 2>/dev/null | grep -qx jpn; then :; \
	elif ! command -v apt-get >/dev/null; then echo "note: no apt-get: install $(OCR_PACKAGES) by hand to read scans by OCR"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	else echo "note: installing $(OCR_PACKAGES) needs root: OCR tests will be skipped"; fi

test: $(STAMP) ocr
	$(BIN)/python -m pytest -q

schema: $(STAMP)
	$(BIN)/python -m extract.schema > schemas/manifesto.schema.json

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) output
