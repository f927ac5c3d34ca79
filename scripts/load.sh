#!/usr/bin/env bash
# make load [DURATION=600] [USERS=50] [MAX_REQUESTS=200000] [THINK=1] [CRON_EVERY=45] [WORKERS=4] [WORKERS_B=2]
# [LOAD_DB=sales_admin_load] [BENCH_DB=sales_admin_bench] [LOAD_PORTS=8272,8273] [LOAD_GEVENT_PORTS=9272,9273]
# [DB_MAXCONN=8] [APPEND=1] [KEEP=0] [BUILD_BENCH=0]
# Multi-worker load (benchmarks/load.py): a copy of the benchmark database served by two Odoo servers in
# multi-process mode (WORKERS + a cron worker, WORKERS_B + a cron worker; WORKERS_B=0: one server), USERS users
# playing the day's work over JSON-RPC for DURATION seconds, then checks of the data. The report is appended to
# benchmarks/RESULTS.md (APPEND=0: printed only). Never part of `make test`.
source "$(dirname "$0")/env.sh"

export BENCH_DB=${BENCH_DB:-sales_admin_bench}
export LOAD_DB=${LOAD_DB:-sales_admin_load}
APPEND=${APPEND:-1}
KEEP=${KEEP:-0}
BUILD_BENCH=${BUILD_BENCH:-0}
check_db_name "$BENCH_DB"
check_db_name "$LOAD_DB"
[ "$LOAD_DB" != "$BENCH_DB" ] || die "LOAD_DB must be a copy, not the benchmark database itself"
case "$LOAD_DB" in
    sales_admin_test* | sales_admin_demo) die "LOAD_DB=$LOAD_DB is the name of a test or demo database: choose another" ;;
esac
for var in DURATION USERS MAX_REQUESTS WORKERS WORKERS_B DB_MAXCONN; do
    value=${!var:-}
    [ -z "$value" ] || [[ $value =~ ^[0-9]+$ ]] || die "$var must be a whole number, not '$value'"
done
[ "${USERS:-50}" -ge 3 ] || die "USERS must be at least 3 (one of each role)"

bash "$REPO_ROOT/scripts/setup.sh"
if ! db_exists "$BENCH_DB"; then
    [ "$BUILD_BENCH" = 1 ] || die "no benchmark database '$BENCH_DB': run make bench first (or BUILD_BENCH=1)"
    bash "$REPO_ROOT/scripts/bench.sh"
fi

args=()
[ "$APPEND" = 1 ] && args+=(--append)
[ "$KEEP" = 1 ] && args+=(--keep)
mapfile -t odoo_opts < <(odoo_args)
exec "$VENV/bin/python" "$REPO_ROOT/benchmarks/load.py" "${args[@]}" "${odoo_opts[@]}"
