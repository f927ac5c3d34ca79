"""Weekly ordered amount per salesperson: Odoo's ``sale.report`` against a raw SQL aggregate.

Baseline: one query over sale_order_line and sale_order: confirmed orders (state 'sale'), product lines, untaxed
amount in company currency (price_subtotal / currency_rate), grouped by the ISO week of date_order in the user's
time zone and by salesperson, for the user's companies.
Measured: ``sale.report._read_group([('state', '=', 'sale')], ['date:week', 'user_id'], ['price_subtotal:sum'])``
as the administrator (record rules apply), the ORM cache emptied before each run.
Check: the same groups with the same totals, to the cent; exit 1 otherwise.
"""

import sys
from datetime import datetime

from _common import environment, line, measure, parse_args, timing_lines

from odoo.tools import SQL
from odoo.tools.misc import get_lang

NAME = "sales_weekly"


def sql_weekly(env):
    return env.execute_query(
        SQL(
            """
            SELECT date_trunc('week', timezone(%(tz)s, timezone('UTC', s.date_order)))::date AS week,
                   s.user_id,
                   SUM(l.price_subtotal / COALESCE(NULLIF(s.currency_rate, 0), 1)) AS amount
              FROM sale_order_line l
              JOIN sale_order s ON s.id = l.order_id
             WHERE s.state = 'sale'
               AND l.display_type IS NULL
               AND l.product_id IS NOT NULL
               AND s.company_id IN %(company_ids)s
          GROUP BY 1, 2
            """,
            tz=env.context.get("tz") or "UTC",
            company_ids=tuple(env.companies.ids),
        )
    )


def orm_weekly(env):
    return env["sale.report"]._read_group([("state", "=", "sale")], ["date:week", "user_id"], ["price_subtotal:sum"])


def as_date(value):
    return value.date() if isinstance(value, datetime) else value


def main():
    args = parse_args(__doc__.split("\n", 1)[0])
    with environment(args.database) as env:
        week_start = get_lang(env).week_start
        if week_start != "1":
            sys.exit(f"{NAME}: the user's language starts weeks on day {week_start}, not Monday: ISO weeks differ")
        lines, orders = env.execute_query(
            SQL(
                """SELECT count(*), count(DISTINCT s.id) FROM sale_order_line l JOIN sale_order s ON s.id = l.order_id
                    WHERE s.state = 'sale' AND l.display_type IS NULL"""
            )
        )[0]
        line(f"{NAME}.rows", f"{lines} order lines in {orders} confirmed orders")

        sql = measure(env, lambda: sql_weekly(env), runs=args.runs)
        orm = measure(env, lambda: orm_weekly(env), runs=args.runs)

        expected = {(week, user_id or False): amount for week, user_id, amount in sql.result}
        got = {(as_date(week), user.id): amount for week, user, amount in orm.result}
        line(f"{NAME}.groups", f"{len(expected)} (week x salesperson)")
        timing_lines(NAME, sql, orm)

        differences = {
            key: (expected.get(key, 0.0), got.get(key, 0.0))
            for key in expected.keys() | got.keys()
            if abs(expected.get(key, 0.0) - got.get(key, 0.0)) >= 0.005
        }
        total = sum(expected.values())
        if differences:
            line(f"{NAME}.check", f"FAILED: {len(differences)} groups differ, e.g. {sorted(differences.items())[:3]}")
            sys.exit(1)
        line(f"{NAME}.check", f"same {len(got)} groups and totals (sum {total:.2f})")


if __name__ == "__main__":
    main()
