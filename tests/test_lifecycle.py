"""Install, upgrade and uninstall the addon on fresh databases, with and without demo data.

Each run builds its own databases with ``odoo-bin`` (the same way an administrator would), so it does not
touch the database the rest of the suite runs on. After the uninstall, the catalogue of the database (models,
fields, menus, views, crons, record rules, access rights, groups, tables and columns) must be exactly what it
was before the install, and Odoo's own sale and invoice data must be unchanged.
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

import odoo
from odoo.sql_db import close_db, db_connect
from odoo.tools import SQL

from .common import ADDON

DEPENDS = ",".join(odoo.modules.module.get_manifest(ADDON)["depends"])

# (what, query) pairs whose rows must come back exactly after an uninstall
CATALOGUE = {
    "models": "SELECT model FROM ir_model",
    "fields": "SELECT model || '.' || name FROM ir_model_fields",
    "menus": "SELECT id::text FROM ir_ui_menu",
    "views": "SELECT id::text FROM ir_ui_view",
    "crons": "SELECT id::text FROM ir_cron",
    "record rules": "SELECT id::text FROM ir_rule",
    "access rights": "SELECT id::text FROM ir_model_access",
    "groups": "SELECT id::text FROM res_groups",
    "implied groups": "SELECT gid || '>' || hid FROM res_groups_implied_rel",
    "actions": "SELECT id::text FROM ir_act_window",
    "tables": "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    "columns": "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'",
    "sequences": "SELECT id::text FROM ir_sequence",
    "mail templates": "SELECT id::text FROM mail_template",
}

# Odoo's own business data that our addon must never change
BUSINESS_DATA = {
    "sale orders": "SELECT id, name, state, partner_id, amount_total, write_date FROM sale_order",
    "order lines": "SELECT id, order_id, product_id, product_uom_qty, price_subtotal FROM sale_order_line",
    "invoices": "SELECT id, name, state, move_type, partner_id, amount_total, payment_state, write_date"
    " FROM account_move",
    "invoice lines": "SELECT id, move_id, account_id, balance FROM account_move_line",
    "payments": "SELECT id, move_id, amount, state FROM account_payment",
    "deliveries": "SELECT id, name, state, scheduled_date FROM stock_picking",
}


def _odoo(db, *args, stdin=None):
    cfg = odoo.tools.config
    cmd = [
        sys.executable,
        str(Path(odoo.__file__).resolve().parent.parent / "odoo-bin"),
        *args,
        f"--database={db}",
        f"--addons-path={cfg['addons_path']}",
        f"--data-dir={cfg['data_dir']}",
        f"--db_port={cfg['db_port'] or 5432}",
        f"--db_user={cfg['db_user']}",
        "--log-level=warn",
        "--stop-after-init",
        "--no-http",
    ]
    if cfg["db_host"]:
        cmd.append(f"--db_host={cfg['db_host']}")
    if cfg["db_password"]:
        cmd.append(f"--db_password={cfg['db_password']}")
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=1200, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"odoo-bin {' '.join(args)} failed on {db}:\n{log[-4000:]}"
    problems = [
        line
        for line in log.splitlines()
        if re.search(r" (ERROR|CRITICAL) ", line)
        or (" WARNING " in line and (ADDON in line or "demo data failed to install" in line))
    ]
    assert not problems, f"odoo-bin {' '.join(args)} on {db} logged:\n" + "\n".join(problems)
    return log


def _rows(db, queries):
    with db_connect(db).cursor() as cr:
        result = {}
        for what, query in queries.items():
            cr.execute(query)
            result[what] = set(cr.fetchall())
        return result


def _scalar(db, query, params=()):
    with db_connect(db).cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def _drop(db):
    # not odoo.service.db.exp_drop: it only sees the databases the server is configured for. No FORCE either:
    # it would have to terminate autovacuum workers, which our role may not; a plain DROP stops those itself.
    close_db(db)
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        for attempt in range(10):
            try:
                cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(db)))
                break
            except psycopg2.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(1)
        cr.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (db,))
        assert cr.fetchone()[0] == 0, f"database {db} is still there"
    shutil.rmtree(odoo.tools.config.filestore(db), ignore_errors=True)


def _lifecycle(demo):
    db = f"{odoo.tools.config['db_name']}_lifecycle_{'demo' if demo else 'nodemo'}"
    _drop(db)
    demo_args = [] if demo else ["--without-demo=all"]
    try:
        _odoo(db, "--init", DEPENDS, *demo_args)
        before_catalogue = _rows(db, CATALOGUE)
        before_data = _rows(db, BUSINESS_DATA)
        if demo:
            assert before_data["sale orders"], "Odoo's demo data should hold sale orders"

        _odoo(db, "--init", ADDON, *demo_args)
        state, version, with_demo = _scalar(
            db, "SELECT ARRAY[state, latest_version, demo::text] FROM ir_module_module WHERE name = %s", (ADDON,)
        )
        assert (state, version) == ("installed", odoo.modules.module.get_manifest(ADDON)["version"])
        assert with_demo == str(demo).lower()
        ours = _scalar(db, "SELECT count(*) FROM ir_model_data WHERE module = %s", (ADDON,))
        assert ours > 0
        demo_user = _scalar(db, "SELECT count(*) FROM res_users WHERE login = 'anna'")
        assert demo_user == (1 if demo else 0)

        _odoo(db, "--update", ADDON)
        assert _scalar(db, "SELECT count(*) FROM ir_model_data WHERE module = %s", (ADDON,)) == ours

        _odoo(
            db,
            "shell",
            stdin=f"env['ir.module.module'].search([('name', '=', '{ADDON}')]).button_immediate_uninstall()\n",
        )
        assert _scalar(db, "SELECT state FROM ir_module_module WHERE name = %s", (ADDON,)) == "uninstalled"
        assert _scalar(db, "SELECT count(*) FROM ir_model_data WHERE module = %s", (ADDON,)) == 0
        after_catalogue = _rows(db, CATALOGUE)
        for what in CATALOGUE:
            assert after_catalogue[what] == before_catalogue[what], (
                f"{what} differ after uninstall: left {sorted(after_catalogue[what] - before_catalogue[what])[:10]}, "
                f"lost {sorted(before_catalogue[what] - after_catalogue[what])[:10]}"
            )
        assert _rows(db, BUSINESS_DATA) == before_data, "Odoo's sale/invoice data changed"
    finally:
        _drop(db)


@pytest.mark.parametrize("demo", [False, True], ids=["without-demo", "with-demo"])
def test_install_upgrade_uninstall(demo):
    _lifecycle(demo)
