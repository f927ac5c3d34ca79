"""Overdue receivables per commercial partner: the ORM's ``_read_group`` against a raw SQL aggregate.

Overdue: customer invoices (out_invoice), posted, payment_state not_paid or partial, invoice_date_due before
today (the user's today). Per commercial partner: the open amount (sum of amount_residual_signed), the number of
invoices and the oldest due date.
Baseline: one query over account_move. Measured: ``account.move._read_group(domain, ['commercial_partner_id'],
['amount_residual_signed:sum', '__count', 'invoice_date_due:min'])`` as the administrator (record rules apply),
the ORM cache emptied before each run. Check: the same partners, amounts (to the cent), counts and dates.
Also prints the aging buckets of all open invoices (current, 1-30, 31-60, 61-90, 90+ days overdue) from SQL.
"""

import sys

from _common import environment, line, measure, parse_args, timing_lines

from odoo import fields
from odoo.tools import SQL

NAME = "overdue"
OPEN_STATES = ("not_paid", "partial")
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def sql_overdue(env, today):
    return env.execute_query(
        SQL(
            """
            SELECT commercial_partner_id, SUM(amount_residual_signed), COUNT(*), MIN(invoice_date_due)
              FROM account_move
             WHERE move_type = 'out_invoice'
               AND state = 'posted'
               AND payment_state IN %(open_states)s
               AND invoice_date_due < %(today)s
               AND company_id IN %(company_ids)s
          GROUP BY commercial_partner_id
            """,
            open_states=OPEN_STATES,
            today=today,
            company_ids=tuple(env.companies.ids),
        )
    )


def orm_overdue(env, today):
    domain = [
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", OPEN_STATES),
        ("invoice_date_due", "<", today),
    ]
    return env["account.move"]._read_group(
        domain, ["commercial_partner_id"], ["amount_residual_signed:sum", "__count", "invoice_date_due:min"]
    )


def sql_buckets(env, today):
    return env.execute_query(
        SQL(
            """
            SELECT CASE WHEN invoice_date_due >= %(today)s THEN 'current'
                        WHEN %(today)s - invoice_date_due <= 30 THEN '1-30'
                        WHEN %(today)s - invoice_date_due <= 60 THEN '31-60'
                        WHEN %(today)s - invoice_date_due <= 90 THEN '61-90'
                        ELSE '90+' END,
                   COUNT(*), SUM(amount_residual_signed)
              FROM account_move
             WHERE move_type = 'out_invoice'
               AND state = 'posted'
               AND payment_state IN %(open_states)s
               AND company_id IN %(company_ids)s
          GROUP BY 1
            """,
            open_states=OPEN_STATES,
            today=today,
            company_ids=tuple(env.companies.ids),
        )
    )


def main():
    args = parse_args(__doc__.split("\n", 1)[0])
    with environment(args.database) as env:
        today = fields.Date.context_today(env.user)
        invoices, open_invoices = env.execute_query(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE payment_state IN %s) FROM account_move
                    WHERE move_type = 'out_invoice' AND state = 'posted'""",
                OPEN_STATES,
            )
        )[0]
        line(f"{NAME}.rows", f"{invoices} posted customer invoices, {open_invoices} open, today {today}")

        sql = measure(env, lambda: sql_overdue(env, today), runs=args.runs)
        orm = measure(env, lambda: orm_overdue(env, today), runs=args.runs)
        buckets = measure(env, lambda: sql_buckets(env, today), runs=args.runs)

        expected = {partner_id: (amount, count, due) for partner_id, amount, count, due in sql.result}
        got = {partner.id: (amount, count, due) for partner, amount, count, due in orm.result}
        line(f"{NAME}.groups", f"{len(expected)} commercial partners with overdue invoices")
        timing_lines(NAME, sql, orm)

        by_bucket = {bucket: (count, amount) for bucket, count, amount in buckets.result}
        for bucket in BUCKETS:
            count, amount = by_bucket.get(bucket, (0, 0.0))
            line(f"{NAME}.bucket_{bucket}", f"{count} invoices, {amount:.2f} open")
        line(f"{NAME}.buckets_sql_ms", buckets.ms, "ms")

        differences = {
            partner_id: (expected.get(partner_id), got.get(partner_id))
            for partner_id in expected.keys() | got.keys()
            if partner_id not in expected
            or partner_id not in got
            or abs(expected[partner_id][0] - got[partner_id][0]) >= 0.005
            or expected[partner_id][1:] != got[partner_id][1:]
        }
        overdue_count = sum(count for _amount, count, _due in expected.values())
        overdue_amount = sum(amount for amount, _count, _due in expected.values())
        if differences:
            line(f"{NAME}.check", f"FAILED: {len(differences)} partners differ, e.g. {sorted(differences.items())[:3]}")
            sys.exit(1)
        if overdue_count != sum(by_bucket.get(bucket, (0, 0))[0] for bucket in BUCKETS[1:]):
            line(f"{NAME}.check", "FAILED: the overdue buckets do not add up to the overdue invoices")
            sys.exit(1)
        line(f"{NAME}.check", f"same {len(got)} partners, {overdue_count} invoices, {overdue_amount:.2f} overdue")


if __name__ == "__main__":
    main()
