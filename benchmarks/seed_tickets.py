"""Seed many tickets (sales_admin.ticket) on a benchmark database built by ``make bench``, set-based.

    .venv/bin/python benchmarks/seed_tickets.py -d sales_admin_bench --count 500000 [--reset]

- SLA policies and priority rules (``Bench: ...``), made through the ORM when missing (a bench database is built
  without demo data, so it has none);
- ``--count`` tickets by one ``INSERT ... SELECT`` over ``generate_series`` on the database's customers (with one
  of their contacts), orders (their first product) and products, the types, stages and root causes of the addon's
  data: opened over the last 365 days, 85 % closed (answered and solved), 40 % complaints (with a root cause when
  closed), about 30 % linked to an order, priorities from the rules (with a few set by hand), numbers
  ``REQ/yyyy/nnnnnn``. A fixed random seed: two runs give the same tickets;
- the stored SLA fields of the CLOSED tickets by one SQL ``UPDATE`` that mirrors the computes, with one simplification:
  the deadlines count calendar hours, 4.2 per working hour (8 working hours a day, 5 days a week), instead of
  walking the company's calendar;
- the OPEN tickets (15 %: most opened in the last three days, 5 % of them one to four months ago; 7 % unanswered)
  get theirs from the ORM: ``_cron_refresh_sla`` (priority, policy, deadlines in working hours, breaches),
  committed per batch, so the crons see what the addon computes;
- ``ANALYZE``.

The seeded tickets carry a marker description; ``--reset`` deletes them (and their activities) first, so the script
can run again. Without ``--reset`` on a database already seeded, it stops.
"""

import sys
import time

from _common import environment, parse_args

from odoo.tools import SQL

MARKER = "<p>bench-seed-tickets</p>"

SLA_POLICIES = [
    # name, sequence, complaint types only, minimum priority, response hours, resolution hours
    ("Bench: urgent complaints", 1, True, "2", 2.0, 16.0),
    ("Bench: complaints", 2, True, "0", 4.0, 40.0),
    ("Bench: standard", 3, False, "0", 8.0, 80.0),
]
PRIORITY_RULES = [
    # name, priority, values
    ("Bench: complaints", "1", {"complaint": True}),
    ("Bench: overdue invoice", "2", {"has_overdue_invoice": True}),
    ("Bench: repeated complaints", "3", {"min_complaint_count": 40}),
]


def ensure_configuration(env):
    complaint_types = env["sales_admin.ticket.type"].search([("is_complaint", "=", True)])
    Sla = env["sales_admin.ticket.sla"].with_context(active_test=False)
    for name, sequence, complaints, priority, response, resolution in SLA_POLICIES:
        if not Sla.search([("name", "=", name)]):
            Sla.create(
                {
                    "name": name,
                    "sequence": sequence,
                    "ticket_type_ids": [(6, 0, complaint_types.ids if complaints else [])],
                    "priority": priority,
                    "response_hours": response,
                    "resolution_hours": resolution,
                    "company_id": False,
                }
            )
    Rule = env["sales_admin.ticket.priority.rule"].with_context(active_test=False)
    for name, priority, values in PRIORITY_RULES:
        if not Rule.search([("name", "=", name)]):
            values = dict(values)
            vals = {"name": name, "priority": priority, "company_id": False}
            if values.pop("complaint", False):
                vals["ticket_type_ids"] = [(6, 0, complaint_types.ids)]
            Rule.create({**vals, **values})
    env.flush_all()


def insert_sql(count, company_id):
    return SQL(
        """
        WITH customers AS (
            SELECT row_number() OVER (ORDER BY p.id) AS i, p.id,
                   (SELECT c.id FROM res_partner c WHERE c.parent_id = p.id AND c.active ORDER BY c.id LIMIT 1)
                       AS contact_id
              FROM res_partner p
             WHERE p.active AND p.parent_id IS NULL AND p.customer_rank > 0
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
        ),
        orders AS (
            SELECT row_number() OVER (ORDER BY o.id) AS i, o.id, p.commercial_partner_id AS partner_id,
                   (SELECT l.product_id FROM sale_order_line l
                     WHERE l.order_id = o.id AND l.product_id IS NOT NULL ORDER BY l.id LIMIT 1) AS product_id
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' AND o.company_id = %(company)s
        ),
        products AS (
            SELECT row_number() OVER (ORDER BY id) AS i, id FROM product_product WHERE active
        ),
        causes AS (
            SELECT row_number() OVER (ORDER BY id) AS i, id FROM sales_admin_ticket_root_cause
             WHERE parent_id IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM sales_admin_ticket_root_cause c WHERE c.parent_id IS NOT NULL)
        ),
        members AS (
            SELECT row_number() OVER (ORDER BY m.user_id) AS i, m.user_id, m.crm_team_id
              FROM crm_team_member m JOIN res_users u ON u.id = m.user_id AND u.active
             WHERE m.active
        ),
        sizes AS (
            SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
                   (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM causes) AS causes,
                   (SELECT count(*) FROM members) AS members
        ),
        draws AS (
            SELECT g,
                   random() AS r_closed, random() AS r_type, random() AS r_age, random() AS r_resp,
                   random() AS r_close, random() AS r_cust, random() AS r_order, random() AS r_prod,
                   random() AS r_cause, random() AS r_user, random() AS r_chan, random() AS r_prio,
                   random() AS r_stage, random() AS r_old, random() AS r_res
              FROM generate_series(1, %(count)s) g
        ),
        shaped AS (
            SELECT d.*, (d.r_closed < 0.85) AS closed,
                   CASE WHEN d.r_type < 0.40 THEN 'complaint' WHEN d.r_type < 0.75 THEN 'request' ELSE 'inquiry' END
                       AS kind,
                   CASE
                       WHEN d.r_closed < 0.85 THEN now() AT TIME ZONE 'UTC' - make_interval(secs => 86400 * (
                            35 + 330 * d.r_age))
                       WHEN d.r_old < 0.05 THEN now() AT TIME ZONE 'UTC' - make_interval(secs => 86400 * (
                            30 + 90 * d.r_age))
                       ELSE now() AT TIME ZONE 'UTC' - make_interval(secs => 86400 * 3 * d.r_age)
                   END AS date_open,
                   (d.r_order < 0.30) AS with_order
              FROM draws d
        )
        INSERT INTO sales_admin_ticket (
            company_id, ticket_type_id, contact_id, partner_id, sale_order_id, product_id, stage_id, team_id,
            user_id, root_cause_id, name, title, channel, priority, priority_auto, priority_manual, description,
            resolution_type, active, is_complaint, is_closed, date_open, date_last_stage_update, date_first_response,
            date_closed, sla_response_escalated, sla_resolution_escalated, create_uid, write_uid, create_date,
            write_date)
        SELECT %(company)s, tt.id, CASE WHEN s.with_order THEN NULL ELSE cu.contact_id END,
               COALESCE(o.partner_id, cu.id), o.id,
               CASE WHEN s.with_order THEN o.product_id
                    WHEN s.kind = 'complaint' AND s.r_prod < 0.5 THEN pr.id END,
               CASE WHEN s.closed THEN (CASE WHEN s.r_stage < 0.95 THEN st.solved ELSE st.cancelled END)
                    WHEN s.r_stage < 0.3 THEN st.new WHEN s.r_stage < 0.8 THEN st.progress ELSE st.waiting END,
               m.crm_team_id, m.user_id,
               CASE WHEN s.closed AND s.kind = 'complaint' THEN ca.id END,
               'REQ/' || to_char(s.date_open, 'YYYY') || '/' || lpad(s.g::text, 6, '0'),
               'Bench ' || s.kind || ' ' || s.g,
               (ARRAY['phone', 'email', 'email', 'visit', 'portal', 'walk_in'])[1 + floor(s.r_chan * 6)::int],
               p.priority, p.priority_auto, FALSE, %(marker)s,
               CASE WHEN s.closed AND s.kind = 'complaint' THEN
                   (ARRAY['credit_note', 'replacement', 'repair', 'explanation'])[1 + floor(s.r_res * 4)::int] END,
               TRUE, s.kind = 'complaint', s.closed, s.date_open,
               COALESCE(c.date_closed, c.date_first_response, s.date_open), c.date_first_response, c.date_closed,
               FALSE, FALSE, 1, 1, s.date_open, COALESCE(c.date_closed, s.date_open)
          FROM shaped s
         CROSS JOIN sizes z
          JOIN customers cu ON cu.i = 1 + floor(power(s.r_cust, 1.6) * z.customers)::int
          LEFT JOIN orders o ON s.with_order AND o.i = 1 + floor(s.r_order / 0.30 * z.orders)::int
          JOIN products pr ON pr.i = 1 + floor(s.r_prod * z.products)::int
          LEFT JOIN causes ca ON ca.i = 1 + floor(power(s.r_cause, 2.2) * z.causes)::int
          LEFT JOIN members m ON m.i = 1 + floor(s.r_user * z.members)::int
          JOIN sales_admin_ticket_type tt ON tt.id = (
                SELECT t.id FROM sales_admin_ticket_type t
                 WHERE t.is_complaint IS TRUE = (s.kind = 'complaint')
                 ORDER BY t.id OFFSET CASE WHEN s.kind = 'inquiry' THEN 1 ELSE 0 END LIMIT 1)
         CROSS JOIN (
                SELECT min(id) FILTER (WHERE sequence = 10) AS new, min(id) FILTER (WHERE sequence = 20) AS progress,
                       min(id) FILTER (WHERE sequence = 30) AS waiting,
                       min(id) FILTER (WHERE is_closed AND sequence = 40) AS solved,
                       max(id) FILTER (WHERE is_closed) AS cancelled
                  FROM sales_admin_ticket_stage) st
         CROSS JOIN LATERAL (
                SELECT CASE WHEN s.r_prio < 0.04 THEN '3' WHEN s.r_prio < 0.12 THEN '2'
                            WHEN s.kind = 'complaint' THEN '1' ELSE '0' END AS priority,
                       CASE WHEN s.kind = 'complaint' THEN '1' ELSE '0' END AS priority_auto) p
         CROSS JOIN LATERAL (
                SELECT CASE WHEN s.closed
                            THEN s.date_open + make_interval(secs => 3600 * (0.2 + 30 * power(s.r_resp, 2)))
                            WHEN s.r_resp < 0.93 THEN LEAST(
                                s.date_open + make_interval(secs => 3600 * (0.2 + 3 * power(s.r_resp, 2))),
                                now() AT TIME ZONE 'UTC')
                       END AS date_first_response,
                       CASE WHEN s.closed
                            THEN s.date_open + make_interval(secs => 3600 * (2 + 30 * power(s.r_resp, 2)
                                 + 24 * 25 * power(s.r_close, 3)))
                       END AS date_closed) c
        """,
        count=count,
        company=company_id,
        marker=MARKER,
    )


# the closed tickets' SLA fields, as the computes give them, with deadlines in calendar hours (4.2 per working
# hour: 8 working hours a day, 5 days a week); the first matching policy by sequence, as _get_ticket_policies;
# one statement, so each row is rewritten once
CLOSED_SLA_SQL = SQL(
    """
    WITH policy AS (
        SELECT t.id AS ticket_id, (
            SELECT sla.id FROM sales_admin_ticket_sla sla
             WHERE sla.active AND (sla.company_id IS NULL OR sla.company_id = t.company_id)
               AND t.priority::int >= sla.priority::int
               AND (NOT EXISTS (SELECT 1 FROM sales_admin_ticket_sla_sales_admin_ticket_type_rel r
                                 WHERE r.sales_admin_ticket_sla_id = sla.id)
                    OR EXISTS (SELECT 1 FROM sales_admin_ticket_sla_sales_admin_ticket_type_rel r
                                WHERE r.sales_admin_ticket_sla_id = sla.id
                                  AND r.sales_admin_ticket_type_id = t.ticket_type_id))
               AND NOT EXISTS (SELECT 1 FROM res_partner_category_sales_admin_ticket_sla_rel r
                                WHERE r.sales_admin_ticket_sla_id = sla.id)
             ORDER BY sla.sequence, sla.id LIMIT 1) AS sla_id
          FROM sales_admin_ticket t
         WHERE t.description = %(marker)s AND t.is_closed
    ),
    deadlines AS (
        SELECT t.id AS ticket_id, sla.id AS sla_id,
               CASE WHEN sla.response_hours > 0
                    THEN t.date_open + make_interval(secs => sla.response_hours * 4.2 * 3600) END AS response,
               CASE WHEN sla.resolution_hours > 0
                    THEN t.date_open + make_interval(secs => sla.resolution_hours * 4.2 * 3600) END AS resolution
          FROM policy
          JOIN sales_admin_ticket t ON t.id = policy.ticket_id
     LEFT JOIN sales_admin_ticket_sla sla ON sla.id = policy.sla_id
    ),
    breaches AS (
        SELECT d.*,
               COALESCE(d.response IS NOT NULL AND COALESCE(t.date_first_response, t.date_closed) > d.response,
                        FALSE) AS response_breached,
               COALESCE(d.resolution IS NOT NULL AND t.date_closed > d.resolution, FALSE) AS resolution_breached
          FROM deadlines d JOIN sales_admin_ticket t ON t.id = d.ticket_id
    )
    UPDATE sales_admin_ticket t
       SET sla_id = b.sla_id,
           sla_response_deadline = b.response,
           sla_resolution_deadline = b.resolution,
           sla_response_breached = b.response_breached,
           sla_resolution_breached = b.resolution_breached,
           sla_state = CASE WHEN b.sla_id IS NULL THEN NULL
                            WHEN b.response_breached OR b.resolution_breached THEN 'breached'
                            WHEN t.date_closed IS NOT NULL THEN 'met' ELSE 'on_time' END
      FROM breaches b
     WHERE t.id = b.ticket_id
    """,
    marker=MARKER,
)


def main():
    def add_arguments(parser):
        parser.add_argument("--count", type=int, default=500_000, help="tickets to make (default %(default)s)")
        parser.add_argument("--reset", action="store_true", help="delete the tickets seeded before, first")
        parser.add_argument("--batch", type=int, default=2000, help="open tickets per ORM batch (%(default)s)")

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    started = time.perf_counter()

    def step(text):
        print(f"seed_tickets: {text} ({time.perf_counter() - started:.1f} s)", flush=True)

    with environment(args.database, commit=True, superuser=True) as env:
        cr = env.cr
        seeded = env.execute_query(SQL("SELECT count(*) FROM sales_admin_ticket WHERE description = %s", MARKER))[0][0]
        if seeded and not args.reset:
            sys.exit(f"seed_tickets: {seeded} seeded tickets exist already: add --reset to make them again")
        if seeded:
            cr.execute(
                SQL(
                    """DELETE FROM mail_activity WHERE res_model = 'sales_admin.ticket' AND res_id IN (
                           SELECT id FROM sales_admin_ticket WHERE description = %(marker)s)""",
                    marker=MARKER,
                )
            )
            cr.execute(SQL("DELETE FROM sales_admin_ticket WHERE description = %s", MARKER))
            cr.commit()
            step(f"{seeded} seeded tickets deleted")
        ensure_configuration(env)
        cr.commit()
        cr.execute("SELECT setseed(0.42)")
        cr.execute(insert_sql(args.count, env.ref("base.main_company").id))
        step(f"{cr.rowcount} tickets inserted")
        cr.execute(CLOSED_SLA_SQL)
        cr.commit()
        step("SLA fields of the closed tickets (SQL)")
        cr.execute("ANALYZE sales_admin_ticket")
        env.invalidate_all()
        # the open tickets: the ORM computes, in batches committed one by one (the nightly cron)
        refreshed = env["sales_admin.ticket"]._cron_refresh_sla(batch_size=args.batch)
        cr.commit()
        step(f"SLA fields of the {refreshed} open tickets (ORM, _cron_refresh_sla)")
        cr.execute("ANALYZE sales_admin_ticket")
        rows = env.execute_query(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE NOT is_closed), count(*) FILTER (WHERE is_complaint),
                          count(*) FILTER (WHERE NOT is_closed AND (sla_response_breached OR sla_resolution_breached)),
                          count(*) FILTER (WHERE NOT is_closed AND sla_response_breached)
                          + count(*) FILTER (WHERE NOT is_closed AND sla_resolution_breached)
                     FROM sales_admin_ticket WHERE description = %s""",
                MARKER,
            )
        )[0]
        step(
            f"done: {rows[0]} tickets, {rows[1]} open, {rows[2]} complaints, {rows[3]} open tickets past a "
            f"deadline ({rows[4]} breaches)"
        )


if __name__ == "__main__":
    main()
