#!/usr/bin/env bash
# make bench [SCALE=10] [SEED_ORDERS=1000] [SEED_CUSTOMERS=0] [POPULATE_MODELS=...] [BENCH_DB=sales_admin_bench]
# [REBUILD=1]: build (or reuse) the benchmark database -- the addon without demo data, a realistic seed made
# through the ORM (benchmarks/seed.py), multiplied with `odoo-bin populate` -- run every benchmarks/bench_*.py and
# append the figures, with the machine they ran on, to benchmarks/RESULTS.md. A benchmark is never part of
# `make test`.
source "$(dirname "$0")/env.sh"

BENCH_DB=${BENCH_DB:-sales_admin_bench}
SCALE=${SCALE:-10}             # populate factor: each multiplied record gets SCALE copies (0: seed only)
SEED_ORDERS=${SEED_ORDERS:-1000}
SEED_CUSTOMERS=${SEED_CUSTOMERS:-0} # customers of the ORM seed (0: a fifth of SEED_ORDERS)
REBUILD=${REBUILD:-0}
# Partners, orders (with their lines) and invoices (with their journal items) are multiplied while no invoice is
# paid yet: populate copies paid invoices without their reconciliation. Payments come after, through the ORM.
# The addon's visits are multiplied with their customers. POPULATE_MODELS may drop account.move for a big SCALE:
# the payments are then registered on the seed's invoices only (registering them on millions takes hours).
POPULATE_MODELS=${POPULATE_MODELS:-res.partner,sale.order,account.move,sales_admin.visit}

check_db_name "$BENCH_DB"
case "$BENCH_DB" in
    sales_admin_test* | sales_admin_demo) die "BENCH_DB=$BENCH_DB is the name of a test or demo database: choose another" ;;
esac
[[ $SCALE =~ ^[0-9]+$ ]] || die "SCALE must be a whole number (the populate factor), not '$SCALE'"
[[ $SEED_ORDERS =~ ^[0-9]+$ ]] && [ "$SEED_ORDERS" -ge 10 ] || die "SEED_ORDERS must be a whole number >= 10, not '$SEED_ORDERS'"
[[ $SEED_CUSTOMERS =~ ^[0-9]+$ ]] || die "SEED_CUSTOMERS must be a whole number (0: a fifth of SEED_ORDERS), not '$SEED_CUSTOMERS'"
[[ $POPULATE_MODELS =~ ^[a-z_.,]+$ ]] || die "POPULATE_MODELS must be model names separated by commas, not '$POPULATE_MODELS'"

BENCH_DIR="$REPO_ROOT/benchmarks"
RESULTS="$BENCH_DIR/RESULTS.md"
stamp_file="$STATE_DIR/$BENCH_DB.bench-stamp"
build_file="$STATE_DIR/$BENCH_DB.bench-build"

bash "$REPO_ROOT/scripts/setup.sh"

# odoo-bin takes a subcommand only as its first argument (or after a lone --addons-path=)
odoo_cmd() {
    local cmd=$1
    shift
    local -a args
    mapfile -t args < <(odoo_args)
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$cmd" "${args[@]}" "$@"
}
# a script of benchmarks/ on the benchmark database, with the project's connection settings
bench_py() {
    local script=$1
    shift
    local -a args
    mapfile -t args < <(odoo_args)
    "$VENV/bin/python" "$script" "${args[@]}" -d "$BENCH_DB" "$@"
}
tree_hash() {
    (cd "$REPO_ROOT" && find "$ADDON" benchmarks/seed.py benchmarks/_common.py -type f ! -name '*.pyc' -print0 |
        sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
analyze_db() { PSQL_DB=$BENCH_DB psql_q "SET client_min_messages = error; ANALYZE"; }
elapsed() { awk -v start="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.1f", now - start }'; }

stamp="scale=$SCALE seed_orders=$SEED_ORDERS seed_customers=$SEED_CUSTOMERS populate=$POPULATE_MODELS tree=$(tree_hash)"

building=0
drop_half_made() {
    if [ "$building" = 1 ]; then
        pg_env dropdb --if-exists "$BENCH_DB" >/dev/null 2>&1 || true
        rm -rf "$DATA_DIR/filestore/$BENCH_DB" "$stamp_file" "$build_file"
    fi
}
trap drop_half_made EXIT
build_step() {
    # build_step "what" command...: run one step of the build, or drop the half-made database and stop
    local what=$1
    shift
    "$@" || die "$what failed (see above): the half-made database '$BENCH_DB' was dropped"
}

reuse=0
if [ "$REBUILD" != 1 ] && db_exists "$BENCH_DB" && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] &&
    [ "$(PSQL_DB=$BENCH_DB psql_q "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null)" = installed ]; then
    reuse=1
    say "reusing '$BENCH_DB' ($stamp; REBUILD=1 to build it again)"
fi

if [ "$reuse" = 0 ]; then
    building=1
    say "building '$BENCH_DB': SCALE=$SCALE, SEED_ORDERS=$SEED_ORDERS"
    pg_env dropdb --if-exists "$BENCH_DB" >/dev/null || die "cannot drop the old benchmark database '$BENCH_DB' (in use?)"
    rm -rf "$DATA_DIR/filestore/$BENCH_DB" "$stamp_file" "$build_file"

    t=$EPOCHREALTIME
    build_step "installing $ADDON" \
        odoo_bin -d "$BENCH_DB" -i "$ADDON" --without-demo=all --stop-after-init --no-http --log-level=warn
    install_s=$(elapsed "$t")

    say "seeding through the ORM: $SEED_ORDERS orders (benchmarks/seed.py --phase base)"
    t=$EPOCHREALTIME
    build_step "the ORM seed" bench_py "$BENCH_DIR/seed.py" --phase base --orders "$SEED_ORDERS" --customers "$SEED_CUSTOMERS"
    seed_s=$(elapsed "$t")

    populate_s=0
    if [ "$SCALE" -gt 0 ]; then
        say "multiplying with odoo-bin populate --models $POPULATE_MODELS --factors $SCALE"
        t=$EPOCHREALTIME
        build_step "odoo-bin populate" \
            odoo_cmd populate -d "$BENCH_DB" --models "$POPULATE_MODELS" --factors "$SCALE" --log-level=info --no-http
        populate_s=$(elapsed "$t")
    fi

    say "registering payments through the ORM (benchmarks/seed.py --phase payments)"
    t=$EPOCHREALTIME
    build_step "registering payments" bench_py "$BENCH_DIR/seed.py" --phase payments --orders "$SEED_ORDERS"
    payments_s=$(elapsed "$t")

    build_step "ANALYZE" analyze_db
    {
        echo "built_at='$(date -u '+%Y-%m-%d %H:%M UTC')'"
        echo "install_s=$install_s seed_s=$seed_s populate_s=$populate_s payments_s=$payments_s"
    } >"$build_file"
    echo "$stamp" >"$stamp_file"
    building=0
    say "built '$BENCH_DB': install ${install_s} s, seed ${seed_s} s, populate ${populate_s} s, payments ${payments_s} s"
fi

# ------------------------------------------------------------------ run the benchmarks
run_at=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)  # other jobs on the machine skew the timings: say so
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
failed=()
for script in "$BENCH_DIR"/bench_*.py; do
    [ -e "$script" ] || continue
    name=$(basename "$script")
    say "running $name"
    set +e
    bench_py "$script" 2>&1 | tee "$out_dir/$name.out"
    rc=${PIPESTATUS[0]}
    set -e
    echo "$rc" >"$out_dir/$name.rc"
    [ "$rc" = 0 ] || failed+=("$name")
done

# ------------------------------------------------------------------ record them
count_sql() {
    # rows of the main tables, and of the addon's own models' tables when they have any
    local -a tables=(res_partner res_users crm_team product_template sale_order sale_order_line stock_picking
        stock_move account_move account_move_line account_payment account_partial_reconcile)
    local own
    own=$(PSQL_DB=$BENCH_DB psql_q "SELECT replace(m.model, '.', '_') FROM ir_model_data d JOIN ir_model m ON m.id = d.res_id
        WHERE d.model = 'ir.model' AND d.module = '$ADDON' ORDER BY 1")
    local table sql="" n=0
    for table in "${tables[@]}" $own; do
        [ "$(PSQL_DB=$BENCH_DB psql_q "SELECT to_regclass('$table') IS NOT NULL AND
            (SELECT relkind FROM pg_class WHERE oid = to_regclass('$table')) = 'r'")" = t ] || continue
        n=$((n + 1))
        sql+="${sql:+ UNION ALL }SELECT $n, '$table', count(*) FROM $table"
    done
    PSQL_DB=$BENCH_DB psql_q "$sql ORDER BY 1" | awk -F'|' '{ printf "| %s | %d |\n", $2, $3 }'
}
breakdown() {
    PSQL_DB=$BENCH_DB psql_q "$1" | paste -sd, - | sed 's/|/: /g; s/,/, /g'
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown OS}")
pg_version=$(PSQL_DB=$BENCH_DB psql_q "SHOW server_version")
py_version=$("$VENV/bin/python" -c 'import platform; print(platform.python_version())')
odoo_version=$("$VENV/bin/python" -c 'import odoo.release as r; print(r.version)')
install_s=? seed_s=? populate_s=? payments_s=? built_at=?
# shellcheck disable=SC1090
[ ! -f "$build_file" ] || . "$build_file"
if [ "$reuse" = 1 ]; then
    build_note="reused, built $built_at"
else
    build_note="built for this run"
fi

[ -f "$RESULTS" ] || cat >"$RESULTS" <<'EOF'
# Benchmark results

Appended by `make bench` (scripts/bench.sh), newest last: the machine, the scale, what `odoo-bin populate`
multiplied, the row counts and each script's output. What the scripts measure: [README.md](README.md).
EOF

{
    echo
    echo "## $run_at: SCALE=$SCALE, SEED_ORDERS=$SEED_ORDERS, SEED_CUSTOMERS=$SEED_CUSTOMERS"
    echo
    echo "- Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $mem RAM; $os, Linux $(uname -r)"
    echo "- Load average (1, 5, 15 min) before the benchmarks: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Software: PostgreSQL $pg_version, Python $py_version, Odoo $odoo_version"
    echo "- Database \`$BENCH_DB\` ($build_note): install ${install_s} s, ORM seed ${seed_s} s," \
        "populate ${populate_s} s, ORM payments ${payments_s} s"
    if [ "$SCALE" -gt 0 ]; then
        echo "- Multiplied: \`odoo-bin populate --models $POPULATE_MODELS --factors $SCALE\` copied every record of" \
            "these models (an order with its lines, an invoice with its journal items) $SCALE times, before any" \
            "payment existed; copied orders have no deliveries and no invoice links. Users, products, deliveries and" \
            "payments were not multiplied; the payments were registered afterwards through the ORM, on the invoices" \
            "then in the database. The stored visit cadence of all partners was then recomputed in one SQL UPDATE" \
            "(seed.py \`_refresh_visit_cadence\`)."
    else
        echo "- Multiplied: nothing (SCALE=0, the ORM seed only)."
    fi
    echo "- Invoices by payment state: $(breakdown "SELECT payment_state, count(*) FROM account_move
        WHERE move_type = 'out_invoice' AND state = 'posted' GROUP BY 1 ORDER BY 1")"
    echo "- Deliveries by state: $(breakdown "SELECT p.state, count(*) FROM stock_picking p
        JOIN stock_picking_type t ON t.id = p.picking_type_id WHERE t.code = 'outgoing' GROUP BY 1 ORDER BY 1")"
    echo "- Orders by state: $(breakdown "SELECT state, count(*) FROM sale_order GROUP BY 1 ORDER BY 1")"
    if [ "$(PSQL_DB=$BENCH_DB psql_q "SELECT to_regclass('sales_admin_visit') IS NOT NULL")" = t ]; then
        echo "- Customers (commercial entities, customer_rank > 0): $(PSQL_DB=$BENCH_DB psql_q "SELECT count(*)
            FROM res_partner WHERE active AND parent_id IS NULL AND customer_rank > 0")," \
            "with a visit cadence: $(PSQL_DB=$BENCH_DB psql_q "SELECT count(*) FROM res_partner
            WHERE active AND parent_id IS NULL AND customer_rank > 0 AND visit_frequency_effective > 0")"
        echo "- Visits by state: $(breakdown "SELECT state, count(*) FROM sales_admin_visit GROUP BY 1 ORDER BY 1")"
    fi
    echo
    echo "| Table | Rows |"
    echo "|---|---:|"
    count_sql
    for out in "$out_dir"/*.out; do
        [ -e "$out" ] || continue
        name=$(basename "$out" .out)
        rc=$(cat "$out_dir/$name.rc")
        echo
        if [ "$rc" = 0 ]; then echo "### $name"; else echo "### $name (FAILED, exit $rc)"; fi
        echo
        echo '```text'
        cat "$out"
        echo '```'
    done
} >>"$RESULTS"
say "results appended to ${RESULTS#"$REPO_ROOT"/}"

[ ${#failed[@]} = 0 ] || die "benchmarks failed: ${failed[*]} (output recorded in benchmarks/RESULTS.md)"
