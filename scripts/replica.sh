#!/usr/bin/env bash
# scripts/replica.sh {start|stop|status|check|rebuild|destroy}: a PostgreSQL streaming replica (hot standby) of the local
# cluster, for Odoo 18's --db_replica_host/--db_replica_port (read-only requests go to it, issue 10 item 3).
#
#   start    make the replica if it does not exist yet (pg_basebackup -R -X stream from the primary), then start it
#            and wait until it accepts read-only connections; a running replica is left alone.
#   stop     stop the replica (fast shutdown); its data directory stays.
#   status   is it running, in recovery, streaming; its replay lag (bytes and seconds) seen from both sides.
#   check    start, then benchmarks/replica_check.py on REPLICA_DB (a copy of BENCH_DB made on the primary when
#            missing, the addon upgraded to this tree): which server serves each call, with figures (`make replica`).
#   rebuild  stop, remove the data directory, make it again from a fresh base backup, start (after the replica fell
#            too far behind: "requested WAL segment ... has already been removed").
#   destroy  stop and remove the data directory.
#
# Every step is idempotent. The primary is only read: streaming needs wal_level >= replica, max_wal_senders > 0 and a
# pg_hba.conf "replication" line for the OS user postgres (the PostgreSQL 15 defaults on Debian; checked, never
# changed). No replication slot is made on purpose: a slot of a stopped replica would keep WAL on the shared primary
# without bound; the price is a rebuild when the replica stayed down longer than the primary keeps its WAL.
# Settings (environment): PG_BIN, PRIMARY_HOST, PRIMARY_PORT, REPLICA_PORT, REPLICA_DIR, REPLICA_LOG, PG_OS_USER,
# and for check: BENCH_DB, REPLICA_DB, REPLICA_HTTP_PORT (plus those of scripts/env.sh).
source "$(dirname "$0")/env.sh"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PRIMARY_HOST=${PRIMARY_HOST:-/var/run/postgresql}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/15/replica}
REPLICA_LOG=${REPLICA_LOG:-/var/log/postgresql/postgresql-15-replica.log}
PG_OS_USER=${PG_OS_USER:-postgres}
# marks a base backup that completed and got its configuration: a directory without it is a broken attempt
READY_MARK=sales_admin_replica.ready

BENCH_DB=${BENCH_DB:-sales_admin_bench}
REPLICA_DB=${REPLICA_DB:-sales_admin_replica}
REPLICA_HTTP_PORT=${REPLICA_HTTP_PORT:-8281}

as_pg() {
    # Run a command as the OS user that owns the clusters (PostgreSQL refuses to run as root).
    if [ "$(id -un)" = "$PG_OS_USER" ]; then
        "$@"
    elif [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n -u "$PG_OS_USER" "$@"
    else
        die "run as root, as $PG_OS_USER, or with password-less sudo: the replica runs as OS user $PG_OS_USER"
    fi
}

primary_sql() { as_pg "$PG_BIN/psql" -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -d postgres -c "$1"; }
replica_sql() { as_pg "$PG_BIN/psql" -X -q -At -h "$PRIMARY_HOST" -p "$REPLICA_PORT" -d postgres -c "$1"; }
is_running() { [ -f "$REPLICA_DIR/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }
is_made() { [ -f "$REPLICA_DIR/$READY_MARK" ]; }

check_primary() {
    [ -x "$PG_BIN/pg_basebackup" ] || die "no $PG_BIN/pg_basebackup (PG_BIN=$PG_BIN)"
    primary_sql "SELECT 1" >/dev/null || die "the primary does not answer on $PRIMARY_HOST port $PRIMARY_PORT"
    local wal_level senders
    wal_level=$(primary_sql "SHOW wal_level")
    senders=$(primary_sql "SHOW max_wal_senders")
    case "$wal_level" in
        replica | logical) ;;
        *) die "the primary has wal_level=$wal_level: streaming needs 'replica' (changing it needs a restart of the primary; not done here)" ;;
    esac
    [ "$senders" -gt 0 ] || die "the primary has max_wal_senders=0 (needs a restart to change; not done here)"
}

write_config() {
    # A Debian cluster keeps postgresql.conf and pg_hba.conf in /etc, so the base backup has none: the replica gets
    # its own. Hot standby needs these limits at least as high as the primary's.
    local dir=$1 setting conf
    conf="# made by sales_admin_addon scripts/replica.sh: hot standby of $PRIMARY_HOST:$PRIMARY_PORT
port = $REPLICA_PORT
listen_addresses = 'localhost'
unix_socket_directories = '/var/run/postgresql'
cluster_name = '15/replica'
hot_standby = on
hot_standby_feedback = on
shared_buffers = 128MB
dynamic_shared_memory_type = posix
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'Etc/UTC'
timezone = 'Etc/UTC'
datestyle = 'iso, mdy'
lc_messages = 'C.UTF-8'
lc_monetary = 'C.UTF-8'
lc_numeric = 'C.UTF-8'
lc_time = 'C.UTF-8'
default_text_search_config = 'pg_catalog.english'
"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
        conf+="$setting = $(primary_sql "SHOW $setting")"$'\n'
    done
    printf '%s' "$conf" | as_pg tee "$dir/postgresql.conf" >/dev/null
    printf '%s\n' "local all all peer" "host all all 127.0.0.1/32 scram-sha-256" "host all all ::1/128 scram-sha-256" |
        as_pg tee "$dir/pg_hba.conf" >/dev/null
    as_pg touch "$dir/pg_ident.conf"
}

make_replica() {
    is_made && return 0
    check_primary
    local tmp="$REPLICA_DIR.partial"
    [ -d "$REPLICA_DIR" ] && { say "removing the unfinished replica in $REPLICA_DIR"; as_pg rm -rf "$REPLICA_DIR"; }
    [ -d "$tmp" ] && as_pg rm -rf "$tmp"
    as_pg mkdir -p "$(dirname "$REPLICA_DIR")"
    say "base backup of $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DIR (-R -X stream; the whole cluster: minutes)"
    local started=$SECONDS
    as_pg "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_OS_USER" -D "$tmp" \
        -R -X stream -c fast --no-password
    write_config "$tmp"
    as_pg chmod 700 "$tmp"
    as_pg touch "$tmp/$READY_MARK"
    as_pg mv "$tmp" "$REPLICA_DIR"
    say "base backup done in $((SECONDS - started)) s ($(as_pg du -sh "$REPLICA_DIR" | cut -f1))"
}

start() {
    make_replica
    if is_running; then
        say "the replica is already running on port $REPLICA_PORT"
    else
        as_pg mkdir -p "$(dirname "$REPLICA_LOG")"
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_LOG" -w -t 300 start >/dev/null ||
            die "the replica did not start: see $REPLICA_LOG"
        say "replica started on port $REPLICA_PORT (log $REPLICA_LOG)"
    fi
    local i
    for i in $(seq 1 120); do
        [ "$(replica_sql "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ] && break
        [ "$i" = 120 ] && die "the replica does not accept read-only connections: see $REPLICA_LOG"
        sleep 1
    done
    # in recovery is not enough: it must stream (a replica stopped for long may need WAL the primary recycled)
    for i in $(seq 1 60); do
        [ "$(replica_sql "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = streaming ] && return 0
        sleep 1
    done
    if grep -q "has already been removed" <(tail -n 50 "$REPLICA_LOG"); then
        die "the replica fell behind the WAL the primary keeps: run '$0 rebuild'"
    fi
    die "the replica does not stream from the primary: see $REPLICA_LOG"
}

stop() {
    if is_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
        say "replica stopped (data kept in $REPLICA_DIR)"
    else
        say "the replica is not running"
    fi
}

status() {
    if ! is_made; then
        echo "replica: not made ($REPLICA_DIR)"
        return 3
    fi
    if ! is_running; then
        echo "replica: stopped (data in $REPLICA_DIR, log $REPLICA_LOG)"
        return 3
    fi
    echo "replica: running on port $REPLICA_PORT, data $REPLICA_DIR, log $REPLICA_LOG"
    replica_sql "SELECT 'in recovery: ' || pg_is_in_recovery()
        || E'\nreceived up to: ' || coalesce(pg_last_wal_receive_lsn()::text, '-')
        || E'\nreplayed up to: ' || coalesce(pg_last_wal_replay_lsn()::text, '-')
        || E'\nlast replayed commit: ' || coalesce(pg_last_xact_replay_timestamp()::text, '-')
        || E'\nwal receiver: ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')"
    primary_sql "SELECT 'primary sees: ' || application_name || ' ' || state || ', replay lag '
        || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) || ' / '
        || coalesce(replay_lag::text, '0') FROM pg_stat_replication WHERE client_addr IS NULL"
}

check() {
    check_db_name "$BENCH_DB"
    check_db_name "$REPLICA_DB"
    start
    if ! db_exists "$REPLICA_DB"; then
        db_exists "$BENCH_DB" || die "no database $BENCH_DB to copy: make bench first (or set BENCH_DB)"
        say "copying $BENCH_DB into $REPLICA_DB (on the primary: streaming brings it to the replica)"
        pg_env createdb -T "$BENCH_DB" "$REPLICA_DB"
    fi
    say "upgrading $ADDON in $REPLICA_DB to this tree"
    odoo_bin -d "$REPLICA_DB" -u "$ADDON" --stop-after-init --no-http --max-cron-threads=0 --log-level=warn
    port_in_use "$HTTP_HOST" "$REPLICA_HTTP_PORT" && die "port $REPLICA_HTTP_PORT is taken: set REPLICA_HTTP_PORT"
    "$VENV/bin/python" "$REPO_ROOT/benchmarks/replica_check.py" -d "$REPLICA_DB" --port "$REPLICA_HTTP_PORT" \
        --db-port "$DB_PORT" --db-user "$DB_USER" --replica-port "$REPLICA_PORT" \
        --odoo-src "$ODOO_SRC" --data-dir "$DATA_DIR"
}

case "${1:-}" in
    start) start ;;
    check) check ;;
    stop) stop ;;
    status) status ;;
    rebuild) stop; as_pg rm -rf "$REPLICA_DIR" "$REPLICA_DIR.partial"; start ;;
    destroy) stop; as_pg rm -rf "$REPLICA_DIR" "$REPLICA_DIR.partial"; say "removed $REPLICA_DIR" ;;
    *) die "usage: $0 {start|stop|status|check|rebuild|destroy}" ;;
esac
