# The two commands a newcomer needs are `make course` and `make test`; each builds .venv
# itself (python3 -m venv, then pip install -e .[dev,site]) when it is missing or older than
# pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: course test lab exercises bench lint clean site

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,site]'
	@touch $(STAMP)

course: $(STAMP)   ## execute every notebook (quick on CPU, full on GPU) into build/course/; text progress, no widgets
	COLORLAB_PROGRESS=text $(BIN)/python -m colorlab course

# Two pytest workers (pytest-xdist): most tests wait on a kernel's start or a one-thread step, so
# two at a time use both cores of a 2-core CI machine. --dist loadfile keeps a file's tests, and a
# notebook's cells, in one worker, in order.
test: $(STAMP)     ## lint, unit tests, notebooks under papermill and nbval (smoke mode)
	$(BIN)/python -m ruff check .
	COLORLAB_MODE=smoke MPLBACKEND=Agg $(BIN)/python -m pytest tests notebooks -n 2 --dist loadfile \
		--nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

lab: $(STAMP)      ## open JupyterLab in the course environment (notebooks/, exercises/, ...)
	$(BIN)/jupyter lab

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(BIN)/python -m colorlab make-exercises

bench: $(STAMP)    ## speed benchmarks (prints figures; GPU ones need CUDA)
	$(BIN)/python benchmarks/color_speed.py

site: $(STAMP)     ## the course website from the committed notebooks (runs none) into build/site/
	$(BIN)/python -m sphinx -q -c site . build/site
	@echo "open build/site/index.html"

lint: $(STAMP)
	$(BIN)/python -m ruff check .

clean:
	rm -rf build .pytest_cache
