#!/usr/bin/env bash
# make test-upgrade: the upgrade path on its own (tests/test_upgrade_path.py, also part of `make test`): the first
# released version of the addon (git tag v18.0.1.0.0) installed with demo data and rows in every model, upgraded to
# this checkout, then uninstalled; Odoo's data must come out intact. It builds and drops its own scratch database
# (${UPGRADE_DB}_upgrade_path) and needs the git history of the checkout (the tag, or the commits). pytest-odoo
# loads a registry before any test: ${UPGRADE_DB} is that database, with Odoo's base only (made once, then reused).
source "$(dirname "$0")/env.sh"

UPGRADE_DB=${UPGRADE_DB:-sales_admin_upgrade}
check_db_name "$UPGRADE_DB"

bash "$REPO_ROOT/scripts/setup.sh" --test
git -C "$REPO_ROOT" rev-parse --verify --quiet "v18.0.1.0.0^{commit}" >/dev/null ||
    git -C "$REPO_ROOT" rev-parse --verify --quiet "93154e1^{commit}" >/dev/null ||
    die "the first release is not in this clone: git fetch --tags (or --unshallow)"

if [ -z "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$UPGRADE_DB'")" ]; then
    say "creating the database '$UPGRADE_DB' the test runner starts on (Odoo's base only)"
    odoo_bin -d "$UPGRADE_DB" -i base --without-demo=all --stop-after-init --no-http --log-level=warn ||
        die "could not create the database '$UPGRADE_DB' (see above)"
fi

conf="$STATE_DIR/test-upgrade-odoo.conf"
write_test_conf "$conf" "$UPGRADE_DB"

say "upgrade path: first release -> this checkout -> uninstall"
cd "$REPO_ROOT"
"$VENV/bin/python" -m pytest tests/test_upgrade_path.py --odoo-config="$conf" --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL -s "$@"
