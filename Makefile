# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# the seed pack `make run` loads (a folder of seeds/): `make run SEEDS=sudan-2023` serves Sudan's
# war from its own store, var/sudan-2023.db; the default keeps var/timeline.db
SEEDS ?= syria-2024
export TIMELINE_DATABASE_URL ?= sqlite:///var/$(if $(filter syria-2024,$(SEEDS)),timeline,$(SEEDS)).db

.PHONY: install run test test-sqlite lint bench bench-quick clean eval-extract

$(BIN)/timeline: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/timeline

run: install
	$(BIN)/timeline seed --pack $(SEEDS)
	@echo "writer token: $$($(BIN)/timeline token create --role writer --label "make run" --replace 2>/dev/null | tail -n 1)"
	@echo "open the page: http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/docs)"
	$(BIN)/timeline serve --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check timeline api tests bench

bench: install
	$(BIN)/python -m bench

bench-quick: install
	$(BIN)/python -m bench --quick

# Precision and recall of POST /extract by claim type, on labelled real texts (a tuning half and a
# held-out half: timeline/ingest/extract_eval.py, tests/fixtures/articles/real/).
eval-extract: install
	$(BIN)/python -m timeline.ingest.extract_eval $(EVAL_ARGS)

clean:
	rm -rf $(VENV) var *.egg-info
