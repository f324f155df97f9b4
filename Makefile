# Frontier AI Safety Glossary. `make` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help site test check generate serve browser bench clean lock engines tools permalinks lock-engines golden

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements/site.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $(STAMP)

site: $(STAMP) ## Build the whole site into site/ (creates .venv on first use; BUILD_FLAGS=--release for a deployment)
	$(PY) -m generator build --offline $(BUILD_FLAGS)
	@echo "Site built in site/. Preview it with: make serve. Offline copy: site/glossary-offline.zip (unzip, open glossary/index.html)"

test: $(STAMP) browser engines tools ## Run the whole test suite (data checks, generator, build, browser, engines)
	$(PY) -m pytest

check: $(STAMP) ## Check the data and print every problem as path:line:col
	$(PY) -m generator check

generate: $(STAMP) ## Write the generated Markdown into content/
	$(PY) -m generator generate

serve: $(STAMP) ## Preview at http://127.0.0.1:8000 with live reload on data/ and template edits
	$(PY) -m generator serve

browser: ## Install Debian's headless Chromium for the browser tests when missing (needs root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package to run the browser tests"; fi; }

bench: $(STAMP) ## Run the scale benchmark (not part of make test)
	$(PY) benchmarks/bench.py

lock: ## Re-lock requirements/site.txt and dev.txt with hashes from their .in files
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/site.txt requirements/site.in
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/dev.txt requirements/dev.in
	rm -rf .venv-lock

clean: ## Remove the built site and generated pages (keeps .venv)
	rm -rf site .site.* 
	$(PY) -c "from generator.project import Project; from generator.stages.write import read_manifest; p=Project.at('.'); [ (p.content_dir/r).unlink(missing_ok=True) for r in read_manifest(p.content_dir) ]; p.manifest.unlink(missing_ok=True)"

# Other site engines (tests/test_engines.py) and actionlint (tests/test_workflows.py), each in a venv of
# its own under .cache/, installed from hashed lock files; the tests run these targets when missing.
CACHE := .cache
ENGINES := $(CACHE)/engines/properdocs/.installed $(CACHE)/engines/zensical/.installed

$(CACHE)/engines/%/.installed: requirements/%.txt
	rm -rf $(CACHE)/engines/$*
	$(PYTHON) -m venv $(CACHE)/engines/$*
	$(CACHE)/engines/$*/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $<
	@touch $@

$(CACHE)/tools/.installed: requirements/actionlint.txt
	rm -rf $(CACHE)/tools
	$(PYTHON) -m venv $(CACHE)/tools
	$(CACHE)/tools/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $<
	@touch $@

engines: $(ENGINES) ## Install ProperDocs and Zensical into .cache/engines/ (for the portability tests)

tools: $(CACHE)/tools/.installed ## Install actionlint into .cache/tools/ (for the workflow tests)

permalinks: $(STAMP) ## Rewrite tests/permalinks.txt after an intended URL change (review the diff)
	$(PY) -m generator permalinks --update

golden: $(STAMP) ## Rewrite tests/golden/ (the fixture's generated Markdown) after an intended output change
	$(PY) -m tests.test_golden --update

lock-engines: ## Re-lock requirements/{properdocs,zensical,actionlint}.txt with hashes
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools
	for x in properdocs zensical actionlint; do \
	  .venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/$$x.txt requirements/$$x.in || exit 1; done
	rm -rf .venv-lock
