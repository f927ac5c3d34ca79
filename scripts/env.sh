# Shared settings and helpers for the project's scripts; sourced, never run.
# Every variable can be set from the environment or on the make command line.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
VENV=${VENV:-$REPO_ROOT/.venv}
STATE_DIR=${STATE_DIR:-$REPO_ROOT/.odoo}
DATA_DIR=${DATA_DIR:-$STATE_DIR/data}
DB_HOST=${DB_HOST:-}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-$(id -un)}
DB_PASSWORD=${DB_PASSWORD:-}
HTTP_HOST=${HTTP_HOST:-127.0.0.1}
ADDON=sales_admin_addon
ODOO_DOWNLOAD_URL=${ODOO_DOWNLOAD_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*" >&2; }

as_root() {
    # Run a command as root: directly when we are root, through sudo when it needs no password.
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 126
    fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n -u postgres "$@"
    else
        return 126
    fi
}

# psql/createdb/dropdb with the project's connection settings
pg_env() {
    local -a env=(PGPORT="$DB_PORT" PGUSER="$DB_USER")
    [ -n "$DB_HOST" ] && env+=(PGHOST="$DB_HOST")
    [ -n "$DB_PASSWORD" ] && env+=(PGPASSWORD="$DB_PASSWORD")
    env "${env[@]}" "$@"
}
psql_q() { pg_env psql -X -q -t -A -v ON_ERROR_STOP=1 -d "${PSQL_DB:-postgres}" -c "$1"; }

db_exists() {
    [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Odoo's command line with the project's connection settings and addons path
odoo_args() {
    local -a args=(--addons-path="$ODOO_SRC/addons,$REPO_ROOT" --data-dir="$DATA_DIR"
        --db_port="$DB_PORT" --db_user="$DB_USER")
    [ -n "$DB_HOST" ] && args+=(--db_host="$DB_HOST")
    [ -n "$DB_PASSWORD" ] && args+=(--db_password="$DB_PASSWORD")
    printf '%s\n' "${args[@]}"
}
odoo_bin() {
    local -a args
    mapfile -t args < <(odoo_args)
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${args[@]}" "$@"
}

# write_test_conf FILE DB: the Odoo configuration pytest-odoo reads (--odoo-config), on DB, with the same paths and
# connection as odoo_args
write_test_conf() {
    {
        echo "[options]"
        echo "db_name = $2"
        echo "addons_path = $ODOO_SRC/addons,$REPO_ROOT"
        echo "data_dir = $DATA_DIR"
        echo "db_port = $DB_PORT"
        echo "db_user = $DB_USER"
        [ -n "$DB_HOST" ] && echo "db_host = $DB_HOST"
        [ -n "$DB_PASSWORD" ] && echo "db_password = $DB_PASSWORD"
        echo "http_interface = 127.0.0.1"
    } >"$1"
}
check_db_name() {
    [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "invalid database name '$1' (letters, digits, _ . - only)"
}

port_in_use() {
    "${VENV}/bin/python" - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo's server does: TIME_WAIT is no conflict
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}
