"""The README's commands: ``make run`` serves a demo database and reuses it, bad input stops with one line.

These run the real scripts (scripts/run.sh through bash) against the same PostgreSQL as the suite, on databases
of their own, and stop the server they start.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import odoo
from odoo.sql_db import close_db, db_connect
from odoo.tools import SQL

REPO = Path(__file__).resolve().parent.parent


def _env(**extra):
    cfg = odoo.tools.config
    env = dict(os.environ, VENV=sys.prefix, DB_PORT=str(cfg["db_port"] or 5432), DB_USER=cfg["db_user"] or "")
    if cfg["db_host"]:
        env["DB_HOST"] = cfg["db_host"]
    env.update(extra)
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_script(*args, **env):
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "run.sh"), *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _serve(db, port):
    """Start make run's script, wait until it says Odoo is up, return (process, output so far)."""
    proc = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "run.sh"), db],
        env=_env(PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    deadline = time.monotonic() + 900
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Login: ") or time.monotonic() > deadline:
            break
    return proc, "".join(lines)


def _stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)


def _drop(db):
    close_db(db)
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(db)))
    (REPO / ".odoo" / f"{db}.addon-hash").unlink(missing_ok=True)


@pytest.fixture
def scratch_db():
    name = f"{odoo.tools.config['db_name']}_run"
    _drop(name)
    yield name
    _drop(name)


def test_make_run_serves_demo_data_and_reuses_the_database(scratch_db):
    port = _free_port()
    proc, out = _serve(scratch_db, port)
    try:
        assert f"is up: http://127.0.0.1:{port}/odoo" in out, out[-3000:]
        assert "Login: admin  Password: admin" in out
        assert "creating database" in out
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=30) as response:
            assert response.status == 200
        with db_connect(scratch_db).cursor() as cr:
            cr.execute("SELECT state, demo FROM ir_module_module WHERE name = 'sales_admin_addon'")
            assert cr.fetchone() == ("installed", True)
            cr.execute("SELECT count(*) FROM sales_admin_visit")
            assert cr.fetchone()[0] > 0, "the demo visits are there"
        # the port is taken now: a second server on it is refused in one line
        busy = _run_script(scratch_db, PORT=str(port))
        assert busy.returncode != 0
        assert f"port {port} on 127.0.0.1 is in use" in busy.stderr
    finally:
        _stop(proc)
    close_db(scratch_db)
    proc, out = _serve(scratch_db, port)
    try:
        assert "is up: http://" in out, out[-3000:]
        assert "creating database" not in out and "upgrading" not in out, "the second run reuses the database"
    finally:
        _stop(proc)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            (),
            {"ODOO_SRC": "/nonexistent/odoo", "ODOO_DOWNLOAD_URL": "http://127.0.0.1:9/odoo.tar.gz"},
            "no Odoo 18.0 source tree at ODOO_SRC=/nonexistent/odoo",
        ),
        ((), {"ODOO_SRC": str(REPO)}, "holds no odoo-bin"),
        ((), {"PORT": "eighty"}, "PORT must be a number"),
        (("bad;name",), {}, "invalid database name 'bad;name'"),
    ],
    ids=["missing-odoo", "wrong-odoo", "bad-port", "bad-db-name"],
)
def test_make_run_bad_input_one_line(args, env, message):
    result = _run_script(*args, **env)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_make_run_refuses_another_odoo_version(scratch_db):
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("CREATE DATABASE %s", SQL.identifier(scratch_db)))
    with db_connect(scratch_db).cursor() as cr:
        cr.execute("CREATE TABLE ir_module_module (name varchar, latest_version varchar, state varchar)")
        cr.execute("INSERT INTO ir_module_module VALUES ('base', '17.0.1.3', 'installed')")
        cr.commit()
    close_db(scratch_db)
    result = _run_script(scratch_db, PORT=str(_free_port()))
    assert result.returncode != 0
    assert f"database '{scratch_db}' is an Odoo 17.0.1.3 database, not 18.0" in result.stderr


def test_gevent_process_can_load_its_plugins():
    """In ``--workers`` mode Odoo starts ``odoo-bin gevent`` for the websockets; gevent loads its plug-ins through
    the virtualenv's ``pkg_resources``, which must find every requirement of gevent (zope.interface 8 ships its
    metadata under a name this setuptools does not match: requirements.txt pins a version it reads)."""
    result = subprocess.run(
        [sys.executable, "-c", "import pkg_resources; pkg_resources.working_set.require('gevent')"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
