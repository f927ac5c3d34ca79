#!/usr/bin/env bash
# make run [DB=name] [PORT=8069]: install what is missing, create (or reuse) a demo database with the addon
# and its demo data, and serve the web client on HTTP_HOST:PORT.
source "$(dirname "$0")/env.sh"

DB=${1:-${DB:-sales_admin_demo}}
PORT=${PORT:-8069}
check_db_name "$DB"
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$PORT'"

bash "$REPO_ROOT/scripts/setup.sh"
! port_in_use "$HTTP_HOST" "$PORT" ||
    die "port $PORT on $HTTP_HOST is in use (another Odoo?): stop it or choose another with PORT=8070"

addon_hash() {
    (cd "$REPO_ROOT" && find "$ADDON" -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
hash_file="$STATE_DIR/$DB.addon-hash"

if db_exists "$DB"; then
    base_version=$(PSQL_DB=$DB psql_q "SELECT latest_version FROM ir_module_module WHERE name = 'base'" 2>/dev/null || true)
    case "$base_version" in
        18.0.*) ;;
        "") die "database '$DB' exists but is not an Odoo database: choose another name (make run DB=other)" ;;
        *) die "database '$DB' is an Odoo $base_version database, not 18.0: choose another name (make run DB=other)" ;;
    esac
    state=$(PSQL_DB=$DB psql_q "SELECT state FROM ir_module_module WHERE name = '$ADDON'")
    [ "$state" = installed ] ||
        die "database '$DB' exists but $ADDON is '${state:-absent}' in it (half-made?): drop it (make drop DB=$DB) or choose another name"
    if [ "$(cat "$hash_file" 2>/dev/null)" != "$(addon_hash)" ]; then
        say "the addon changed since this database last saw it: upgrading $ADDON in '$DB'"
        odoo_bin -d "$DB" -u "$ADDON" --stop-after-init --no-http --log-level=warn ||
            die "upgrading $ADDON in '$DB' failed (see above)"
        addon_hash >"$hash_file"
    fi
else
    say "creating database '$DB' with $ADDON and demo data (a few minutes)"
    if ! odoo_bin -d "$DB" -i "$ADDON" --stop-after-init --no-http --log-level=warn; then
        pg_env dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$DATA_DIR/filestore/$DB"
        die "creating database '$DB' failed (see above); nothing was kept"
    fi
    addon_hash >"$hash_file"
fi

mapfile -t args < <(odoo_args)
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${args[@]}" -d "$DB" --db-filter="^$DB\$" \
    --http-interface="$HTTP_HOST" --http-port="$PORT" --log-level=warn &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"' INT TERM
for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; die "Odoo stopped before it answered (see above)"; }
    if curl -fs -o /dev/null "http://$HTTP_HOST:$PORT/web/health"; then
        printf '\nOdoo 18 with %s is up: http://%s:%s/odoo\nLogin: admin  Password: admin  (database %s; demo sales administrator: anna / anna)\nStop with Ctrl+C.\n\n' \
            "$ADDON" "$HTTP_HOST" "$PORT" "$DB"
        break
    fi
    sleep 0.5
done
wait "$pid"
