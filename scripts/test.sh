#!/usr/bin/env bash
# make test: install what is missing (with Chromium and the test tools), build a fresh test database with the
# addon (no demo data), run the whole suite with pytest + pytest-odoo (browser tours included), then lint.
source "$(dirname "$0")/env.sh"

TEST_DB=${TEST_DB:-sales_admin_test}
check_db_name "$TEST_DB"

bash "$REPO_ROOT/scripts/setup.sh" --test

say "creating a fresh test database '$TEST_DB'"
# a plain drop first (it stops autovacuum on its own), FORCE for our own connections left behind
pg_env dropdb --if-exists "$TEST_DB" >/dev/null 2>&1 || pg_env dropdb --if-exists --force "$TEST_DB" >/dev/null ||
    die "cannot drop the old test database '$TEST_DB' (in use?)"
rm -rf "$DATA_DIR/filestore/$TEST_DB"
odoo_bin -d "$TEST_DB" -i "$ADDON" --without-demo=all --stop-after-init --no-http --log-level=warn ||
    die "installing $ADDON in the test database '$TEST_DB' failed (see above)"

conf="$STATE_DIR/test-odoo.conf"
write_test_conf "$conf" "$TEST_DB"

say "running the test suite"
cd "$REPO_ROOT"
set +e
# pytest-odoo imports Odoo's test framework before it turns test mode on, which Odoo logs as an error at
# start-up; that one logger is quietened, the tests' own logs are not.
"$VENV/bin/python" -m pytest tests --odoo-config="$conf" --odoo-http --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL "$@" 2>&1 |
    tee "$STATE_DIR/pytest.log"
pytest_rc=${PIPESTATUS[0]}

say "lint: pre-commit (ruff, pylint-odoo)"
PATH="$VENV/bin:$PATH" bash "$REPO_ROOT/scripts/lint.sh"
lint_rc=$?
set -e

summary=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* in [0-9.]+s' "$STATE_DIR/pytest.log" | tail -n1)
echo
[ "$lint_rc" = 0 ] && echo "lint: passed" || echo "lint: FAILED"
echo "${summary:-pytest printed no summary}"
[ "$pytest_rc" = 0 ] && [ "$lint_rc" = 0 ]
