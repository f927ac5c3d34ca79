"""Deliveries for the confirmed goods orders of a benchmark database, made set-based in SQL (for bench_otif.py).

``odoo-bin populate`` copies orders with their lines but without deliveries, so a populated database has almost no
pickings. This script gives every confirmed order with goods, a promised date and no picking yet one or two
outgoing pickings with a stock move per line, in a handful of ``INSERT ... SELECT`` statements (never the ORM per
record), then the figures Odoo derives from them, each by one SQL ``UPDATE`` mirroring the compute:

- ``sale_order_line.qty_delivered``: the done quantity of the line's moves to a customer location (the moves are
  in the line's unit), 0 without any (populate's copies carry their original's delivered quantity);
- ``sale_order.delivery_status`` and ``effective_date`` (``sale_stock``'s computes), then ``sales_admin_progress``
  of orders not invoiced (confirmed, partly delivered, delivered);
- ``sales_admin_projected_date``, ``sales_admin_delivery_state`` and ``sales_admin_days_late``
  (``_compute_sales_admin_delivery_promise``: open steps' latest scheduled date, else the last delivery; days
  counted in the salesperson's time zone, else the company's, else UTC), then ``sales_admin_notice_date`` /
  ``sales_admin_notice_pending`` (``_compute_sales_admin_notice``).

The mix, drawn per order from ``--seed`` (orders whose promised day is past):
18 % one delivery, done; 16 % two deliveries, both done; 36 % three (a first delivery and two backorders), all
done; 10 % two, the backorder cancelled (lines short);
8 % two, the backorder still open (late); 6 % one open delivery, nothing shipped (late); the rest (6 %) one done
delivery whose last line is short, without backorder. Four deliveries in five are on time (done up to three days
before the promised day), the others 1 to 12 days late. Orders promised for later: one open delivery, a third of
them after a first partial delivery, one in six scheduled after the promise (at risk).
Not made: move lines, quants, procurement groups, invoices of the delivered quantities.

    .venv/bin/python benchmarks/seed_deliveries.py -d sales_admin_bench_otif [--share 0.5] [--seed 42]
"""

import time

from _common import environment, parse_args

from odoo.tools import SQL

UID = 1  # OdooBot: the seed is no one's work


def step(env, name, query, timings):
    start = time.perf_counter()
    env.cr.execute(query)
    seconds = time.perf_counter() - start
    timings.append((name, env.cr.rowcount, seconds))
    print(f"seed_deliveries.{name}: {env.cr.rowcount} rows in {seconds:.1f} s", flush=True)


def plan_orders(env, args, timings):
    """One row per order to deliver: its scenario and dates, and the ids of its pickings taken from the sequence."""
    env.cr.execute(SQL("SELECT setseed(%s)", (args.seed % 1000) / 1000.0))
    step(
        env,
        "plan_orders",
        SQL(
            """
            CREATE TEMPORARY TABLE otif_seed_order ON COMMIT DROP AS
            WITH eligible AS (
                SELECT so.id, so.name, so.company_id, so.partner_shipping_id, so.date_order,
                       so.sales_admin_promised_date AS promised, so.warehouse_id,
                       random() AS r_scenario, random() AS r_late, random() AS r_days, random() AS r_first
                  FROM sale_order so
                 WHERE so.state = 'sale'
                   AND so.sales_admin_has_goods
                   AND so.sales_admin_promised_date IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM stock_picking p WHERE p.sale_id = so.id)
                   AND random() < %(share)s
              ORDER BY so.id
            ), scenario AS (
                SELECT e.*,
                       CASE
                           WHEN e.promised > now() AT TIME ZONE 'UTC' - interval '1 day' THEN
                               CASE WHEN e.r_scenario < 0.33 THEN 'future_partial' ELSE 'future_open' END
                           WHEN e.r_scenario < 0.18 THEN 'one_done'
                           WHEN e.r_scenario < 0.34 THEN 'two_done'
                           WHEN e.r_scenario < 0.70 THEN 'three_done'
                           WHEN e.r_scenario < 0.80 THEN 'backorder_cancelled'
                           WHEN e.r_scenario < 0.88 THEN 'backorder_open'
                           WHEN e.r_scenario < 0.94 THEN 'nothing_shipped'
                           ELSE 'one_done_short'
                       END AS scenario
                  FROM eligible e
            )
            SELECT s.*,
                   -- the last delivery: on time (up to 3 days early) or 1 to 12 days late, never in the future
                   CASE
                       WHEN s.r_late < 0.2
                            AND s.promised + interval '1 day' * (1 + floor(s.r_days * 12)) < now() AT TIME ZONE 'UTC'
                       THEN s.promised + interval '1 day' * (1 + floor(s.r_days * 12)) + interval '2 hours'
                       ELSE GREATEST(
                           LEAST(s.promised - interval '1 hour' * floor(s.r_days * 72),
                                 now() AT TIME ZONE 'UTC' - interval '1 hour'),
                           s.date_order + interval '1 hour')
                   END AS last_date,
                   -- the open delivery of a late order, or of a future one (at risk one time in six)
                   CASE
                       WHEN s.scenario IN ('future_open', 'future_partial') AND s.r_late < 1.0 / 6
                       THEN s.promised + interval '1 day' * (2 + floor(s.r_days * 4))
                       WHEN s.scenario IN ('future_open', 'future_partial') THEN s.promised
                       ELSE s.promised + interval '1 day' * (1 + floor(s.r_days * 20))
                   END AS open_date,
                   s.r_first * 5 AS first_gap_days,
                   nextval('stock_picking_id_seq') AS picking1_id,
                   CASE
                       WHEN s.scenario IN ('two_done', 'three_done', 'backorder_cancelled', 'backorder_open',
                                           'future_partial')
                       THEN nextval('stock_picking_id_seq')
                   END AS picking2_id,
                   CASE WHEN s.scenario = 'three_done' THEN nextval('stock_picking_id_seq') END AS picking3_id,
                   type.id AS picking_type_id,
                   type.default_location_src_id AS location_id,
                   type.default_location_dest_id AS location_dest_id
              FROM scenario s
              JOIN LATERAL (
                  SELECT t.id, t.default_location_src_id, t.default_location_dest_id
                    FROM stock_picking_type t
                   WHERE t.code = 'outgoing' AND t.company_id = s.company_id
                ORDER BY t.warehouse_id = s.warehouse_id DESC, t.sequence, t.id
                   LIMIT 1
              ) type ON TRUE
            """,
            share=args.share,
        ),
        timings,
    )
    env.cr.execute(SQL("ANALYZE otif_seed_order"))


def plan_pickings(env, timings):
    """The pickings: the first (done, or open when nothing was shipped) and the backorder, with their dates."""
    step(
        env,
        "plan_pickings",
        SQL(
            """
            CREATE TEMPORARY TABLE otif_seed_picking ON COMMIT DROP AS
            SELECT o.id AS order_id, o.picking1_id AS id, NULL::integer AS backorder_id, 1 AS rank,
                   CASE WHEN o.scenario IN ('nothing_shipped', 'future_open') THEN 'confirmed' ELSE 'done' END AS state,
                   CASE
                       WHEN o.scenario IN ('nothing_shipped', 'future_open') THEN o.open_date
                       WHEN o.scenario IN ('one_done', 'one_done_short', 'backorder_cancelled') THEN o.last_date
                       WHEN o.scenario = 'future_partial'
                       THEN GREATEST(LEAST(o.promised, now() AT TIME ZONE 'UTC') - interval '1 day' * o.first_gap_days,
                                     o.date_order + interval '1 hour')
                       ELSE GREATEST(o.last_date - interval '1 day' * o.first_gap_days,
                                     o.date_order + interval '1 hour')
                   END AS date
              FROM otif_seed_order o
             UNION ALL
            SELECT o.id, o.picking2_id, o.picking1_id, 2,
                   CASE o.scenario
                       WHEN 'two_done' THEN 'done'
                       WHEN 'three_done' THEN 'done'
                       WHEN 'backorder_cancelled' THEN 'cancel'
                       ELSE 'confirmed'
                   END,
                   CASE
                       WHEN o.scenario IN ('backorder_open', 'future_partial') THEN o.open_date
                       WHEN o.scenario = 'three_done'
                       THEN GREATEST(o.last_date - interval '1 day' * o.first_gap_days / 2,
                                     o.date_order + interval '2 hours')
                       ELSE o.last_date
                   END
              FROM otif_seed_order o
             WHERE o.picking2_id IS NOT NULL
             UNION ALL
            -- deliveries in three parts: the second backorder brings the rest, last
            SELECT o.id, o.picking3_id, o.picking2_id, 3, 'done', o.last_date
              FROM otif_seed_order o
             WHERE o.picking3_id IS NOT NULL
            """
        ),
        timings,
    )


def plan_moves(env, timings):
    """One move per goods line in the first picking; the rest of split lines in the backorder (in three parts:
    a third first, half the rest in the first backorder, the remainder in the second). Split orders split every line
    with a quantity of 2 or more one time in two, and always their first goods line."""
    step(
        env,
        "plan_moves",
        SQL(
            """
            CREATE TEMPORARY TABLE otif_seed_line ON COMMIT DROP AS
            WITH base AS (
                SELECT line.id AS line_id, line.order_id, line.product_id, line.product_uom, line.product_uom_qty,
                       left(coalesce(tmpl.name->>'en_US', line.name), 200) AS name,
                       coalesce(product_uom.factor / NULLIF(line_uom.factor, 0), 1) AS to_product_uom,
                       o.scenario, o.picking2_id,
                       line.id = max(line.id) OVER (PARTITION BY line.order_id) AS last_line,
                       line.product_uom_qty >= 2
                       AND (line.id = min(line.id) OVER (PARTITION BY line.order_id) OR random() < 0.5) AS split
                  FROM sale_order_line line
                  JOIN otif_seed_order o ON o.id = line.order_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                  JOIN uom_uom line_uom ON line_uom.id = line.product_uom
                  JOIN uom_uom product_uom ON product_uom.id = tmpl.uom_id
                 WHERE tmpl.type = 'consu' AND line.display_type IS NULL AND line.product_uom_qty > 0
            ), firsts AS (
                SELECT b.*,
                       CASE
                           WHEN b.scenario = 'one_done_short' AND b.last_line THEN floor(b.product_uom_qty / 2)
                           WHEN b.picking2_id IS NULL OR NOT b.split THEN b.product_uom_qty
                           WHEN b.scenario = 'three_done' THEN ceil(b.product_uom_qty / 3)
                           ELSE floor(b.product_uom_qty / 2)
                       END AS first_qty
                  FROM base b
            )
            SELECT f.line_id, f.order_id, f.product_id, f.product_uom, f.product_uom_qty, f.name, f.to_product_uom,
                   f.first_qty,
                   CASE
                       WHEN f.scenario = 'three_done' AND f.split THEN ceil((f.product_uom_qty - f.first_qty) / 2)
                       ELSE f.product_uom_qty - f.first_qty
                   END AS second_qty
              FROM firsts f
            """
        ),
        timings,
    )
    env.cr.execute(SQL("ANALYZE otif_seed_line"))


def insert_pickings(env, timings):
    step(
        env,
        "insert_pickings",
        SQL(
            """
            INSERT INTO stock_picking (
                id, name, origin, sale_id, partner_id, company_id, picking_type_id, location_id, location_dest_id,
                move_type, state, priority, is_locked, backorder_id, scheduled_date, date_deadline, date, date_done,
                create_uid, create_date, write_uid, write_date)
            SELECT p.id, 'WH/OUT/S' || lpad(p.id::text, 7, '0'), o.name, o.id, o.partner_shipping_id, o.company_id,
                   o.picking_type_id, o.location_id, o.location_dest_id, 'direct', p.state, '0', TRUE, p.backorder_id,
                   p.date, o.promised, o.date_order, CASE WHEN p.state = 'done' THEN p.date END,
                   %(uid)s, p.date, %(uid)s, p.date
              FROM otif_seed_picking p
              JOIN otif_seed_order o ON o.id = p.order_id
         LEFT JOIN (SELECT l.order_id,
                           bool_or(l.first_qty < l.product_uom_qty) AS has_rest,
                           bool_or(l.first_qty + l.second_qty < l.product_uom_qty) AS has_third
                      FROM otif_seed_line l
                  GROUP BY l.order_id) parts ON parts.order_id = p.order_id
             -- a backorder only when some line was split (a second one when some line is left after two parts)
             WHERE p.rank = 1 OR (p.rank = 2 AND parts.has_rest) OR (p.rank = 3 AND parts.has_third)
            """,
            uid=UID,
        ),
        timings,
    )


def insert_moves(env, timings):
    step(
        env,
        "insert_moves",
        SQL(
            """
            INSERT INTO stock_move (
                name, sequence, company_id, product_id, product_uom, location_id, location_dest_id, partner_id,
                picking_id, picking_type_id, warehouse_id, procure_method, state, priority, origin, reference,
                product_qty, product_uom_qty, quantity, picked, scrapped, propagate_cancel, is_inventory,
                additional, date, date_deadline, sale_line_id, create_uid, create_date, write_uid, write_date)
            SELECT l.name, 10, o.company_id, l.product_id, l.product_uom, o.location_id, o.location_dest_id,
                   o.partner_shipping_id, p.id, o.picking_type_id, o.warehouse_id, 'make_to_stock', p.state, '0',
                   o.name, 'WH/OUT/S' || lpad(p.id::text, 7, '0'),
                   m.qty * l.to_product_uom, m.qty,
                   CASE WHEN p.state = 'done' THEN m.qty ELSE 0 END, p.state = 'done', FALSE, TRUE, FALSE,
                   FALSE, p.date, o.promised, l.line_id, %(uid)s, p.date, %(uid)s, p.date
              FROM otif_seed_line l
              JOIN otif_seed_order o ON o.id = l.order_id
              JOIN otif_seed_picking p ON p.order_id = l.order_id
             CROSS JOIN LATERAL (
                 SELECT CASE p.rank
                            WHEN 1 THEN l.first_qty
                            WHEN 2 THEN l.second_qty
                            ELSE l.product_uom_qty - l.first_qty - l.second_qty
                        END AS qty
             ) m
             WHERE m.qty > 0
               AND EXISTS (SELECT 1 FROM stock_picking sp WHERE sp.id = p.id)
            """,
            uid=UID,
        ),
        timings,
    )


def update_derived(env, timings):
    """What Odoo derives from the pickings, one UPDATE per compute (see the module docstring)."""
    step(
        env,
        "qty_delivered",
        SQL(
            """
            UPDATE sale_order_line line SET qty_delivered = coalesce(done.qty, 0)
              FROM otif_seed_line l
         LEFT JOIN (SELECT m.sale_line_id, sum(m.quantity) AS qty
                      FROM stock_move m
                      JOIN stock_location dest ON dest.id = m.location_dest_id
                     WHERE m.state = 'done' AND dest.usage = 'customer'
                       AND m.sale_line_id IN (SELECT l.line_id FROM otif_seed_line l)
                  GROUP BY m.sale_line_id) done ON done.sale_line_id = l.line_id
             -- every goods line: populate's copies carry their original's delivered quantity
             WHERE line.id = l.line_id
            """
        ),
        timings,
    )
    step(
        env,
        "delivery_status",
        SQL(
            """
            UPDATE sale_order so
               SET delivery_status = CASE
                       WHEN agg.all_cancel THEN NULL
                       WHEN agg.all_closed THEN 'full'
                       WHEN agg.any_done AND agg.any_delivered THEN 'partial'
                       WHEN agg.any_done THEN 'started'
                       ELSE 'pending'
                   END,
                   effective_date = agg.first_done
              FROM (SELECT p.sale_id,
                           bool_and(p.state = 'cancel') AS all_cancel,
                           bool_and(p.state IN ('done', 'cancel')) AS all_closed,
                           bool_or(p.state = 'done') AS any_done,
                           min(p.date_done) FILTER (WHERE p.state = 'done') AS first_done,
                           EXISTS (SELECT 1 FROM sale_order_line l
                                    WHERE l.order_id = p.sale_id AND l.qty_delivered <> 0) AS any_delivered
                      FROM stock_picking p
                      JOIN otif_seed_order o ON o.id = p.sale_id
                  GROUP BY p.sale_id) agg
             WHERE so.id = agg.sale_id
            """
        ),
        timings,
    )
    step(
        env,
        "sales_admin_progress",
        SQL(
            """
            UPDATE sale_order so
               SET sales_admin_progress = CASE so.delivery_status
                       WHEN 'full' THEN 'delivered'
                       WHEN 'partial' THEN 'partly_delivered'
                       WHEN 'started' THEN 'partly_delivered'
                       ELSE 'confirmed'
                   END
              FROM otif_seed_order o
             WHERE so.id = o.id AND so.sales_admin_progress IN ('confirmed', 'partly_delivered', 'delivered')
            """
        ),
        timings,
    )
    step(
        env,
        "delivery_promise",
        SQL(
            """
            WITH facts AS (
                SELECT o.id,
                       timezone(coalesce(nullif(user_partner.tz, ''), nullif(company_partner.tz, ''), 'UTC'),
                                timezone('UTC', so.sales_admin_promised_date))::date AS promised_day,
                       timezone(coalesce(nullif(user_partner.tz, ''), nullif(company_partner.tz, ''), 'UTC'),
                                now())::date AS today,
                       tz.tz,
                       steps.open_date, steps.done_date
                  FROM otif_seed_order o
                  JOIN sale_order so ON so.id = o.id
                  JOIN res_company company ON company.id = so.company_id
                  JOIN res_partner company_partner ON company_partner.id = company.partner_id
             LEFT JOIN res_users salesman ON salesman.id = so.user_id
             LEFT JOIN res_partner user_partner ON user_partner.id = salesman.partner_id
                 CROSS JOIN LATERAL (SELECT coalesce(nullif(user_partner.tz, ''), nullif(company_partner.tz, ''),
                                                     'UTC') AS tz) tz
                 CROSS JOIN LATERAL (
                     SELECT max(p.scheduled_date) FILTER (
                                WHERE t.code <> 'incoming' AND p.state NOT IN ('done', 'cancel')) AS open_date,
                            max(p.date_done) FILTER (WHERE t.code = 'outgoing' AND p.state = 'done') AS done_date
                       FROM stock_picking p
                       JOIN stock_picking_type t ON t.id = p.picking_type_id
                      WHERE p.sale_id = o.id
                 ) steps
            ), outcome AS (
                SELECT f.id,
                       coalesce(f.open_date, f.done_date) AS projected,
                       f.open_date IS NULL AND f.done_date IS NOT NULL AS delivered,
                       f.promised_day, f.today,
                       timezone(f.tz, timezone('UTC', coalesce(f.open_date, f.done_date)))::date AS projected_day
                  FROM facts f
            )
            UPDATE sale_order so
               SET sales_admin_projected_date = oc.projected,
                   sales_admin_delivery_state = CASE
                       WHEN oc.delivered AND oc.projected_day > oc.promised_day THEN 'delivered_late'
                       WHEN oc.delivered THEN 'delivered_on_time'
                       WHEN oc.today > oc.promised_day THEN 'late'
                       WHEN oc.projected_day > oc.promised_day THEN 'at_risk'
                       ELSE 'on_schedule'
                   END,
                   sales_admin_days_late = CASE
                       WHEN oc.delivered THEN GREATEST(oc.projected_day - oc.promised_day, 0)
                       WHEN oc.today > oc.promised_day
                       THEN GREATEST(oc.today, coalesce(oc.projected_day, oc.today)) - oc.promised_day
                       ELSE GREATEST(coalesce(oc.projected_day - oc.promised_day, 0), 0)
                   END
              FROM outcome oc
             WHERE so.id = oc.id
            """
        ),
        timings,
    )
    step(
        env,
        "delivery_notice",
        SQL(
            """
            WITH notice AS (
                SELECT so.id, tz.tz,
                       CASE
                           WHEN timezone(tz.tz, timezone('UTC', so.sales_admin_projected_date))::date
                                > timezone(tz.tz, timezone('UTC', so.sales_admin_promised_date))::date
                           THEN so.sales_admin_projected_date
                           ELSE so.sales_admin_promised_date
                       END AS notice_date,
                       so.sales_admin_notified_date, so.sales_admin_notice_dismissed_date
                  FROM otif_seed_order o
                  JOIN sale_order so ON so.id = o.id
                  JOIN res_company company ON company.id = so.company_id
                  JOIN res_partner company_partner ON company_partner.id = company.partner_id
             LEFT JOIN res_users salesman ON salesman.id = so.user_id
             LEFT JOIN res_partner user_partner ON user_partner.id = salesman.partner_id
                 CROSS JOIN LATERAL (SELECT coalesce(nullif(user_partner.tz, ''), nullif(company_partner.tz, ''),
                                                     'UTC') AS tz) tz
                 WHERE so.sales_admin_delivery_state IN ('on_schedule', 'at_risk', 'late')
                   AND so.sales_admin_notified_date IS NOT NULL
            ), pending AS (
                SELECT n.id,
                       CASE WHEN timezone(n.tz, timezone('UTC', n.notice_date))::date IN (
                                     timezone(n.tz, timezone('UTC', n.sales_admin_notified_date))::date,
                                     coalesce(timezone(n.tz, timezone('UTC',
                                                       n.sales_admin_notice_dismissed_date))::date, '-infinity'))
                            THEN NULL ELSE n.notice_date END AS notice_date
                  FROM notice n
            )
            UPDATE sale_order so
               SET sales_admin_notice_date = pending.notice_date,
                   sales_admin_notice_pending = pending.notice_date IS NOT NULL
              FROM otif_seed_order o
         LEFT JOIN pending ON pending.id = o.id
             WHERE so.id = o.id
            """
        ),
        timings,
    )


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--share",
            type=float,
            default=1.0,
            help="share of the eligible orders to deliver, 0..1 (default: all)",
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (default: %(default)s)")
        parser.add_argument("--dry-run", action="store_true", help="roll everything back at the end (a trial)")

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    if not 0 < args.share <= 1:
        raise SystemExit("--share must be in (0, 1]")
    timings = []
    start = time.perf_counter()
    with environment(args.database, commit=not args.dry_run, superuser=True) as env:
        env.flush_all()
        plan_orders(env, args, timings)
        plan_pickings(env, timings)
        plan_moves(env, timings)
        insert_pickings(env, timings)
        insert_moves(env, timings)
        update_derived(env, timings)
        env.cr.execute(SQL("SELECT scenario, count(*) FROM otif_seed_order GROUP BY scenario ORDER BY scenario"))
        for scenario, count in env.cr.fetchall():
            print(f"seed_deliveries.orders.{scenario}: {count}", flush=True)
        env.cr.execute(
            SQL(
                "SELECT sales_admin_delivery_state, count(*) FROM sale_order so JOIN otif_seed_order o ON o.id = so.id "
                "GROUP BY 1 ORDER BY 1"
            )
        )
        for state, count in env.cr.fetchall():
            print(f"seed_deliveries.delivery_state.{state}: {count}", flush=True)
        if args.dry_run:
            print("seed_deliveries: dry run, rolled back", flush=True)
            return
    with environment(args.database, commit=True, superuser=True) as env:
        env.cr.execute(SQL("ANALYZE stock_picking; ANALYZE stock_move; ANALYZE sale_order; ANALYZE sale_order_line"))
        counts = env.execute_query(
            SQL(
                """SELECT (SELECT count(*) FROM stock_picking), (SELECT count(*) FROM stock_move),
                          (SELECT count(*) FROM stock_move WHERE sale_line_id IS NOT NULL)"""
            )
        )[0]
    print(
        f"seed_deliveries.total: {time.perf_counter() - start:.1f} s; now {counts[0]} pickings, {counts[1]} moves "
        f"({counts[2]} of order lines)",
        flush=True,
    )


if __name__ == "__main__":
    main()
