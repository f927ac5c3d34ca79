# sales_admin_addon: every command works as root and as an ordinary user, and never asks anything.
# Settings (environment or command line): ODOO_SRC, DB, PORT, TEST_DB, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD,
# VENV, BENCH_DB, SCALE, CORE_DB (and the other CORE_* of scripts/test_core.sh).
SHELL := /bin/bash
export

.PHONY: help run test test-core lint bench i18n-export drop setup
help:
	@echo "make run   [DB=sales_admin_demo] [PORT=8069]  install what is missing, create/reuse a demo database, serve Odoo"
	@echo "make test  [TEST_DB=sales_admin_test]        fresh test database, the whole suite (tours included), then lint"
	@echo "make test-core [CORE_DB=sales_admin_core]   Odoo's own tests of sale, sale_stock, sale_management, account, stock,"
	@echo "                                             mass_mailing, survey, calendar, portal with the addon installed (hours)"
	@echo "make lint                                    ruff and pylint-odoo through pre-commit"
	@echo "make bench [SCALE=10] [BENCH_DB=...]          build the benchmark database and run benchmarks/"
	@echo "make i18n-export                             export sales_admin_addon.pot and merge it into pl.po"
	@echo "make drop  DB=name                           drop a database and its filestore"

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

i18n-export:
	@bash scripts/i18n_export.sh

drop:
	@bash scripts/drop.sh
