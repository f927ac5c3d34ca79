#!/usr/bin/env bash
# Install what is missing for running (and with --test, testing) the addon:
# the Odoo 18.0 source tree, Debian packages, a running PostgreSQL with a role for us, the virtualenv.
# Idempotent: a second call checks and returns in seconds.
source "$(dirname "$0")/env.sh"

WITH_TEST=0
[ "${1:-}" = --test ] && WITH_TEST=1

ensure_odoo_src() {
    if [ ! -e "$ODOO_SRC" ] || { [ -d "$ODOO_SRC" ] && [ -z "$(ls -A "$ODOO_SRC")" ]; }; then
        say "no Odoo source tree at ODOO_SRC=$ODOO_SRC: downloading the official Odoo 18.0 source release"
        local tmp
        tmp=$(mktemp -d)
        if ! curl -fsSL --connect-timeout 15 --max-time 900 -o "$tmp/odoo.tar.gz" "$ODOO_DOWNLOAD_URL" 2>/dev/null; then
            rm -rf "$tmp"
            die "no Odoo 18.0 source tree at ODOO_SRC=$ODOO_SRC and it cannot be downloaded here (no internet?): put an Odoo 18.0 source tree there (the folder holding odoo-bin), or set ODOO_SRC to one"
        fi
        mkdir -p "$ODOO_SRC" 2>/dev/null || as_root mkdir -p "$ODOO_SRC" ||
            die "cannot create ODOO_SRC=$ODOO_SRC: set ODOO_SRC to a folder you can write"
        tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1 ||
            die "the downloaded Odoo archive could not be unpacked into ODOO_SRC=$ODOO_SRC"
        rm -rf "$tmp"
    fi
    [ -f "$ODOO_SRC/odoo-bin" ] ||
        die "ODOO_SRC=$ODOO_SRC holds no odoo-bin: point ODOO_SRC at an Odoo 18.0 source tree (the folder holding odoo-bin)"
    grep -q "^version_info = (18, 0," "$ODOO_SRC/odoo/release.py" 2>/dev/null ||
        die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0 ($(grep -m1 '^version_info' "$ODOO_SRC/odoo/release.py" 2>/dev/null || echo 'no odoo/release.py')): point it at an Odoo 18.0 source tree"
}

ensure_debs() {
    local -a wanted=(postgresql postgresql-client libpq-dev wkhtmltopdf fonts-dejavu-core curl)
    [ "$WITH_TEST" = 1 ] && wanted+=(chromium)
    local -a missing=()
    local pkg
    for pkg in "${wanted[@]}"; do
        # a PostgreSQL elsewhere (DB_HOST) needs no local server
        if [ "$pkg" = postgresql ] && [ -n "$DB_HOST" ]; then continue; fi
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} = 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { as_root apt-get update -q && as_root apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$STATE_DIR/apt.log" 2>&1 ||
        die "could not install Debian packages (${missing[*]}): run 'sudo apt-get install ${missing[*]}' (log: $STATE_DIR/apt.log)"
}

ensure_postgres() {
    if [ -z "$DB_HOST" ] && command -v pg_lsclusters >/dev/null; then
        local line
        line=$(pg_lsclusters --no-header 2>/dev/null | awk '$3 == '"$DB_PORT"' {print; exit}')
        if [ -z "$line" ]; then
            [ -z "$(pg_lsclusters --no-header 2>/dev/null)" ] ||
                die "PostgreSQL not reachable: no local cluster listens on DB_PORT=$DB_PORT ($(pg_lsclusters --no-header | awk '{printf "%s/%s on %s; ", $1, $2, $3}')set DB_PORT)"
            local ver
            ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
            say "creating a PostgreSQL $ver cluster on port $DB_PORT"
            as_root pg_createcluster "$ver" main --port "$DB_PORT" >/dev/null ||
                die "no PostgreSQL cluster yet and none can be created without root: run 'sudo pg_createcluster $ver main --start'"
            line=$(pg_lsclusters --no-header | awk '$3 == '"$DB_PORT"' {print; exit}')
        fi
        # shellcheck disable=SC2086
        set -- $line
        if [ "$4" != online ]; then
            say "starting PostgreSQL $1/$2 on port $DB_PORT"
            as_root pg_ctlcluster "$1" "$2" start ||
                die "PostgreSQL $1/$2 is down and cannot be started without root: run 'sudo pg_ctlcluster $1 $2 start'"
        fi
    fi
    local err
    if ! err=$(psql_q "SELECT 1" 2>&1 >/dev/null); then
        if grep -q "role \"$DB_USER\" does not exist" <<<"$err" && [ -z "$DB_HOST" ]; then
            say "creating PostgreSQL role $DB_USER (may create databases)"
            as_postgres createuser --createdb "$DB_USER" ||
                die "PostgreSQL has no role '$DB_USER' and it cannot be created without root: run 'sudo -u postgres createuser --createdb $DB_USER'"
            err=$(psql_q "SELECT 1" 2>&1 >/dev/null) || die "PostgreSQL not reachable as $DB_USER: $(head -n1 <<<"$err")"
        else
            die "PostgreSQL not reachable (host=${DB_HOST:-local socket} port=$DB_PORT user=$DB_USER): $(head -n1 <<<"$err")"
        fi
    fi
    [ "$DB_USER" != postgres ] || die "Odoo refuses to run as the PostgreSQL superuser 'postgres': set DB_USER to another role"
}

pick_python() {
    local py
    for py in "${PYTHON:-}" python3.11 python3.12 python3.10 python3; do
        [ -n "$py" ] && command -v "$py" >/dev/null || continue
        if "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))'; then
            echo "$py"
            return 0
        fi
    done
    die "no Python 3.10 to 3.12 found for Odoo 18 (set PYTHON=/path/to/python3.11)"
}

ensure_venv() {
    local reqs="$STATE_DIR/requirements-odoo.txt"
    # Odoo's own requirements, minus python-ldap (needs system headers; we do not use LDAP)
    grep -viE '^\s*python-ldap' "$ODOO_SRC/requirements.txt" >"$reqs.new"
    mv "$reqs.new" "$reqs"
    local -a files=("$reqs" "$REPO_ROOT/requirements.txt" "$REPO_ROOT/scripts/constraints-build.txt")
    local run_stamp test_stamp
    run_stamp=run-$(cat "${files[@]}" | sha256sum | cut -c1-16)
    test_stamp=test-$(cat "${files[@]}" "$REPO_ROOT/requirements-test.txt" | sha256sum | cut -c1-16)
    local wanted=$run_stamp
    if [ "$WITH_TEST" = 1 ]; then
        files+=("$REPO_ROOT/requirements-test.txt")
        wanted=$test_stamp
    fi
    if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.stamp-$wanted" ] && [ -f "$VENV/.odoo-src" ] &&
        [ "$(cat "$VENV/.odoo-src")" = "$ODOO_SRC" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        py=$(pick_python)
        say "creating the virtualenv $VENV with $($py --version)"
        "$py" -m venv "$VENV" || die "could not create a virtualenv with $py (Debian: apt-get install python3-venv)"
    fi
    say "installing Python packages into $VENV (Odoo's requirements and ours)"
    local -a req_args=()
    local f
    for f in "${files[@]}"; do [[ $f == *constraints* ]] || req_args+=(-r "$f"); done
    # Old sdists in Odoo's pinned list do not build with the newest setuptools: the constraint applies to
    # pip's isolated build environments too.
    PIP_CONSTRAINT="$REPO_ROOT/scripts/constraints-build.txt" PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$VENV/bin/python" -m pip install -q "${req_args[@]}" >"$STATE_DIR/pip.log" 2>&1 ||
        { tail -n 20 "$STATE_DIR/pip.log" >&2; die "pip could not install the requirements (log: $STATE_DIR/pip.log)"; }
    # Odoo itself is used from ODOO_SRC, not copied: a .pth file puts it on the virtualenv's path.
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" >"$site/odoo-src.pth"
    echo "$ODOO_SRC" >"$VENV/.odoo-src"
    rm -f "$VENV"/.stamp-*
    touch "$VENV/.stamp-$run_stamp"
    [ "$WITH_TEST" = 1 ] && touch "$VENV/.stamp-$test_stamp"
    return 0
}

mkdir -p "$STATE_DIR" "$DATA_DIR"
ensure_odoo_src
ensure_debs
ensure_postgres
ensure_venv
