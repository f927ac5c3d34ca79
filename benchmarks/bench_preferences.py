"""Product preferences: ``res.partner._refresh_product_preferences`` and its cron against hand-written SQL.

For customers with confirmed orders (a fixed pseudo-random sample): the addon refreshes, set-based, the top
products and categories, the last purchase date, the reorder interval and date of each commercial entity, and
writes them. Baseline: one hand-written SELECT over sale_order_line, sale_order, res_partner and the products
computing, for the same partners, the top products (ranked by number of orders, then quantity, then last order
date) and the last purchase date; it writes nothing, so the ratio also holds the addon's writes and its extra
figures (categories, interval). Measured over batches of ``--batches`` partners, each rolled back at the end; and
the cron (``_cron_refresh_product_preferences``, batches of 1000) over ``--cron-sample`` partners: the others
are marked as refreshed today first, in the same rolled-back transaction. Check: top products and last purchase
date equal for a sample of the refreshed partners, or exit 1.
"""

import math
import sys
import threading
import time

from _common import environment, line, measure, parse_args, timing_lines

from odoo import fields
from odoo.tools import SQL

NAME = "preferences"
CRON_BATCH = 1000
CHECK_SAMPLE = 500


def buyers(env, limit):
    """``limit`` commercial entities with confirmed orders, in a fixed pseudo-random order."""
    return [
        row[0]
        for row in env.execute_query(
            SQL(
                """
                SELECT id FROM (
                    SELECT DISTINCT buyer.commercial_partner_id AS id
                      FROM sale_order so
                      JOIN res_partner buyer ON buyer.id = so.partner_id
                     WHERE so.state = 'sale'
                ) partners
              ORDER BY md5(id::text)
                 LIMIT %s
                """,
                limit,
            )
        )
    ]


def sql_preferences(env, partner_ids):
    """Top products and last purchase date per commercial entity, from the raw tables."""
    from odoo.addons.sales_admin_addon.models.res_partner import TOP_PRODUCTS  # noqa: PLC0415 (addons path set)

    rows = env.execute_query(
        SQL(
            """
            WITH purchases AS (
                SELECT buyer.commercial_partner_id AS partner_id, sol.product_id,
                       count(DISTINCT so.id) AS orders, sum(sol.product_uom_qty) AS qty,
                       max(so.date_order::date) AS last_date,
                       bool_and(pp.active AND pt.active) AS available
                  FROM sale_order so
                  JOIN res_partner buyer ON buyer.id = so.partner_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE buyer.commercial_partner_id = ANY(%(ids)s)
                   AND so.state = 'sale'
                   AND sol.display_type IS NULL
                   AND NOT COALESCE(sol.is_downpayment, FALSE)
                   AND sol.product_uom_qty > 0
              GROUP BY 1, 2
            )
            SELECT partner_id,
                   max(last_date),
                   (array_agg(product_id ORDER BY orders DESC, qty DESC, last_date DESC, product_id)
                        FILTER (WHERE available))[1:%(top)s]
              FROM purchases
          GROUP BY partner_id
            """,
            ids=partner_ids,
            top=TOP_PRODUCTS,
        )
    )
    return {partner_id: (last_date, set(products or ())) for partner_id, last_date, products in rows}


def refreshed(env, partner_ids):
    """What the addon wrote for ``partner_ids``: last purchase date and top products."""
    field = env["res.partner"]._fields["top_product_ids"]
    rows = env.execute_query(
        SQL(
            """
            SELECT p.id, p.last_purchase_date, array_remove(array_agg(rel.%(product)s), NULL)
              FROM res_partner p
         LEFT JOIN %(rel)s rel ON rel.%(partner)s = p.id
             WHERE p.id = ANY(%(ids)s)
          GROUP BY p.id
            """,
            product=SQL.identifier(field.column2),
            rel=SQL.identifier(field.relation),
            partner=SQL.identifier(field.column1),
            ids=partner_ids,
        )
    )
    return {partner_id: (last_date, set(products)) for partner_id, last_date, products in rows if last_date}


def check(env, partner_ids, label):
    sample = partner_ids[:CHECK_SAMPLE]
    expected, got = sql_preferences(env, sample), refreshed(env, sample)
    differences = {pid: (expected.get(pid), got.get(pid)) for pid in sample if expected.get(pid) != got.get(pid)}
    if differences:
        line(
            f"{NAME}.check_{label}",
            f"FAILED: {len(differences)} of {len(sample)} differ, e.g. {sorted(differences.items())[:3]}",
        )
        sys.exit(1)
    line(f"{NAME}.check_{label}", f"same top products and last purchase date for {len(sample)} partners")


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--batches",
            default="1000,10000",
            help="partners per refresh, comma-separated (default %(default)s)",
        )
        parser.add_argument(
            "--cron-sample", type=int, default=10000, help="partners the cron refreshes (default %(default)s)"
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the cron commits per batch outside tests: this flag (what Odoo's test runner sets) keeps all in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        Partner = env["res.partner"]
        total = env.execute_query(
            SQL(
                """SELECT count(*), (SELECT count(*) FROM sale_order_line) FROM (
                       SELECT DISTINCT buyer.commercial_partner_id FROM sale_order so
                         JOIN res_partner buyer ON buyer.id = so.partner_id WHERE so.state = 'sale') partners"""
            )
        )[0]
        line(f"{NAME}.rows", f"{total[0]} customers with confirmed orders, {total[1]} order lines")
        for size in [int(size) for size in args.batches.split(",") if size.strip()]:
            partner_ids = buyers(env, size)
            label = f"batch_{len(partner_ids)}"
            sql = measure(env, lambda ids=partner_ids: sql_preferences(env, ids), runs=args.runs)
            orm = measure(
                env, lambda ids=partner_ids: Partner.browse(ids)._refresh_product_preferences(), runs=args.runs
            )
            env.flush_all()
            timing_lines(f"{NAME}.{label}", sql, orm)
            line(f"{NAME}.{label}.orm_partners_per_s", len(partner_ids) / orm.seconds, "partners/s")
            check(env, partner_ids, label)
            env.cr.rollback()
            env.invalidate_all()

        # the cron over a bounded sample: the sample is due (never refreshed), the others count as refreshed today
        # (the seed confirms its orders through the ORM, which refreshes the buyer's preferences on that day)
        sample = buyers(env, args.cron_sample)
        today = fields.Date.today()
        env.execute_query(
            SQL(
                """UPDATE res_partner SET product_preferences_date = CASE WHEN id = ANY(%s) THEN NULL ELSE %s END
                    WHERE commercial_partner_id = id""",
                sample,
                today,
            )
        )
        env.invalidate_all()
        sql = measure(env, lambda: sql_preferences(env, sample), runs=args.runs)
        before = env.cr.sql_log_count
        start = time.perf_counter()
        done = Partner._cron_refresh_product_preferences(batch_size=CRON_BATCH)
        env.flush_all()
        seconds = time.perf_counter() - start
        queries = env.cr.sql_log_count - before
        batches = max(math.ceil(done / CRON_BATCH), 1)
        line(f"{NAME}.cron_partners", done, baseline=len(sample))
        line(f"{NAME}.cron_sql_ms", sql.ms, "ms", is_baseline=True)
        line(f"{NAME}.cron_ms", seconds * 1000, "ms", baseline=sql.ms)
        line(f"{NAME}.cron_rate", done / seconds, "partners/s", baseline=len(sample) / sql.seconds)
        line(f"{NAME}.cron_queries", queries, baseline=sql.queries)
        line(f"{NAME}.cron_queries_per_batch", queries / batches, f"(batches of {CRON_BATCH}, {batches})")
        check(env, sample, "cron")


if __name__ == "__main__":
    main()
