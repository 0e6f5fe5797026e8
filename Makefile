# Pathways: `make run` opens the app on a demo store; `make test` runs lint, types and the test suite.
# Both bootstrap a fresh Debian 12 checkout themselves (system packages when root, .venv, the project).

VENV := .venv
PY := $(VENV)/bin/python

.PHONY: bootstrap run test lint typecheck pytest bench bundle test-bundle clean screenshots test-server bench-server \
	soak

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@$(PY) -m desktop.app --demo

lint: bootstrap
	$(VENV)/bin/ruff check desktop tests bench installer

typecheck: bootstrap
	$(VENV)/bin/mypy desktop

pytest: bootstrap
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m "not slow" -p no:cacheprovider

test: lint typecheck pytest

# The server backend: a throwaway PostgreSQL (installed by bootstrap when missing), the server tests, then the
# services, store and report tests that use the `store`/`demo_store` fixtures again with those on PostgreSQL.
SERVER_TESTS := tests/store/test_server.py tests/store/test_server_concurrency.py tests/services \
	tests/store/test_migrations.py tests/reports/test_signing_setup.py tests/reports/test_agenda_pack.py \
	tests/reports/test_indicators_section.py tests/cli/test_report_cmds.py tests/cli/test_meeting_cmds.py

test-server:
	@PATHWAYS_WITH_SERVER=1 bash scripts/bootstrap.sh
	PATHWAYS_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:cacheprovider \
		--backend=postgresql $(SERVER_TESTS)

bench-server:
	@PATHWAYS_WITH_SERVER=1 bash scripts/bootstrap.sh
	$(PY) -m bench.server_writers

# The reliability suites at length (crash: 8 kills per write command, fuzz: 300 inputs per target, ...); figures
# at the end. PATHWAYS_SEED=N repeats a run exactly. See docs/reliability.md.
soak: bootstrap
	PATHWAYS_SOAK=1 QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:cacheprovider tests/reliability

bench: bootstrap
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.run_all

bundle: bootstrap
	$(PY) installer/build.py

test-bundle: bootstrap
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m slow tests/installer

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache
