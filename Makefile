# sales_admin_addon: every command works as root and as an ordinary user, and never asks anything.
# Settings (environment or command line): ODOO_SRC, DB, PORT, TEST_DB, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD,
# VENV, BENCH_DB, SCALE, CORE_DB (and the other CORE_* of scripts/test_core.sh).
SHELL := /bin/bash
export

.PHONY: help run test test-core lint bench load i18n-export drop setup test-upgrade replica fuzz
help:
	@echo "make run   [DB=sales_admin_demo] [PORT=8069]  install what is missing, create/reuse a demo database, serve Odoo"
	@echo "make test  [TEST_DB=sales_admin_test]        fresh test database, the whole suite (tours included), then lint"
	@echo "make test-core [CORE_DB=sales_admin_core]   Odoo's own tests of sale, sale_stock, sale_management, account, stock,"
	@echo "                                             mass_mailing, survey, calendar, portal with the addon installed (~25 min)"
	@echo "make lint                                    ruff and pylint-odoo through pre-commit"
	@echo "make bench [SCALE=10] [BENCH_DB=...]          build the benchmark database and run benchmarks/"
	@echo "make load  [DURATION=600] [USERS=50]          multi-worker load: 2 Odoo servers (4+2 workers, 2 cron workers) on a"
	@echo "           [WORKERS=4] [WORKERS_B=2]          copy of BENCH_DB, USERS JSON-RPC users for DURATION s, data checks;"
	@echo "           [MAX_REQUESTS=200000] [APPEND=1]   report appended to benchmarks/RESULTS.md (not part of make test)"
	@echo "make i18n-export                             export sales_admin_addon.pot and merge it into pl.po"
	@echo "make drop  DB=name                           drop a database and its filestore"
	@echo "make test-upgrade [UPGRADE_DB=...]           first release (v18.0.1.0.0) + data -> upgrade -> uninstall, ~5 min"
	@echo "make replica [BENCH_DB=...] [REPLICA_DB=sales_admin_replica]  streaming replica on port 5433, then"
	@echo "                                             benchmarks/replica_check.py (scripts/replica.sh start|stop|status)"
	@echo "make fuzz  [FUZZ_SOURCE=sales_admin_demo] [FUZZ_DB=sales_admin_fuzz] [FUZZ_PORT=8284] [FUZZ_SEED=10]"
	@echo "                                             1,000+ hostile JSON-RPC, portal and mail calls on a live server"

setup:
	@bash scripts/setup.sh --test

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

test-core:
	@bash scripts/test_core.sh

lint:
	@bash scripts/setup.sh --test && bash scripts/lint.sh

bench:
	@bash scripts/bench.sh

load:
	@bash scripts/load.sh

i18n-export:
	@bash scripts/i18n_export.sh

drop:
	@bash scripts/drop.sh

test-upgrade:
	@bash scripts/test_upgrade.sh

replica:
	@bash scripts/replica.sh check

fuzz:
	@bash scripts/setup.sh --test && "$${VENV:-.venv}/bin/python" benchmarks/fuzz.py
