#!/usr/bin/env bash
# make test-core: Odoo's own test suites of the modules our addon builds on (sale, sale_stock, sale_management,
# account, stock, mass_mailing, survey, calendar, portal), run by Odoo's test runner on a database where
# sales_admin_addon is installed, with demo data (Odoo's suites expect it). Not part of `make test`: it takes hours
# on a small machine.
#
# How, and why this way:
# 1. A fresh database CORE_DB gets `-i sales_admin_addon` with demo data (which installs the nine modules and what
#    they auto-install), with no test running during the installation.
# 2. scripts/test_core_runner.py is odoo-bin's server (same options, HTTP server for the tours, Chromium) whose
#    registry pre-load runs, in the COMPLETE registry (our addon loaded), each module's at_install suite then each
#    module's post_install suite, built and run by Odoo's own loader (odoo.tests.loader.make_suite/run_suite).
#    Plain `odoo-bin -i sales_admin_addon --test-tags /sale,...` would run sale's at_install tests while sale is
#    being installed, before our addon is even in the registry (Odoo runs at_install tests right after loading each
#    module, in a registry that holds only the modules loaded so far): they would pass or fail without our code,
#    so they would prove nothing about it. Here every test, at_install and post_install, runs with our models,
#    fields, overrides, record rules and data in place. The price: a few at_install tests assume only their own
#    module's dependencies are installed and fail in any complete registry (e.g. sale's with sale_stock): those
#    are told apart by a baseline database with the same modules and no sales_admin_addon (CORE_BASELINE_DB, see
#    benchmarks/core_known_failures.txt), never by skipping or changing a test.
# 3. The log is parsed: one line per module and phase (tests, failures, errors, skipped), Odoo's own total, and the
#    failing tests compared with benchmarks/core_known_failures.txt (each line a test that fails on the baseline
#    database without our addon too, with that evidence). Exit status 0 only when no other test failed and every
#    module ran.
#
# Settings: CORE_DB (sales_admin_core), CORE_MODULES (the nine), CORE_TAGS (Odoo --test-tags, default one /module
# per module; e.g. CORE_TAGS=/sale:TestSaleFlow.test_qty_delivered to rerun one test), CORE_REUSE=1 (keep an
# existing CORE_DB instead of rebuilding it; also for a baseline database), CORE_POSITIONS (at_install,post_install;
# one of them to split a long run), CORE_PORT (HTTP port of the test
# server, 8169), CORE_LOG ($STATE_DIR/test-core.log), CORE_KNOWN (benchmarks/core_known_failures.txt).
source "$(dirname "$0")/env.sh"

CORE_DB=${CORE_DB:-sales_admin_core}
CORE_MODULES=${CORE_MODULES:-sale,sale_stock,sale_management,account,stock,mass_mailing,survey,calendar,portal}
CORE_TAGS=${CORE_TAGS:-$(sed -E 's#(^|,)#\1/#g' <<<"$CORE_MODULES")}
CORE_POSITIONS=${CORE_POSITIONS:-at_install,post_install}
CORE_PORT=${CORE_PORT:-8169}
CORE_LOG=${CORE_LOG:-$STATE_DIR/test-core.log}
CORE_KNOWN=${CORE_KNOWN:-$REPO_ROOT/benchmarks/core_known_failures.txt}
check_db_name "$CORE_DB"
[[ $CORE_MODULES =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "invalid CORE_MODULES '$CORE_MODULES'"

bash "$REPO_ROOT/scripts/setup.sh" --test
mkdir -p "$STATE_DIR"
port_in_use 127.0.0.1 "$CORE_PORT" && die "port $CORE_PORT is in use (set CORE_PORT)"

if [ "${CORE_REUSE:-0}" = 1 ] && db_exists "$CORE_DB"; then
    say "reusing the database '$CORE_DB'"
else
    say "creating a fresh database '$CORE_DB' with $ADDON and demo data"
    pg_env dropdb --if-exists "$CORE_DB" >/dev/null 2>&1 || pg_env dropdb --if-exists --force "$CORE_DB" >/dev/null ||
        die "cannot drop the old database '$CORE_DB' (in use?)"
    rm -rf "$DATA_DIR/filestore/$CORE_DB"
    odoo_bin -d "$CORE_DB" -i "$ADDON" --stop-after-init --no-http --workers 0 --max-cron-threads 0 \
        --log-level=warn || die "installing $ADDON with demo data in '$CORE_DB' failed (see above)"
fi

say "running Odoo's tests of $CORE_MODULES in the complete registry of '$CORE_DB' (log: $CORE_LOG)"
mapfile -t args < <(odoo_args)
start=$(date +%s)
set +e
CORE_MODULES=$CORE_MODULES CORE_POSITIONS=$CORE_POSITIONS ODOO_SRC=$ODOO_SRC "$VENV/bin/python" "$REPO_ROOT/scripts/test_core_runner.py" \
    "${args[@]}" -d "$CORE_DB" --test-tags "$CORE_TAGS" --stop-after-init --workers 0 --max-cron-threads 0 \
    --http-interface 127.0.0.1 --http-port "$CORE_PORT" --log-level info >"$CORE_LOG" 2>&1
runner_rc=$?
set -e
say "the tests ran for $(($(date +%s) - start)) s (runner exit status $runner_rc)"

"$VENV/bin/python" - "$CORE_LOG" "$CORE_KNOWN" "$CORE_MODULES" "$CORE_POSITIONS" <<'PY'
import re
import sys

log_path, known_path, modules, positions = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
stats = {}  # (module, position) -> dict
failing = {}  # "module:Class.method" -> kind
total = None
line_re = re.compile(
    r"core-tests: module=(\w+) position=(\w+) tests=(\d+) failures=(\d+) errors=(\d+) skipped=(\d+) seconds=([\d.]+)"
)
fail_re = re.compile(r" ERROR \S+ ([\w.]+): (FAIL|ERROR): (.*)$")
class_re = re.compile(r"^(\w+) \(odoo\.addons\.(\w+)\.[\w.]*\.(\w+)\)")  # setUpClass (odoo.addons.m.tests.f.C)


def test_id(logger, description):
    """module:Class.method of a FAIL/ERROR line (subtests and class set-up errors too), or None."""
    if m := class_re.match(description):
        return f"{m[2]}:{m[3]}.{m[1]}"
    description = description.removeprefix("Subtest ").split(" ", 1)[0]
    if m := re.match(r"odoo\.addons\.(\w+)\.", logger):
        return f"{m[1]}:{description}"
    return None

with open(log_path, encoding="utf-8", errors="replace") as log:
    for line in log:
        if m := line_re.search(line):
            stats[m[1], m[2]] = {k: float(v) for k, v in zip(("tests", "failures", "errors", "skipped", "s"), m.groups()[2:])}
        elif (m := fail_re.search(line)) and (tid := test_id(m[1], m[3].strip())):
            failing.setdefault(tid, m[2])
        elif "when loading database" in line:
            total = line.split(" odoo.tests.result: ", 1)[-1].strip()
known = {}
try:
    with open(known_path, encoding="utf-8") as f:
        for raw in f:
            entry = raw.split("#", 1)[0].strip()
            if entry:
                known[entry.split()[0]] = raw.strip()
except FileNotFoundError:
    pass

print(f"\n{'module':<16} {'position':<13} {'tests':>6} {'failures':>8} {'errors':>6} {'skipped':>7} {'seconds':>8}")
sums = [0, 0, 0, 0]
missing = []
for position in positions:
    for module in modules:
        s = stats.get((module, position))
        if s is None:
            missing.append(f"{module} ({position})")
            continue
        print(f"{module:<16} {position:<13} {s['tests']:>6.0f} {s['failures']:>8.0f} {s['errors']:>6.0f} {s['skipped']:>7.0f} {s['s']:>8.0f}")
        for i, k in enumerate(("tests", "failures", "errors", "skipped")):
            sums[i] += s[k]
print(f"{'total':<30} {sums[0]:>6.0f} {sums[1]:>8.0f} {sums[2]:>6.0f} {sums[3]:>7.0f}")
print(f"odoo: {total or 'no final report (the run did not finish)'}")
expected = sorted(t for t in failing if t in known)
unexpected = sorted(t for t in failing if t not in known)
for t in expected:
    print(f"known failure (fails without {'sales_admin_addon'} too): {failing[t]} {t}")
for t in unexpected:
    print(f"NEW FAILURE: {failing[t]} {t}")
if missing:
    print("did not run: " + ", ".join(missing))
ok = not unexpected and not missing and total is not None
print("test-core: " + ("passed" if ok else "FAILED") + f" ({len(unexpected)} unexpected, {len(expected)} known failing tests)")
sys.exit(0 if ok else 1)
PY
