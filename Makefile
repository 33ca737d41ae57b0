# Qingyuan: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: demo test test-sqlite test-postgres test-browser bench lint messages install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	cd qingyuan && ../$(PY) ../manage.py compilemessages -l zh_Hans -v 0

demo: install
	$(VENV)/bin/qingyuan demo

lint: install
	$(VENV)/bin/ruff check qingyuan bench
	$(VENV)/bin/mypy qingyuan/hj212 qingyuan/gateway qingyuan/standards

# Browser journeys run in their own process: Playwright's sync API keeps an event loop
# running in its thread, which would break the asyncio tests sharing an xdist worker.
# The tests that start their own PostgreSQL clusters (`cluster`: the standby, the restore drill) run once, below.
test-sqlite: install
	$(VENV)/bin/pytest -n 2 -q -m "not browser and not cluster"
	$(VENV)/bin/pytest -q -m browser

# On PostgreSQL: everything but the browser journeys, the socket/load tests and the whole-demo sweeps (`slow`:
# they exercise the gateway's timing and every page's rendering, which the SQLite run covers; the seed,
# the queries and the constraints they rest on run here through the other tests). The slowest tests
# are listed so that the run's cost stays visible. Tests that never reach the database (protocol, codec,
# rules; QINGYUAN_ONLY_DB_TESTS, qingyuan/conftest.py) ran in the SQLite stage and are deselected here.
test-postgres: install
	QINGYUAN_ONLY_DB_TESTS=1 bin/with-postgres $(VENV)/bin/pytest -n 2 -q -m "not browser and not slow" --durations=20

test: lint test-sqlite test-postgres

bench: install
	bin/bench

clean:
	rm -rf var .pytest_cache
