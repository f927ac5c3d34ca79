"""Payment reminders: which customers are due a reminder level today, the ORM against a raw SQL query.

Run on a database seeded by ``seed_receivables.py`` (100k overdue invoices of 20k customers, reminder levels in
both companies); on another database without reminder levels it says so and stops.

Due: an open overdue customer invoice (out_invoice, posted, not_paid or partial, not in dispute) is due the highest
active level of its company whose days after the due date it has reached, when that level is above the last one
sent for it (``sales_admin_reminder_level_id``). Per customer (commercial partner and company): the highest level
due, the number of invoices due a higher level and their open amount.
Baseline: one SQL query over account_move and sales_admin_reminder_level.
Measured: the same selection through the ORM: one ``_read_group`` per level (the invoices whose age falls in the
level's window and whose last level is below it), grouped by commercial partner, as the administrator (record
rules apply) with both companies allowed. Check: the same customers, levels, counts and amounts, or exit 1.
"""

import sys
from collections import defaultdict
from datetime import timedelta

from _common import environment, line, measure, parse_args, timing_lines

from odoo import fields
from odoo.tools import SQL

NAME = "reminders"
OPEN_STATES = ("not_paid", "partial")


def selection_sql(today, company_ids):
    """Per company and customer: the highest level due, the invoices due a higher level and their open amount."""
    return SQL(
        """
        WITH levels AS (
            SELECT id, company_id, days_after_due
              FROM sales_admin_reminder_level
             WHERE active AND company_id IN %(company_ids)s
        ), due AS (
            SELECT m.company_id, m.commercial_partner_id, m.amount_residual_signed,
                   (SELECT max(l.days_after_due) FROM levels l
                     WHERE l.company_id = m.company_id AND l.days_after_due <= %(today)s - m.invoice_date_due) AS days,
                   coalesce(sent.days_after_due, 0) AS sent_days
              FROM account_move m
         LEFT JOIN sales_admin_reminder_level sent ON sent.id = m.sales_admin_reminder_level_id
             WHERE m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN %(open_states)s
               AND m.company_id IN %(company_ids)s
               AND m.invoice_date_due <= %(today)s - (SELECT min(days_after_due) FROM levels)
               AND m.sales_admin_in_dispute IS NOT TRUE
        )
        SELECT company_id, commercial_partner_id, max(days), count(*), sum(amount_residual_signed)
          FROM due
         WHERE days > sent_days
      GROUP BY company_id, commercial_partner_id
        """,
        today=today,
        company_ids=tuple(company_ids),
        open_states=OPEN_STATES,
    )


def selection_orm(env, today):
    """The same selection with ``_read_group``: per level, the invoices of its window whose last level is lower."""
    levels = env["sales_admin.reminder.level"].search([], order="company_id, days_after_due")
    by_company = defaultdict(list)
    for level in levels:
        by_company[level.company_id].append(level)
    result = {}
    Move = env["account.move"]
    for company, company_levels in by_company.items():
        for index, level in enumerate(company_levels):
            following = company_levels[index + 1] if index + 1 < len(company_levels) else None
            domain = [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_STATES),
                ("sales_admin_in_dispute", "=", False),
                ("invoice_date_due", "<=", today - timedelta(days=level.days_after_due)),
                "|",
                ("sales_admin_reminder_level_id", "=", False),
                ("sales_admin_reminder_level_id.days_after_due", "<", level.days_after_due),
            ]
            if following:
                domain.append(("invoice_date_due", ">", today - timedelta(days=following.days_after_due)))
            for partner, count, amount in Move._read_group(
                domain, ["commercial_partner_id"], ["__count", "amount_residual_signed:sum"]
            ):
                key = (company.id, partner.id)
                days, total_count, total_amount = result.get(key, (0, 0, 0.0))
                result[key] = (max(days, level.days_after_due), total_count + count, total_amount + amount)
    return result


def main():
    args = parse_args(__doc__.split("\n", 1)[0])
    with environment(args.database) as env:
        companies = env["res.company"].search([])
        env = env(context=dict(env.context, allowed_company_ids=companies.ids))
        today = fields.Date.context_today(env.user)
        levels = env["sales_admin.reminder.level"].search([])
        invoices, overdue, customers = env.execute_query(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE invoice_date_due < %(today)s),
                          count(DISTINCT commercial_partner_id) FILTER (WHERE invoice_date_due < %(today)s)
                     FROM account_move
                    WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state IN %(open_states)s""",
                today=today,
                open_states=OPEN_STATES,
            )
        )[0]
        line(
            f"{NAME}.rows",
            f"{invoices} open customer invoices, {overdue} overdue of {customers} customers, "
            f"{len(levels)} reminder levels in {len(levels.company_id)} companies, today {today}",
        )
        if not levels:
            line(f"{NAME}.skipped", "no reminder level: seed the database with seed_receivables.py")
            return
        line(
            f"{NAME}.levels",
            ", ".join(f"{level.company_id.id}: {level.days_after_due} d {level.channel}" for level in levels),
        )

        sql = measure(env, lambda: env.execute_query(selection_sql(today, companies.ids)), runs=args.runs)
        orm = measure(env, lambda: selection_orm(env, today), runs=args.runs)
        expected = {
            (company_id, partner_id): (days, count, amount)
            for company_id, partner_id, days, count, amount in sql.result
        }
        got = orm.result
        per_level = defaultdict(int)
        for days, _count, _amount in expected.values():
            per_level[days] += 1
        line(
            f"{NAME}.selection",
            f"{len(expected)} customers due a reminder, {sum(c for _d, c, _a in expected.values())} invoices "
            f"(customers per level: {', '.join(f'{d} d {n}' for d, n in sorted(per_level.items()))})",
        )
        timing_lines(f"{NAME}.selection", sql, orm)
        differences = {
            key: (expected.get(key), got.get(key))
            for key in expected.keys() | got.keys()
            if key not in expected
            or key not in got
            or expected[key][:2] != got[key][:2]
            or abs(expected[key][2] - got[key][2]) >= 0.005
        }
        if differences:
            line(
                f"{NAME}.selection.check",
                f"FAILED: {len(differences)} customers differ, e.g. {sorted(differences.items())[:3]}",
            )
            sys.exit(1)
        line(f"{NAME}.selection.check", f"same {len(got)} customers, levels, invoice counts and amounts")


if __name__ == "__main__":
    main()
