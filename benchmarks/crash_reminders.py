"""A reminder run killed midway (SIGKILL) and restarted: nothing is sent twice, nothing is left behind.

Copies a database seeded by ``seed_receivables.py`` (``--source``, default sales_admin_bench_collections) to a
scratch database, runs the daily cron ``sales_admin.reminder._cron_send_reminders`` there in a real ``odoo-bin
shell`` process (batches commit one by one, as in production), kills it with SIGKILL once ``--kill-after``
batches have committed, then runs the cron again to the end in a new process, and checks with SQL:

- no customer has two reminders of one level on one day (the unique key) and none is left pending;
- each sent e-mail reminder has exactly one e-mail in the mail queue (mail.mail), none has two;
- each sent phone or letter reminder has at most one activity (to-do or call) of its own;
- every invoice a sent reminder covers carries the level it reached, and no invoice due a reminder is left out.

The letter levels are archived in the copy: Debian's wkhtmltopdf renders one letter per run (about 1.3 s each, see
bench_reminders.py), which would make this a test of wkhtmltopdf; their invoices reach the e-mail level before. The
scratch database is dropped at the end unless ``--keep``.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
VENV_PYTHON = os.environ.get("VENV_PYTHON", str(REPO_ROOT / ".venv" / "bin" / "python"))

RUN = """
env['sales_admin.reminder']._cron_send_reminders(batch_size={batch_size})
env.cr.commit()
"""


def sql(db, query, params=None):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def odoo_shell(db, batch_size):
    args = [
        VENV_PYTHON,
        f"{ODOO_SRC}/odoo-bin",
        "shell",
        "-d",
        db,
        f"--addons-path={ODOO_SRC}/addons,{REPO_ROOT}",
        f"--data-dir={REPO_ROOT / '.odoo' / 'data'}",
        "--no-http",
        "--log-level=warn",
    ]
    return subprocess.Popen(  # noqa: S603
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def counts(db):
    return dict(sql(db, "SELECT state, count(*) FROM sales_admin_reminder GROUP BY state"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", default="sales_admin_bench_collections")
    parser.add_argument("--scratch", default="sales_admin_bench_crash")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--kill-after", type=int, default=20, help="committed batches before the kill")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    subprocess.run(["dropdb", "--if-exists", args.scratch], check=True)  # noqa: S603, S607
    start = time.perf_counter()
    subprocess.run(["createdb", "-T", args.source, args.scratch], check=True)  # noqa: S603, S607
    print(f"crash.copy: {args.source} copied in {time.perf_counter() - start:.1f} s", flush=True)
    try:
        if sql(args.scratch, "SELECT count(*) FROM sales_admin_reminder")[0][0]:
            sys.exit("the source database already has reminders: use a freshly seeded one")
        sql(args.scratch, "UPDATE sales_admin_reminder_level SET active = FALSE WHERE channel = 'letter'")

        # first run, killed once enough batches have committed
        proc = odoo_shell(args.scratch, args.batch_size)
        proc.stdin.write(RUN.format(batch_size=args.batch_size))
        proc.stdin.close()
        target = args.kill_after * args.batch_size
        start = time.perf_counter()
        while True:
            time.sleep(0.5)
            if proc.poll() is not None:
                sys.exit(f"the run ended before the kill: {proc.stderr.read()[-2000:]}")
            done = counts(args.scratch)
            if done.get("sent", 0) + done.get("skipped", 0) >= target:
                break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = counts(args.scratch)
        print(
            f"crash.killed: SIGKILL after {time.perf_counter() - start:.1f} s, reminders then: {killed}",
            flush=True,
        )
        mails_at_kill = sql(
            args.scratch,
            """SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
                 WHERE msg.model = 'sales_admin.reminder'""",
        )[0][0]

        # restart to the end
        start = time.perf_counter()
        proc = odoo_shell(args.scratch, args.batch_size)
        _out, err = proc.communicate(RUN.format(batch_size=args.batch_size))
        if proc.returncode:
            sys.exit(f"the restarted run failed: {err[-2000:]}")
        final = counts(args.scratch)
        print(f"crash.restart: ran to the end in {time.perf_counter() - start:.1f} s, reminders: {final}", flush=True)

        problems = []
        duplicates = sql(
            args.scratch,
            """SELECT count(*) FROM (SELECT 1 FROM sales_admin_reminder
                GROUP BY company_id, partner_id, level_id, date HAVING count(*) > 1) d""",
        )[0][0]
        per_customer = sql(
            args.scratch,
            """SELECT count(*) FROM (SELECT 1 FROM sales_admin_reminder WHERE state = 'sent'
                GROUP BY company_id, partner_id, date HAVING count(*) > 1) d""",
        )[0][0]
        if duplicates or per_customer:
            problems.append(f"{duplicates} duplicated keys, {per_customer} customers reminded twice in a day")
        if final.get("pending"):
            problems.append(f"{final['pending']} reminders left pending")
        mails = dict(
            sql(
                args.scratch,
                """SELECT n, count(*) FROM (
                       SELECT r.id, count(m.id) AS n FROM sales_admin_reminder r
                    LEFT JOIN mail_message msg ON msg.model = 'sales_admin.reminder' AND msg.res_id = r.id
                    LEFT JOIN mail_mail m ON m.mail_message_id = msg.id
                        WHERE r.state = 'sent' AND r.channel = 'email' GROUP BY r.id) x GROUP BY n""",
            )
        )
        if set(mails) - {1}:
            problems.append(f"sent e-mail reminders by number of e-mails queued: {mails}")
        activities = sql(
            args.scratch,
            """SELECT count(*) FROM (
                   SELECT r.id FROM sales_admin_reminder r
                     JOIN sales_admin_collection_case c
                       ON c.partner_id = r.partner_id AND c.company_id = r.company_id AND c.state = 'open'
                     JOIN mail_activity a ON a.res_model = 'sales_admin.collection.case' AND a.res_id = c.id
                    WHERE r.state = 'sent' AND r.channel IN ('phone', 'letter')
                 GROUP BY r.id HAVING count(a.id) > 1) x""",
        )[0][0]
        if activities:
            problems.append(f"{activities} phone/letter reminders with more than one activity on their case")
        unrecorded = sql(
            args.scratch,
            """SELECT count(*) FROM sales_admin_reminder_account_move_rel rel
                 JOIN sales_admin_reminder r ON r.id = rel.reminder_id AND r.state = 'sent'
                 JOIN account_move m ON m.id = rel.move_id
                WHERE m.sales_admin_reminder_level_id IS NULL""",
        )[0][0]
        if unrecorded:
            problems.append(f"{unrecorded} invoices of sent reminders without their level")
        left = sql(
            args.scratch,
            """SELECT count(*) FROM account_move move
                 JOIN LATERAL (SELECT l.days_after_due FROM sales_admin_reminder_level l
                                WHERE l.company_id = move.company_id AND l.active
                                  AND l.days_after_due <= CURRENT_DATE - move.invoice_date_due
                             ORDER BY l.days_after_due DESC LIMIT 1) due ON TRUE
            LEFT JOIN sales_admin_reminder_level sent ON sent.id = move.sales_admin_reminder_level_id
            LEFT JOIN res_partner p ON p.id = move.commercial_partner_id
                WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
                  AND move.payment_state IN ('not_paid', 'partial') AND move.sales_admin_in_dispute IS NOT TRUE
                  AND due.days_after_due > COALESCE(sent.days_after_due, 0)
                  AND NOT EXISTS (SELECT 1 FROM sales_admin_reminder r WHERE r.partner_id = move.commercial_partner_id
                                     AND r.company_id = move.company_id AND r.state = 'skipped'
                                     AND r.date = CURRENT_DATE)""",
        )[0][0]
        if left:
            problems.append(f"{left} invoices still due a reminder after the restart")
        mails_total = sql(
            args.scratch,
            """SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
                 WHERE msg.model = 'sales_admin.reminder'""",
        )[0][0]
        print(
            f"crash.mails: {mails_at_kill} queued at the kill, {mails_total} after the restart, "
            f"sent e-mail reminders by e-mails queued: {mails}",
            flush=True,
        )
        if problems:
            print("crash.check: FAILED: " + "; ".join(problems), flush=True)
            sys.exit(1)
        print(
            "crash.check: no duplicate, nothing pending, one e-mail per e-mail reminder, at most one activity per "
            "call or letter, every covered invoice carries its level, nothing due left",
            flush=True,
        )
    finally:
        if not args.keep:
            # the killed process's server session may still be closing
            for _attempt in range(30):
                dropped = subprocess.run(["dropdb", "--if-exists", args.scratch], check=False)  # noqa: S603, S607
                if not dropped.returncode:
                    break
                time.sleep(1)


if __name__ == "__main__":
    main()
