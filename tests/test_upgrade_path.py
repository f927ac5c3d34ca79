"""The upgrade path: the first released version of the addon, with data in every model, upgraded to this one, then
uninstalled.

As an administrator would do it, with ``odoo-bin`` in subprocesses on a scratch database:

1. the addon of the first release (git tag ``v18.0.1.0.0``; the parent of commit 93154e1 when the clone has no
   tags) is taken from git into a temporary addons folder and installed with demo data;
2. every model of the addon gets rows: the demo fills most, a shell script of the old version fills the others
   (transient, abstract and SQL-view models have no rows of their own: they are listed and left out);
3. the rows of the addon's tables and the addon's columns on Odoo's tables are recorded, every column;
4. the addon is upgraded with this checkout's code (``-u``): the version is the manifest's, every row is still
   there with the values it had, the new fields are filled (``sales_admin.ticket.partner_user_id``) and the
   migration rewrote the salespeople's ticket rule;
5. the addon is uninstalled: Odoo's own data (partners, orders and lines, invoices and lines, payments, deliveries,
   stock moves, calendar events, the activities of Odoo's records, mailing lists and contacts, surveys and their
   answers, tags, teams, users) is what it was, row by row, but for the columns of our fields, which are gone with
   our tables.

About 4 minutes on a quiet 2-core machine, most of it the install of Odoo's modules with demo data. Settings
(environment): ``SALES_ADMIN_UPGRADE_TEMPLATE``, a database of the first release with demo data made before, copied
instead of installing (faster reruns while working on a migration); ``SALES_ADMIN_KEEP_UPGRADE_DB=1`` keeps the
scratch database for a look afterwards. ``make test-upgrade`` runs this test alone.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import odoo
from odoo.sql_db import db_connect
from odoo.tools import SQL

from .common import ADDON
from .test_lifecycle import _drop, _scalar

REPO = Path(__file__).resolve().parent.parent
FIRST_RELEASE = "18.0.1.0.0"
FIRST_RELEASE_TAG = f"v{FIRST_RELEASE}"
# the commit after the first release, for clones without tags
AFTER_FIRST_RELEASE = "93154e1"
TICKET_RULE_DOMAIN = (
    "['|', '|', ('partner_user_id', '=', user.id), ('user_id', '=', user.id), ('create_uid', '=', user.id)]"
)

# Odoo's own data the uninstall must leave as it was (the columns of our fields excepted, they go with the addon)
ODOO_TABLES = {
    "res_partner": "TRUE",
    "res_partner_category": "TRUE",
    "res_users": "TRUE",
    "crm_team": "TRUE",
    "product_template": "TRUE",
    "sale_order": "TRUE",
    "sale_order_line": "TRUE",
    "account_move": "TRUE",
    "account_move_line": "TRUE",
    "account_payment": "TRUE",
    "stock_picking": "TRUE",
    "stock_move": "TRUE",
    "calendar_event": "TRUE",
    "mail_activity": "res_model NOT LIKE 'sales_admin.%'",
    "mailing_list": "TRUE",
    "mailing_contact": "TRUE",
    "mailing_subscription": "TRUE",
    "survey_survey": "TRUE",
    "survey_user_input": "TRUE",
    "survey_user_input_line": "TRUE",
}

# Run in ``odoo-bin shell`` with the first release's code: rows for the models the demo leaves empty, then the
# kind and row count of every model of the addon, printed as one JSON line.
POPULATE = """
import json
from datetime import timedelta
from odoo import Command, fields

today = fields.Date.today()
company = env.company
tags = env["sales_admin.need.tag"].create([{"name": "Upgrade: delivery by crane"}, {"name": "Upgrade: pallets"}])
customers = env["res.partner"].search([("customer_rank", ">", 0), ("parent_id", "=", False)], limit=3)
customers.write({"sales_admin_need_tag_ids": [Command.set(tags.ids)]})
pack = env["sales_admin.report.pack"].search([], limit=1)
pack._create_logs(today)
Snapshot = env["sales_admin.weekly.snapshot"]
week = env["sales_admin.weekly.report"]._week_bounds(company, today)[0]
for back in range(1, 27):
    snapshot = Snapshot._take_snapshot(company, week - timedelta(weeks=back))
    if snapshot.line_ids:
        break
env.flush_all()
models = {}
for name in sorted(env.registry):
    if not name.startswith("sales_admin."):
        continue
    model = env[name]
    if model._abstract:
        kind = "abstract"
    elif model._transient:
        kind = "transient"
    elif not model._auto or model._table_query:
        kind = "sql view"
    else:
        kind = "table"
    count = model.with_context(active_test=False).search_count([]) if kind == "table" else None
    models[name] = {"kind": kind, "table": model._table, "count": count}
print("UPGRADE_MODELS " + json.dumps(models))
env.cr.commit()
"""


def _copy_db(template, db):
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(db), SQL.identifier(template)))
    source = Path(odoo.tools.config.filestore(template))
    if source.is_dir():
        shutil.copytree(source, odoo.tools.config.filestore(db))


def _git(*args):
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)


def _first_release_commit():
    """The commit of the first release: its tag, else the parent of the commit that followed it."""
    for rev in (f"{FIRST_RELEASE_TAG}^{{commit}}", f"{AFTER_FIRST_RELEASE}^"):
        proc = _git("rev-parse", "--verify", "--quiet", rev)
        if proc.returncode == 0:
            commit = proc.stdout.strip()
            manifest = _git("show", f"{commit}:{ADDON}/__manifest__.py").stdout
            assert f'"version": "{FIRST_RELEASE}"' in manifest, f"{rev} is not the addon's {FIRST_RELEASE}"
            return commit
    raise AssertionError(
        f"neither {FIRST_RELEASE_TAG} nor {AFTER_FIRST_RELEASE} is in this clone: fetch the tags or the history "
        "(git fetch --tags --unshallow)"
    )


def _extract(commit, target):
    archive = Path(target) / "addon.tar"
    proc = subprocess.run(
        ["git", "archive", "--format=tar", f"--output={archive}", commit, ADDON],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return str(Path(target))


def _addons_path(addon_dir):
    """The configured addons path with this checkout replaced by ``addon_dir``."""
    paths = [
        path
        for path in odoo.tools.config["addons_path"].split(",")
        if path and not (Path(path) / ADDON / "__manifest__.py").exists()
    ]
    return ",".join([*paths, addon_dir])


def _odoo(db, addons_path, *args, stdin=None):
    cfg = odoo.tools.config
    cmd = [
        sys.executable,
        str(Path(odoo.__file__).resolve().parent.parent / "odoo-bin"),
        *args,
        f"--database={db}",
        f"--addons-path={addons_path}",
        f"--data-dir={cfg['data_dir']}",
        f"--db_port={cfg['db_port'] or 5432}",
        f"--db_user={cfg['db_user']}",
        "--log-level=warn",
        "--no-http",
    ]
    if args[0] != "shell":
        cmd.append("--stop-after-init")
    if cfg["db_host"]:
        cmd.append(f"--db_host={cfg['db_host']}")
    if cfg["db_password"]:
        cmd.append(f"--db_password={cfg['db_password']}")
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=1200, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"odoo-bin {' '.join(args)} failed on {db}:\n{log[-4000:]}"
    problems = [line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL) ", line) or "Traceback" in line]
    assert not problems, f"odoo-bin {' '.join(args)} on {db} logged:\n" + "\n".join(problems)
    return log


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def _rows(cr, table, columns, where="TRUE"):
    """{id: {column: value as text}} of ``table``."""
    columns = sorted(columns)
    select = ", ".join(f'"{column}"::text' for column in columns)
    cr.execute(f'SELECT id, {select} FROM "{table}" WHERE {where}')  # noqa: S608 -- names from the catalogue
    return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in cr.fetchall()}


def _our_columns(cr):
    """{table: {column}} of the stored fields the addon adds to other modules' models."""
    cr.execute(
        """
        SELECT f.model, f.name
          FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id AND d.module = %s
         WHERE f.store AND f.ttype NOT IN ('one2many', 'many2many') AND f.model NOT LIKE 'sales_admin.%%'
        """,
        [ADDON],
    )
    columns = {}
    for model, name in cr.fetchall():
        columns.setdefault(model.replace(".", "_"), set()).add(name)
    return {table: names for table, names in columns.items() if _columns(cr, table)}


def _our_tables(cr):
    cr.execute(
        """
        SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name LIKE 'sales\\_admin\\_%%'
        UNION
        SELECT f.relation_table
          FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id AND d.module = %s
         WHERE f.ttype = 'many2many' AND f.relation_table IS NOT NULL
        """,
        [ADDON],
    )
    return {row[0] for row in cr.fetchall() if row[0]}


def _snapshot_ours(db):
    """Every row of the addon's tables (relation tables included) and of its columns on Odoo's tables."""
    with db_connect(db).cursor() as cr:
        data = {}
        for table in sorted(_our_tables(cr)):
            columns = _columns(cr, table) - {"write_date", "write_uid"}
            if "id" in columns:
                data[table] = _rows(cr, table, columns - {"id"})
            else:  # a relation table: its rows are the pairs
                cr.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                data[table] = {tuple(map(str, row)): {} for row in cr.fetchall()}
        for table, columns in sorted(_our_columns(cr).items()):
            data[f"{table} ({ADDON} columns)"] = _rows(cr, table, columns)
        return data


# rows that go with their parent row
CASCADES = {
    "sale_order_line": ("order_id", "sale_order"),
    "account_move_line": ("move_id", "account_move"),
    "stock_move": ("picking_id", "stock_picking"),
    "mailing_subscription": ("list_id", "mailing_list"),
    "survey_user_input_line": ("user_input_id", "survey_user_input"),
}


def _owned_rows(cr):
    """{table: ids} of the rows of Odoo's tables that belong to the addon, so go with it: its own records (demo and
    data, by their XML ids), the records attached to its models (``res_model``), and the lines of those."""
    owned = {}
    for table in ODOO_TABLES:
        cr.execute(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND model = %s", [ADDON, table.replace("_", ".")]
        )
        owned[table] = {row[0] for row in cr.fetchall()}
        if "res_model" in _columns(cr, table):
            cr.execute(f"SELECT id FROM \"{table}\" WHERE res_model LIKE 'sales_admin.%'")  # noqa: S608
            owned[table] |= {row[0] for row in cr.fetchall()}
    for table, (column, parent) in CASCADES.items():
        if owned[parent]:
            cr.execute(f'SELECT id FROM "{table}" WHERE "{column}" = ANY(%s)', [list(owned[parent])])  # noqa: S608
            owned[table] |= {row[0] for row in cr.fetchall()}
    return owned


def _snapshot_odoo(db):
    with db_connect(db).cursor() as cr:
        return {table: _rows(cr, table, _columns(cr, table) - {"id"}, where) for table, where in ODOO_TABLES.items()}


def _diff(before, after, what):
    """The differences of two {table: {key: {column: value}}}, on the columns both have, as readable lines."""
    problems = []
    for table, rows in before.items():
        now = after.get(table)
        if now is None:
            problems.append(f"{what}: table {table} is gone")
            continue
        lost = sorted(set(rows) - set(now), key=str)
        if lost:
            problems.append(f"{what}: {table} lost {len(lost)} rows, e.g. {lost[:5]}")
        changed = []
        for key in set(rows) & set(now):
            columns = set(rows[key]) & set(now[key])
            changed += [
                (key, column, rows[key][column], now[key][column])
                for column in sorted(columns)
                if rows[key][column] != now[key][column]
            ]
        if changed:
            problems.append(f"{what}: {table} has {len(changed)} changed values, e.g. {changed[:5]}")
    return problems


def test_upgrade_from_first_release_then_uninstall():
    db = f"{odoo.tools.config['db_name']}_upgrade_path"
    version = odoo.modules.module.get_manifest(ADDON)["version"]
    assert version != FIRST_RELEASE
    commit = _first_release_commit()
    _drop(db)
    with tempfile.TemporaryDirectory(prefix="sales_admin_first_release_") as old_dir:
        old_path = _addons_path(_extract(commit, old_dir))
        try:
            # 1-2. the first release with demo data, and rows in every model
            template = os.environ.get("SALES_ADMIN_UPGRADE_TEMPLATE")
            if template:  # a database of the first release with demo data, made before (faster reruns)
                _copy_db(template, db)
            else:
                _odoo(db, old_path, "--init", ADDON)
            assert _scalar(db, "SELECT latest_version FROM ir_module_module WHERE name = %s", (ADDON,)) == FIRST_RELEASE
            log = _odoo(db, old_path, "shell", stdin=POPULATE)
            models = json.loads(log.split("UPGRADE_MODELS ", 1)[1].splitlines()[0])
            empty = sorted(name for name, model in models.items() if model["kind"] == "table" and not model["count"])
            assert not empty, f"models without rows before the upgrade: {empty}"
            without_rows = {name: model["kind"] for name, model in models.items() if model["kind"] != "table"}
            print(f"{sum(m['kind'] == 'table' for m in models.values())} models with rows; left out: {without_rows}")
            ours_before = _snapshot_ours(db)

            # 3-4. the upgrade with this checkout's code
            new_path = odoo.tools.config["addons_path"]
            _odoo(db, new_path, "--update", ADDON)
            assert _scalar(db, "SELECT latest_version FROM ir_module_module WHERE name = %s", (ADDON,)) == version
            ours_after = _snapshot_ours(db)
            problems = _diff(ours_before, ours_after, "upgrade")
            assert not problems, "\n".join(problems)
            print(
                f"upgrade {FIRST_RELEASE} -> {version}: {len(ours_before)} tables,"
                f" {sum(map(len, ours_before.values()))} rows of the addon kept with every value"
            )
            # the new stored field is filled for every ticket: the customer's salesperson
            assert _scalar(db, "SELECT count(*) FROM sales_admin_ticket") > 0
            assert (
                _scalar(
                    db,
                    """SELECT count(*) FROM sales_admin_ticket t LEFT JOIN res_partner p ON p.id = t.partner_id
                        WHERE t.partner_user_id IS DISTINCT FROM p.user_id""",
                )
                == 0
            ), "partner_user_id not filled by the upgrade"
            assert _scalar(db, "SELECT count(*) FROM sales_admin_ticket WHERE partner_user_id IS NOT NULL") > 0
            rule_domain = _scalar(
                db,
                """SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.model = 'ir.rule' AND d.res_id = r.id
                    WHERE d.module = %s AND d.name = 'sales_admin_ticket_rule_salesman'""",
                (ADDON,),
            )
            assert rule_domain == TICKET_RULE_DOMAIN, f"the ticket rule was not migrated: {rule_domain}"

            # 5. the uninstall leaves Odoo's data as it was
            with db_connect(db).cursor() as cr:
                our_columns = _our_columns(cr)
                our_tables = _our_tables(cr)
                columns_before = {table: _columns(cr, table) for table in ODOO_TABLES}
                owned = _owned_rows(cr)
            odoo_before = _snapshot_odoo(db)
            _odoo(
                db,
                new_path,
                "shell",
                stdin=f"env['ir.module.module'].search([('name', '=', '{ADDON}')]).button_immediate_uninstall()\n",
            )
            assert _scalar(db, "SELECT state FROM ir_module_module WHERE name = %s", (ADDON,)) == "uninstalled"
            odoo_after = _snapshot_odoo(db)
            # the addon's own rows go with it, and only those
            for table, rows in odoo_before.items():
                gone = set(rows) - set(odoo_after[table])
                assert gone == owned[table] & set(rows), f"{table}: {sorted(gone)} gone, the addon owned {owned[table]}"
                for key in gone:
                    del rows[key]
            problems = _diff(odoo_before, odoo_after, "uninstall")
            assert not problems, "\n".join(problems)
            print(
                f"uninstall: {sum(map(len, odoo_before.values()))} rows of {len(ODOO_TABLES)} Odoo tables unchanged;"
                f" gone with the addon: { {table: len(ids) for table, ids in owned.items() if ids} }"
            )
            with db_connect(db).cursor() as cr:
                left_tables = {table for table in our_tables | _our_tables(cr) if _columns(cr, table)}
                left_columns = {
                    f"{table}.{column}"
                    for table, columns in our_columns.items()
                    for column in columns & _columns(cr, table)
                }
                columns_after = {table: _columns(cr, table) for table in ODOO_TABLES}
            assert not left_tables, f"tables left by the uninstall: {sorted(left_tables)}"
            assert not left_columns, f"columns left by the uninstall: {sorted(left_columns)}"
            # only our columns went away from Odoo's tables
            for table in ODOO_TABLES:
                gone = columns_before[table] - columns_after[table]
                assert gone <= our_columns.get(table, set()), f"{table} lost columns that are not ours: {gone}"
        finally:
            if not os.environ.get("SALES_ADMIN_KEEP_UPGRADE_DB"):
                _drop(db)
