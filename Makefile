# Build and test the book. On a fresh machine `make book` and `make test` do all
# the set-up themselves: they create .venv from the pins in requirements.txt and
# install the pinned npm packages of tools/web (MathJax, which typesets the
# equations at build time; axe-core and the Nu Html Checker for the page checks).
#
#   make book    execute every chapter and build the HTML site, warnings as errors
#   make test    unit tests, every chapter executed by nbval, the strict build,
#                and checks of the rendered pages, in headless Chromium too
#   make pdf     the whole book as one PDF through LaTeX, _build/latex/mvcalc-book.pdf
#                (installs TeX Live from Debian when missing); the site links it
#   make serve   serve _build/html on http://127.0.0.1:$(PORT)/
#   make clean   remove _build (keep .venv);  make distclean  remove .venv too
#   make lock    regenerate requirements.txt from requirements.in
#   make bench   measure accuracy and cost for the appendix: bench/results/*.json
#   make bench-site  Lighthouse scores of the site against the stock template,
#                _build/bench-site/table.md (about 12 minutes a run; RUNS=3 for medians)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# Runs of each page and form factor for `make bench-site` (the median is reported):
# a run of every page takes about 12 minutes on a 2-core machine, 25 when it is busy.
RUNS ?= 1

CHAPTERS := $(sort $(wildcard book/[0-9][0-9]-*.md))
# Every page that executes: the chapters and the appendices.
NOTEBOOKS := $(CHAPTERS) $(sort $(wildcard book/appendix-*.md))
WEB := tools/web/node_modules/.package-lock.json
# Lighthouse for `make bench-site`, a project of its own so that `make test` does not install it.
LIGHTHOUSE := tools/bench-site/node_modules/.package-lock.json
EXEC_KEY := _build/.execution-key
# The book is built with Sphinx warnings as errors and nitpicky references.
JB_FLAGS := --builder html -W -n --keep-going
# The PDF: its name comes from latex.latex_documents.targetname in _config.yml.
PDF := _build/latex/mvcalc-book.pdf
# TeX Live from Debian without recommended packages (about 400 MB): XeLaTeX, as
# sphinx-jupyterbook-latex wants, with the FreeFont faces of Sphinx's XeLaTeX
# setup; and Poppler, whose tools tests/test_pdf.py uses to read the PDF.
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
  texlive-xetex fonts-freefont-otf latexmk poppler-utils
# The schema of CITATION.cff, from the pinned release of its validator, cffconvert
# (whose own pins, jsonschema < 4, clash with the book's): tests/test_citation.py
# validates CITATION.cff against it with the book's jsonschema, as
# `cffconvert --validate` does.
CFFCONVERT_WHEEL := _build/cffconvert/cffconvert-2.0.0-py3-none-any.whl
CFFCONVERT_SHA256 := 573c825e4e16173d99396dc956bd22ff5d4f84215cc16b6ab05299124f5373bb

.PHONY: help venv book test unit nbval site-check browser execution-key serve clean distclean lock web pdf tex pdf-check readme-figure bench bench-site

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

# --- environment --------------------------------------------------------------
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

# --- Node packages: MathJax, axe-core, the Nu Html Checker ------------------------
# MathJax typesets the equations as MathML when the book is built
# (book/_ext/mvcalc_math.py), so the site ships no MathJax at all. A new MathJax
# throws the built site away (not the executed chapters), so every page is
# typeset again.
$(WEB): tools/web/package-lock.json
	npm ci --prefix tools/web --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf _build/html
	touch $@

web: $(WEB)

# --- the book -------------------------------------------------------------------
# myst-nb's execution cache keys on the cells' text only. The chapters also
# depend on mvcalc, its data, the book's extension, the pinned stack and the
# results files of `make bench` that the appendix reads, so when any of those change
# the cache and the parsed pages are thrown away and every chapter re-executes.
# An unchanged rebuild stays fast.
execution-key:
	@mkdir -p _build
	@key=$$( { find code/mvcalc book/_ext $$(test -d bench/results && echo bench/results) -type f ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum; \
	          sha256sum requirements.txt pyproject.toml _config.yml; } | sha256sum | cut -c1-64); \
	if [ "$$(cat $(EXEC_KEY) 2>/dev/null)" != "$$key" ]; then \
	  echo "mvcalc, its data or the pins changed: re-executing every chapter"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/html; \
	  echo "$$key" > $(EXEC_KEY); \
	fi

book: $(STAMP) $(WEB) execution-key
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	@test -f _build/html/index.html
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html or run 'make serve'."

# --- the PDF -------------------------------------------------------------------
# Sphinx's LaTeX builder through Jupyter Book, then latexmk and XeLaTeX. The
# preamble (the TeX macros of _config.yml, proofs, the title page's version
# and date) comes from book/_ext. The HTML build copies the PDF into the site and
# links it from every page whenever it exists, so `make pdf` refreshes a site
# already built.
tex:
	@if ! command -v latexmk >/dev/null || ! command -v xelatex >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! kpsewhich fncychap.sty ucharclasses.sty pzdr.tfm >/dev/null || [ ! -f /usr/share/fonts/opentype/freefont/FreeSerif.otf ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "The PDF needs TeX Live and Poppler from Debian: run 'sudo apt-get install --no-install-recommends $(TEX_PACKAGES)'"; exit 1; \
	  fi; \
	  echo "Installing TeX Live (XeLaTeX) and Poppler from Debian (about 400 MB, a few minutes)"; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	fi

pdf: $(STAMP) tex execution-key
	rm -f $(PDF)
	LATEXMKOPTS=-silent LATEXOPTS="-interaction=nonstopmode -halt-on-error" \
	  $(VENV)/bin/jupyter-book build . --builder pdflatex -W -n --keep-going \
	  || { grep -A8 '^!' $(PDF:.pdf=.log) 2>/dev/null | head -40; exit 1; }
	@test -f $(PDF)
	@if [ -f _build/html/index.html ]; then $(MAKE) --no-print-directory book; fi
	@echo "The PDF is built: $(CURDIR)/$(PDF) ($$(pdfinfo $(PDF) | sed -n 's/^Pages: *//p') pages)."

# The checks of the PDF alone (make test runs them too, or skips them with the
# reason when there is no PDF).
pdf-check: $(STAMP)
	$(PY) -m pytest tests/test_pdf.py

$(CFFCONVERT_WHEEL): | $(STAMP)
	$(PY) -m pip download --quiet --no-deps --dest $(@D) cffconvert==2.0.0
	echo "$(CFFCONVERT_SHA256)  $@" | sha256sum --check --quiet || { rm -f $@; exit 1; }

# --- what the page checks run: Debian's Chromium (never a downloaded browser) and
# a Java runtime for the HTML validator ------------------------------------------
browser:
	@if ! command -v chromium >/dev/null || ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "The page checks need Debian's chromium and a Java runtime: run 'sudo apt-get install chromium default-jre-headless'"; exit 1; \
	  fi; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core default-jre-headless >/dev/null; \
	fi

# --- tests ----------------------------------------------------------------------
unit: $(STAMP) $(WEB) $(CFFCONVERT_WHEEL)
	$(PY) -m pytest --ignore=tests/site --ignore=tests/browser

nbval: $(STAMP)
	$(PY) tools/run_nbval.py $(NOTEBOOKS)

site-check: $(STAMP) $(WEB) browser
	$(PY) -m pytest tests/site tests/browser

test: $(STAMP) $(WEB)
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory nbval
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory site-check
	@echo "make test: all checks passed."

# --- helpers --------------------------------------------------------------------
serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# The measurements the appendix cannot make live (tools/bench.py): a few
# minutes. tests/test_bench.py fails when a file they measured has changed since.
bench: $(STAMP) $(WEB) $(CFFCONVERT_WHEEL)
	$(PY) tools/bench.py

# Lighthouse 12.2.3 and Debian's Chromium against the site and the stock Jupyter
# Book template, each served with gzip as GitHub Pages serves it
# (tools/bench_site.py): a benchmark, not a test. Missed targets are reported,
# not fatal.
$(LIGHTHOUSE): tools/bench-site/package-lock.json
	npm ci --prefix tools/bench-site --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

bench-site: $(STAMP) browser $(LIGHTHOUSE)
	$(MAKE) --no-print-directory book
	$(PY) tools/bench_site.py --runs $(RUNS)

# The README's figure, drawn by mvcalc (tools/readme_figure.py).
readme-figure: $(STAMP)
	$(PY) tools/readme_figure.py

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) tools/web/node_modules tools/bench-site/node_modules

lock:
	rm -rf _build/lock-venv
	$(PYTHON) -m venv _build/lock-venv
	_build/lock-venv/bin/python -m pip install --quiet -r requirements.in
	{ echo "# Full lock of requirements.in, generated by 'make lock' (pip freeze in a clean venv)."; \
	  echo "# Do not edit by hand: change requirements.in and run 'make lock'."; \
	  _build/lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip=='; } > requirements.txt
	rm -rf _build/lock-venv
