# The two promises of the README: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint data train evaluate validate gate finetune bench purge clean

run: $(VENV)/.serve-installed  ## set up the serving environment, bring the corrections schema up to date, start the dashboard
	$(BIN)/python -m corrections upgrade
	$(BIN)/python dashboard.py

test: $(VENV)/.dev-installed  ## set up everything and run lint and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

data: $(VENV)/.serve-installed  ## download MNIST, the UCI pen digits and the UJI pen digits into DIGITS_DATA_DIR (skips files already there)
	$(BIN)/python -m model.training.fetch_data

train: $(VENV)/.dev-installed  ## retrain, evaluate and export the model (about 30 minutes on 2 cores)
	$(BIN)/python -m model.training.train

evaluate: $(VENV)/.dev-installed  ## measure the committed model against every target: MNIST (raw and as PNG), held-out writers, styles, non-digits, calibration
	$(BIN)/python -m model.training.evaluate

validate: $(VENV)/.dev-installed  ## the validation table across collections for the shipped model (a minute or two on 2 cores)
	$(BIN)/python -m model.training.validate

CANDIDATE ?= artifacts/candidate/digit_cnn.tflite
gate: $(VENV)/.dev-installed  ## CANDIDATE=path.tflite [SIBLING=run.tflite]: ship only if no line of the table is worse than the served model's beyond noise
	$(BIN)/python -m model.training.gate $(CANDIDATE) $(if $(SIBLING),--sibling $(SIBLING))

finetune: $(VENV)/.dev-installed  ## fine-tune the serving model on the accepted corrections (DATABASE_URL); promote it only if the gate passes (exit 1: refused)
	$(BIN)/python -m corrections upgrade
	$(BIN)/python -m model.training.finetune

bench: $(VENV)/.dev-installed  ## every benchmark under bench/, one after another
	$(BIN)/python -m bench.preprocess_latency
	$(BIN)/python -m bench.inference_latency
	$(BIN)/python -m bench.callback_latency
	$(BIN)/python -m bench.serve_latency
	$(BIN)/python -m bench.evidence
	$(BIN)/python -m bench.hostile_corpus
	$(BIN)/python -m bench.slow_clients
	$(BIN)/python -m bench.first_visit
	$(BIN)/python -m bench.corrections_write

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.serve-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-train.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.serve-installed

purge: $(VENV)/.serve-installed  ## delete corrections older than DAYS days (default 180)
	$(BIN)/python -m corrections purge --days $(or $(DAYS),180)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts
