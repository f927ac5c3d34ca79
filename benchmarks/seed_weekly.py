"""The weekly report's benchmark data: 2M confirmed order lines, 1M invoice lines, payments (bench_weekly_report.py).

    createdb -T sales_admin_bench_100k sales_admin_bench_weekly      # nothing connected to the template
    odoo-bin ... -d sales_admin_bench_weekly -u sales_admin_addon --stop-after-init
    .venv/bin/python benchmarks/seed_weekly.py -d sales_admin_bench_weekly [--order-lines 2000000]
        [--invoice-lines 1000000] [--refunds 0.10] [--paid 0.65] [--partial 0.15] [--seed 42]
    .venv/bin/python benchmarks/seed_weekly.py -d sales_admin_bench_weekly --targets   # targets only
    .venv/bin/python benchmarks/seed_weekly.py -d sales_admin_bench_weekly --check     # counts and checks only

Everything in set-based SQL (``INSERT ... SELECT``), ids from the tables' sequences, every column copied from rows
Odoo made (the template database's confirmed orders, customer invoices and one payment) except those listed:

- orders: the confirmed orders (``state = 'sale'``) are copied with their lines and taxes until the confirmed order
  lines reach ``--order-lines`` (whole copies first, then orders drawn by a hash of ``--seed``); each copy moves by
  a whole number of days so that ``date_order`` falls 1 to 730 days before today (uniformly, time of day kept;
  every other date and timestamp of the order moves with it); name ``<template name>/C<n>``; salesperson, team,
  customer, currency, pricelist, lines (products, hence categories) and amounts are the template's;
  access token, procurement group and attachments empty;
- invoices: the template's posted customer invoices (Odoo-made: product lines, a 15 % tax line, one receivable
  line) are copied with their journal items and taxes until the product lines (``display_type = 'product'``) of
  posted customer invoices and credit notes reach ``--invoice-lines``; ``--refunds`` of the copies become credit
  notes (``out_refund``: every amount of the journal items negated, debit and credit swapped, the tax's refund
  repartition line, ``tax_tag_invert`` flipped, signed header amounts negated, sequence ``RINV/yyyy/``); the
  invoice date falls 0 to 729 days before today (uniformly), the accounting, due, delivery and maturity dates move
  with it; names continue the journal's sequence of each year; salesperson (``invoice_user_id``), team, customer
  and amounts are the template's; every copy starts unpaid (residual = total, ``payment_state = 'not_paid'``);
- payments: ``--paid`` of the invoice copies whose payment date (invoice date + 0 to 59 days) is not after today
  get a customer payment (``account.payment`` and its move, copies of the template's first payment: bank journal,
  ``move_type = 'entry'``, an outstanding-receipts line and a receivable line), for the whole residual or, for
  ``--partial`` of them, 20 % to 90 % of it; an ``account.partial.reconcile`` joins the invoice's receivable line
  (debit) and the payment's (credit) with ``max_date`` = the later of both dates, and an
  ``account.full.reconcile`` when the invoice is paid in full; residuals, reconciled flags, matching numbers
  (``<full id>`` or ``P<partial id>``) and the invoices' ``payment_state`` (paid / partial) follow;
- targets (when the addon has ``sales_admin.target``; ``--targets`` alone deletes every target of the database and
  makes them again): the company's language set to Polish (its weeks start on Monday, so they are ISO weeks),
  its time zone to Europe/Warsaw (the day of an order);
  through the ORM, monthly targets per salesperson (with his team) over the 26 months around today (ordered /
  invoiced / collected: 80 % to 120 % of his average month) and quarterly targets per team and product category
  (ordered only);
- ``ANALYZE``, then the checks (``--check`` alone): counts, every journal entry balanced, residuals equal to the
  receivable balance minus the partials, payment states consistent with the residuals, and the stored computes of
  a sample of 400 invoices and credit notes and 100 payments (amounts, residuals, payment state, reconciled flags)
  recomputed by the ORM and compared with what the SQL wrote. Exit 1 on a difference.

It refuses a database seeded before (an ``ir.config_parameter``, ``sales_admin_bench.seed_weekly``). The random
choices are md5 hashes of ``--seed`` and the template's id: the same database and seed give the same data, dated
from the day of the seed.
"""

import sys
import time
from datetime import date, timedelta

from _common import environment, parse_args

from odoo import fields
from odoo.tools import SQL

PARAM = "sales_admin_bench.seed_weekly"
MAIL_OFF = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True, "mail_notrack": True}
DAYS = 730  # two years of history


def timed(cr, text, query):
    start = time.perf_counter()
    cr.execute(query)
    print(f"seed_weekly: {cr.rowcount} {text} in {time.perf_counter() - start:.1f} s", flush=True)
    return cr.rowcount


def columns_of(cr, table):
    cr.execute(
        SQL(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    return cr.fetchall()


def copy_sql(cr, table, alias, overrides, source, shift_days=None):
    """INSERT INTO table (every column) SELECT the template's columns, some replaced by ``overrides``.

    With ``shift_days`` (an SQL expression of days), every other date and timestamp column moves by that many days.
    Overrides of columns the table does not have are ignored (the addon's columns come and go).
    """
    expressions = []
    columns = columns_of(cr, table)
    for column, data_type in columns:
        source_column = SQL("%s.%s", SQL.identifier(alias), SQL.identifier(column))
        if column in overrides:
            expressions.append(SQL(overrides[column]))
        elif shift_days and data_type == "date":
            expressions.append(SQL("%s + (%s)", source_column, SQL(shift_days)))
        elif shift_days and data_type.startswith("timestamp"):
            expressions.append(SQL("%s + make_interval(days => (%s))", source_column, SQL(shift_days)))
        else:
            expressions.append(source_column)
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column, _type in columns),
        SQL(", ").join(expressions),
        SQL(source),
    )


class WeeklySeeder:
    def __init__(self, env, args):
        self.env = env(context=dict(env.context, **MAIL_OFF))
        self.cr = env.cr
        self.args = args
        self.started = time.perf_counter()
        # a deterministic uniform number in [0, 1) from the seed and a text key
        self.cr.execute(
            SQL(
                """
                CREATE FUNCTION pg_temp.wk_rnd(key text) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
                    SELECT ('x' || substr(md5(%s || ':' || key), 1, 8))::bit(32)::bigint / 4294967296.0
                $$
                """,
                str(args.seed),
            )
        )

    def step(self, message):
        print(f"[{time.perf_counter() - self.started:7.1f} s] seed_weekly: {message}", flush=True)

    def commit(self):
        self.env.flush_all()
        self.cr.commit()
        self.env.invalidate_all()

    def scalar(self, query):
        self.cr.execute(query)
        return self.cr.fetchone()[0]

    # ------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------

    def orders(self):
        cr = self.cr
        confirmed = self.scalar(
            SQL("SELECT count(*) FROM sale_order_line l JOIN sale_order s ON s.id = l.order_id WHERE s.state = 'sale'")
        )
        needed = self.args.order_lines - confirmed
        if needed <= 0:
            self.step(f"orders: {confirmed} confirmed order lines already")
            return
        rounds = -(-needed // confirmed)
        timed(
            cr,
            "confirmed orders to copy (template, copy number, date)",
            SQL(
                """
                CREATE TEMPORARY TABLE wk_order AS
                WITH candidate AS (
                    SELECT s.id AS template_id, k, s.date_order, count(l.id) AS n_lines,
                           pg_temp.wk_rnd('order:' || s.id || ':' || k) AS r_pick,
                           pg_temp.wk_rnd('order-date:' || s.id || ':' || k) AS r_date
                      FROM sale_order s
                      JOIN sale_order_line l ON l.order_id = s.id
                     CROSS JOIN generate_series(1, %(rounds)s) AS k
                     WHERE s.state = 'sale'
                  GROUP BY s.id, k
                ), ranked AS (
                    SELECT c.*, sum(n_lines) OVER (ORDER BY k, r_pick, template_id) AS running
                      FROM candidate c
                )
                SELECT template_id, k, nextval('sale_order_id_seq') AS new_id,
                       (current_date - (1 + floor(r_date * %(days)s))::int) - date_order::date AS shift
                  FROM ranked
                 WHERE running - n_lines < %(needed)s
                """,
                rounds=rounds,
                days=DAYS,
                needed=needed,
            ),
        )
        cr.execute(SQL("CREATE INDEX ON wk_order (template_id); ANALYZE wk_order"))
        timed(
            cr,
            "order lines planned",
            SQL(
                """
                CREATE TEMPORARY TABLE wk_order_line AS
                SELECT l.id AS old_id, nextval('sale_order_line_id_seq') AS new_id, o.new_id AS new_order_id, o.shift
                  FROM wk_order o JOIN sale_order_line l ON l.order_id = o.template_id
                """
            ),
        )
        cr.execute(SQL("CREATE INDEX ON wk_order_line (old_id); ANALYZE wk_order_line"))
        order_overrides = {
            "id": "o.new_id",
            "name": "s.name || '/C' || o.k",
            "access_token": "NULL",
            "message_main_attachment_id": "NULL",
            "procurement_group_id": "NULL",
        }
        timed(
            cr,
            "sale_order rows copied",
            copy_sql(
                cr,
                "sale_order",
                "s",
                order_overrides,
                "wk_order o JOIN sale_order s ON s.id = o.template_id",
                shift_days="o.shift",
            ),
        )
        timed(
            cr,
            "sale_order_line rows copied",
            copy_sql(
                cr,
                "sale_order_line",
                "l",
                {"id": "nl.new_id", "order_id": "nl.new_order_id"},
                "wk_order_line nl JOIN sale_order_line l ON l.id = nl.old_id",
                shift_days="nl.shift",
            ),
        )
        timed(
            cr,
            "taxes of the order lines copied",
            SQL(
                """
                INSERT INTO account_tax_sale_order_line_rel (sale_order_line_id, account_tax_id)
                SELECT nl.new_id, rel.account_tax_id
                  FROM wk_order_line nl JOIN account_tax_sale_order_line_rel rel ON rel.sale_order_line_id = nl.old_id
                """
            ),
        )
        cr.execute(SQL("DROP TABLE wk_order_line; DROP TABLE wk_order"))
        self.commit()
        cr.execute(SQL("ANALYZE sale_order; ANALYZE sale_order_line"))
        self.step("orders copied")

    # ------------------------------------------------------------
    # Invoices and credit notes
    # ------------------------------------------------------------

    def invoices(self):
        cr = self.cr
        existing = self.scalar(
            SQL(
                """SELECT count(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                    WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                      AND l.display_type = 'product'"""
            )
        )
        template_lines = self.scalar(
            SQL(
                """SELECT count(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                    WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND l.display_type = 'product'"""
            )
        )
        needed = self.args.invoice_lines - existing
        if needed <= 0:
            self.step(f"invoices: {existing} invoice lines already")
            return
        rounds = -(-needed // template_lines)
        timed(
            cr,
            "invoice copies planned (ids, type, names, dates)",
            SQL(
                """
                CREATE TEMPORARY TABLE wk_move AS
                WITH candidate AS (
                    SELECT m.id AS template_id, k, m.journal_id, m.invoice_date,
                           (SELECT count(*) FROM account_move_line l
                             WHERE l.move_id = m.id AND l.display_type = 'product') AS n_lines,
                           pg_temp.wk_rnd('invoice:' || m.id || ':' || k) AS r_pick,
                           pg_temp.wk_rnd('invoice-date:' || m.id || ':' || k) AS r_date,
                           pg_temp.wk_rnd('refund:' || m.id || ':' || k) < %(refunds)s AS is_refund
                      FROM account_move m
                     CROSS JOIN generate_series(1, %(rounds)s) AS k
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                ), chosen AS (
                    SELECT c.*, (current_date - floor(r_date * %(days)s)::int) AS new_date
                      FROM (SELECT c.*, sum(n_lines) OVER (ORDER BY k, r_pick, template_id) AS running
                              FROM candidate c) c
                     WHERE running - n_lines < %(needed)s
                ), prefixed AS (
                    SELECT c.*, c.new_date - c.invoice_date AS shift,
                           CASE WHEN is_refund THEN 'RINV/' ELSE 'INV/' END || to_char(new_date, 'YYYY') || '/'
                               AS prefix
                      FROM chosen c
                ), numbered AS (
                    SELECT p.*,
                           coalesce(last.number, 0)
                           + row_number() OVER (PARTITION BY p.journal_id, p.prefix ORDER BY p.new_date, p.k,
                                                p.template_id) AS number
                      FROM prefixed p
                 LEFT JOIN (SELECT journal_id, sequence_prefix, max(sequence_number) AS number
                              FROM account_move GROUP BY 1, 2) last
                        ON last.journal_id = p.journal_id AND last.sequence_prefix = p.prefix
                )
                SELECT n.template_id, n.k, n.shift, n.is_refund, n.prefix, n.number,
                       CASE WHEN n.is_refund THEN -1 ELSE 1 END AS sign,
                       nextval('account_move_id_seq') AS new_id,
                       n.prefix || lpad(n.number::text, greatest(5, length(n.number::text)), '0') AS new_name
                  FROM numbered n
                """,
                rounds=rounds,
                days=DAYS,
                needed=needed,
                refunds=self.args.refunds,
            ),
        )
        cr.execute(SQL("CREATE INDEX ON wk_move (new_id); ANALYZE wk_move"))
        timed(
            cr,
            "journal items planned",
            SQL(
                """
                CREATE TEMPORARY TABLE wk_line AS
                SELECT l.id AS old_id, nextval('account_move_line_id_seq') AS new_id, c.new_id AS new_move_id
                  FROM wk_move c JOIN account_move_line l ON l.move_id = c.template_id
                """
            ),
        )
        cr.execute(SQL("CREATE INDEX ON wk_line (old_id); ANALYZE wk_line"))
        move_overrides = {
            "id": "c.new_id",
            "name": "c.new_name",
            "sequence_prefix": "c.prefix",
            "sequence_number": "c.number",
            "move_type": "CASE WHEN c.is_refund THEN 'out_refund' ELSE 'out_invoice' END",
            "payment_reference": "c.new_name",
            "payment_state": "'not_paid'",
            "amount_residual": "m.amount_total",
            "amount_untaxed_signed": "c.sign * m.amount_untaxed_signed",
            "amount_untaxed_in_currency_signed": "c.sign * m.amount_untaxed_in_currency_signed",
            "amount_tax_signed": "c.sign * m.amount_tax_signed",
            "amount_total_signed": "c.sign * m.amount_total_signed",
            "amount_total_in_currency_signed": "c.sign * m.amount_total_in_currency_signed",
            "amount_residual_signed": "c.sign * m.amount_total_signed",
            "reversed_entry_id": "NULL",
            "access_token": "NULL",
            "message_main_attachment_id": "NULL",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "sending_data": "NULL",
            "is_move_sent": "FALSE",
            "sales_admin_in_dispute": "FALSE",
            "sales_admin_dispute_hold": "FALSE",
            "sales_admin_reminder_level_id": "NULL",
            "sales_admin_last_reminder_date": "NULL",
            "create_date": "(m.invoice_date + c.shift) + interval '9 hours'",
            "write_date": "(m.invoice_date + c.shift) + interval '9 hours'",
        }
        timed(
            cr,
            "account_move rows copied (invoices and credit notes)",
            copy_sql(
                cr,
                "account_move",
                "m",
                move_overrides,
                "wk_move c JOIN account_move m ON m.id = c.template_id",
                shift_days="c.shift",
            ),
        )
        line_overrides = {
            "id": "nl.new_id",
            "move_id": "nl.new_move_id",
            "move_name": "c.new_name",
            "name": "CASE WHEN l.display_type = 'payment_term' THEN c.new_name ELSE l.name END",
            "balance": "c.sign * l.balance",
            "amount_currency": "c.sign * l.amount_currency",
            "debit": "CASE WHEN c.is_refund THEN l.credit ELSE l.debit END",
            "credit": "CASE WHEN c.is_refund THEN l.debit ELSE l.credit END",
            "amount_residual": "CASE WHEN l.display_type = 'payment_term' THEN c.sign * l.balance ELSE 0 END",
            "amount_residual_currency": (
                "CASE WHEN l.display_type = 'payment_term' THEN c.sign * l.amount_currency ELSE 0 END"
            ),
            "tax_tag_invert": "CASE WHEN c.is_refund THEN NOT l.tax_tag_invert ELSE l.tax_tag_invert END",
            "tax_repartition_line_id": (
                "CASE WHEN c.is_refund AND l.tax_repartition_line_id IS NOT NULL THEN"
                " (SELECT refund.id FROM account_tax_repartition_line invoice"
                "    JOIN account_tax_repartition_line refund ON refund.tax_id = invoice.tax_id"
                "     AND refund.document_type = 'refund' AND refund.repartition_type = invoice.repartition_type"
                "     AND refund.sequence = invoice.sequence"
                "   WHERE invoice.id = l.tax_repartition_line_id LIMIT 1)"
                " ELSE l.tax_repartition_line_id END"
            ),
            "matching_number": "NULL",
            "full_reconcile_id": "NULL",
            "reconciled": "FALSE",
            "create_date": "(l.date + c.shift) + interval '9 hours'",
            "write_date": "(l.date + c.shift) + interval '9 hours'",
        }
        timed(
            cr,
            "account_move_line rows copied",
            copy_sql(
                cr,
                "account_move_line",
                "l",
                line_overrides,
                "wk_line nl JOIN account_move_line l ON l.id = nl.old_id JOIN wk_move c ON c.new_id = nl.new_move_id",
                shift_days="c.shift",
            ),
        )
        timed(
            cr,
            "taxes of the journal items copied",
            SQL(
                """
                INSERT INTO account_move_line_account_tax_rel (account_move_line_id, account_tax_id)
                SELECT nl.new_id, rel.account_tax_id
                  FROM wk_line nl JOIN account_move_line_account_tax_rel rel ON rel.account_move_line_id = nl.old_id
                """
            ),
        )
        timed(
            cr,
            "tax tags of the journal items copied",
            SQL(
                """
                INSERT INTO account_account_tag_account_move_line_rel (account_move_line_id, account_account_tag_id)
                SELECT nl.new_id, rel.account_account_tag_id
                  FROM wk_line nl
                  JOIN account_account_tag_account_move_line_rel rel ON rel.account_move_line_id = nl.old_id
                """
            ),
        )
        cr.execute(SQL("DROP TABLE wk_line"))
        self.commit()
        cr.execute(SQL("ANALYZE account_move; ANALYZE account_move_line"))
        self.step("invoices and credit notes copied")

    # ------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------

    def payments(self):
        cr = self.cr
        template = self.env["account.payment"].search(
            [("partner_type", "=", "customer"), ("payment_type", "=", "inbound"), ("move_id", "!=", False)],
            order="id",
            limit=1,
        )
        if not template or template.journal_id.type != "bank":
            sys.exit("seed_weekly: no customer payment in a bank journal to copy in this database")
        timed(
            cr,
            "payments planned (invoice, amount, date, ids)",
            SQL(
                """
                CREATE TEMPORARY TABLE wk_pay AS
                WITH drawn AS (
                    SELECT m.id AS invoice_id, m.name AS invoice_name, m.commercial_partner_id AS partner_id,
                           m.invoice_date, m.amount_residual, l.id AS receivable_id,
                           m.invoice_date + floor(pg_temp.wk_rnd('pay-date:' || m.id) * 60)::int AS pay_date,
                           pg_temp.wk_rnd('paid:' || m.id) < %(paid)s AS paid,
                           pg_temp.wk_rnd('partial:' || m.id) < %(partial)s AS is_partial,
                           pg_temp.wk_rnd('part:' || m.id) AS r_part
                      FROM wk_move c
                      JOIN account_move m ON m.id = c.new_id
                      JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'payment_term'
                     WHERE NOT c.is_refund
                ), planned AS (
                    SELECT d.*,
                           CASE WHEN is_partial THEN round(amount_residual * (0.2 + 0.7 * r_part)::numeric, 2)
                                ELSE amount_residual END AS amount,
                           regexp_replace(%(prefix)s, '\\d{4}', to_char(pay_date, 'YYYY')) AS prefix
                      FROM drawn d
                     WHERE paid AND pay_date <= current_date
                ), numbered AS (
                    SELECT p.*, coalesce(last.number, 0)
                                + row_number() OVER (PARTITION BY p.prefix ORDER BY p.pay_date, p.invoice_id) AS number
                      FROM planned p
                 LEFT JOIN (SELECT sequence_prefix, max(sequence_number) AS number
                              FROM account_move WHERE journal_id = %(journal)s GROUP BY 1) last
                        ON last.sequence_prefix = p.prefix
                )
                SELECT n.*, NOT n.is_partial AS full_payment,
                       n.prefix || lpad(n.number::text, greatest(5, length(n.number::text)), '0') AS name,
                       nextval('account_payment_id_seq') AS payment_id,
                       nextval('account_move_id_seq') AS move_id,
                       nextval('account_move_line_id_seq') AS liquidity_id,
                       nextval('account_move_line_id_seq') AS counterpart_id,
                       nextval('account_partial_reconcile_id_seq') AS partial_id,
                       CASE WHEN NOT n.is_partial THEN nextval('account_full_reconcile_id_seq') END AS full_id
                  FROM numbered n
                """,
                paid=self.args.paid,
                partial=self.args.partial,
                journal=template.journal_id.id,
                prefix=template.move_id.sequence_prefix,
            ),
        )
        cr.execute(SQL("ANALYZE wk_pay"))
        stamp = "p.pay_date + interval '15 hours'"
        timed(
            cr,
            "account_full_reconcile rows made (invoices paid in full)",
            SQL(
                """
                INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
                SELECT full_id, 1, 1, %(stamp)s, %(stamp)s FROM wk_pay p WHERE full_id IS NOT NULL
                """,
                stamp=SQL(stamp),
            ),
        )
        matching = "CASE WHEN p.full_id IS NOT NULL THEN p.full_id::text ELSE 'P' || p.partial_id END"
        move_overrides = {
            "id": "p.move_id",
            "name": "p.name",
            "sequence_prefix": "p.prefix",
            "sequence_number": "p.number",
            "origin_payment_id": "NULL",  # set once the payments exist (the foreign keys go both ways)
            "partner_id": "p.partner_id",
            "commercial_partner_id": "p.partner_id",
            "ref": "p.invoice_name",
            "date": "p.pay_date",
            "invoice_date_due": "p.pay_date",
            "invoice_partner_display_name": "partner.complete_name",
            "amount_total": "p.amount",
            "amount_total_signed": "p.amount",
            "amount_total_in_currency_signed": "p.amount",
            "amount_residual": "0",
            "amount_residual_signed": "0",
            "access_token": "NULL",
            "message_main_attachment_id": "NULL",
            "create_date": stamp,
            "write_date": stamp,
        }
        timed(
            cr,
            "payment moves made (bank journal, entry)",
            copy_sql(
                cr,
                "account_move",
                "m",
                move_overrides,
                f"wk_pay p JOIN account_move m ON m.id = {int(template.move_id.id)}"
                " JOIN res_partner partner ON partner.id = p.partner_id",
            ),
        )
        payment_overrides = {
            "id": "p.payment_id",
            "move_id": "p.move_id",
            "partner_id": "p.partner_id",
            "name": "p.name",
            "memo": "p.invoice_name",
            "payment_reference": "NULL",
            "date": "p.pay_date",
            "amount": "p.amount",
            "amount_company_currency_signed": "p.amount",
            "state": "'paid'",
            "is_reconciled": "TRUE",
            "is_matched": "FALSE",
            "message_main_attachment_id": "NULL",
            "create_date": stamp,
            "write_date": stamp,
        }
        timed(
            cr,
            "account_payment rows made",
            copy_sql(
                cr,
                "account_payment",
                "t",
                payment_overrides,
                f"wk_pay p JOIN account_payment t ON t.id = {int(template.id)}",
            ),
        )
        cr.execute(
            SQL("UPDATE account_move m SET origin_payment_id = p.payment_id FROM wk_pay p WHERE m.id = p.move_id")
        )
        liquidity = template.move_id.line_ids.filtered(lambda aml: aml.balance > 0)
        counterpart = template.move_id.line_ids.filtered(lambda aml: aml.balance < 0)
        line_overrides = {
            "id": "CASE WHEN l.balance > 0 THEN p.liquidity_id ELSE p.counterpart_id END",
            "move_id": "p.move_id",
            "move_name": "p.name",
            "partner_id": "p.partner_id",
            "payment_id": "p.payment_id",
            "name": "'Manual Payment: ' || p.invoice_name",
            "date": "p.pay_date",
            "date_maturity": "p.pay_date",
            "balance": "sign(l.balance) * p.amount",
            "amount_currency": "sign(l.balance) * p.amount",
            "debit": "CASE WHEN l.balance > 0 THEN p.amount ELSE 0 END",
            "credit": "CASE WHEN l.balance > 0 THEN 0 ELSE p.amount END",
            "amount_residual": "CASE WHEN l.balance > 0 THEN p.amount ELSE 0 END",
            "amount_residual_currency": "CASE WHEN l.balance > 0 THEN p.amount ELSE 0 END",
            "reconciled": "l.balance < 0",
            "full_reconcile_id": "CASE WHEN l.balance < 0 THEN p.full_id END",
            "matching_number": f"CASE WHEN l.balance < 0 THEN {matching} END",
            "create_date": stamp,
            "write_date": stamp,
        }
        timed(
            cr,
            "payment journal items made (outstanding receipts, receivable)",
            copy_sql(
                cr,
                "account_move_line",
                "l",
                line_overrides,
                f"wk_pay p JOIN account_move_line l ON l.id IN ({int(liquidity.id)}, {int(counterpart.id)})",
            ),
        )
        timed(
            cr,
            "account_partial_reconcile rows made (invoice receivable x payment receivable)",
            SQL(
                """
                INSERT INTO account_partial_reconcile (id, debit_move_id, credit_move_id, full_reconcile_id,
                       debit_currency_id, credit_currency_id, company_id, create_uid, write_uid, max_date, amount,
                       debit_amount_currency, credit_amount_currency, create_date, write_date)
                SELECT p.partial_id, p.receivable_id, p.counterpart_id, p.full_id, l.currency_id, l.currency_id,
                       l.company_id, 1, 1, greatest(p.invoice_date, p.pay_date), p.amount, p.amount, p.amount,
                       %(stamp)s, %(stamp)s
                  FROM wk_pay p JOIN account_move_line l ON l.id = p.receivable_id
                """,
                stamp=SQL(stamp),
            ),
        )
        timed(
            cr,
            "invoice receivable lines updated (residual, reconciled, matching number)",
            SQL(
                """
                UPDATE account_move_line l
                   SET amount_residual = l.amount_residual - p.amount,
                       amount_residual_currency = l.amount_residual_currency - p.amount,
                       reconciled = p.full_id IS NOT NULL, full_reconcile_id = p.full_id,
                       matching_number = %(matching)s
                  FROM wk_pay p WHERE l.id = p.receivable_id
                """,
                matching=SQL(matching),
            ),
        )
        timed(
            cr,
            "invoices updated (residual, payment state)",
            SQL(
                """
                UPDATE account_move m
                   SET amount_residual = m.amount_residual - p.amount,
                       amount_residual_signed = m.amount_residual_signed - p.amount,
                       payment_state = CASE WHEN p.full_id IS NOT NULL THEN 'paid' ELSE 'partial' END
                  FROM wk_pay p WHERE m.id = p.invoice_id
                """
            ),
        )
        cr.execute(SQL("DROP TABLE wk_pay; DROP TABLE wk_move"))
        self.commit()
        self.step("payments made and reconciled")

    # ------------------------------------------------------------
    # Targets
    # ------------------------------------------------------------

    def targets(self):
        env = self.env
        if "sales_admin.target" not in env:
            self.step("targets: the addon has no sales_admin.target (upgrade it, then run --targets)")
            return
        Target = env["sales_admin.target"].with_context(active_test=False)
        old = Target.search([])
        if old:
            old.unlink()
            self.step(f"targets: {len(old)} targets deleted")
        # a Polish company: its weeks start on Monday (the week of the company's language), ISO weeks
        company = env.ref("base.main_company")
        if company.partner_id.lang != "pl_PL" or company.partner_id.tz != "Europe/Warsaw":
            env["res.lang"]._activate_lang("pl_PL")
            company.partner_id.write({"lang": "pl_PL", "tz": "Europe/Warsaw"})
            self.step("targets: the company's language set to Polish (weeks from Monday), time zone Europe/Warsaw")
        today = fields.Date.context_today(env.user)
        first = date(today.year - 2, today.month, 1)
        months = [
            first.replace(year=first.year + (first.month - 1 + i) // 12, month=(first.month - 1 + i) % 12 + 1)
            for i in range(26)
        ]
        # each salesperson's average month over the two years: ordered, invoiced (net), collected
        averages = dict(
            (user_id, (ordered, invoiced, collected))
            for user_id, ordered, invoiced, collected in env.execute_query(
                SQL(
                    """
                    WITH o AS (SELECT s.user_id, sum(s.amount_untaxed / coalesce(nullif(s.currency_rate, 0), 1)) a
                                 FROM sale_order s WHERE s.state = 'sale' AND s.date_order >= %(since)s GROUP BY 1),
                         i AS (SELECT m.invoice_user_id AS user_id, sum(m.amount_untaxed_signed) a
                                 FROM account_move m WHERE m.state = 'posted'
                                  AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date >= %(since)s
                             GROUP BY 1),
                         c AS (SELECT m.invoice_user_id AS user_id, sum(p.amount) a
                                 FROM account_partial_reconcile p
                                 JOIN account_move_line l ON l.id = p.debit_move_id
                                 JOIN account_move m ON m.id = l.move_id AND m.move_type = 'out_invoice'
                                WHERE p.max_date >= %(since)s GROUP BY 1)
                    SELECT o.user_id, o.a / 24, coalesce(i.a, 0) / 24, coalesce(c.a, 0) / 24
                      FROM o LEFT JOIN i ON i.user_id = o.user_id LEFT JOIN c ON c.user_id = o.user_id
                     WHERE o.user_id IS NOT NULL
                    """,
                    since=today - timedelta(days=DAYS),
                )
            )
        )
        users = env["res.users"].browse(sorted(averages))
        rnd = self._rnd_py
        vals_list = []
        for user in users:
            ordered, invoiced, collected = averages[user.id]
            team = user.sale_team_id
            for month in months:
                key = f"{user.id}:{month}"
                vals_list.append(
                    {
                        "company_id": user.company_id.id,
                        "user_id": user.id,
                        "team_id": team.id,
                        "period_type": "month",
                        "date_from": month,
                        "phasing": "working_days",
                        "target_ordered": round(float(ordered) * (0.8 + 0.4 * rnd("to:" + key)), -2),
                        "target_invoiced": round(float(invoiced) * (0.8 + 0.4 * rnd("ti:" + key)), -2),
                        "target_collected": round(float(collected) * (0.8 + 0.4 * rnd("tc:" + key)), -2),
                    }
                )
        # quarterly targets per team and product category (ordered only)
        by_team_categ = env.execute_query(
            SQL(
                """
                SELECT s.team_id, t.categ_id, sum(l.price_subtotal) / 8
                  FROM sale_order_line l JOIN sale_order s ON s.id = l.order_id
                  JOIN product_product p ON p.id = l.product_id JOIN product_template t ON t.id = p.product_tmpl_id
                 WHERE s.state = 'sale' AND s.team_id IS NOT NULL AND s.date_order >= %s
              GROUP BY 1, 2 ORDER BY 1, 2
                """,
                today - timedelta(days=DAYS),
            )
        )
        teams = {team.id: team for team in env["crm.team"].browse({row[0] for row in by_team_categ})}
        for team_id, categ_id, amount in by_team_categ:
            for month in months[::3]:
                quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
                vals_list.append(
                    {
                        "company_id": teams[team_id].company_id.id or env.company.id,
                        "team_id": team_id,
                        "categ_id": categ_id,
                        "period_type": "quarter",
                        "date_from": quarter,
                        "phasing": "even",
                        "target_ordered": round(
                            float(amount) * (0.8 + 0.4 * rnd(f"tq:{team_id}:{categ_id}:{month}")), -2
                        ),
                    }
                )
        start = time.perf_counter()
        targets = Target.create(vals_list)
        self.commit()
        lines = env["sales_admin.target.line"].search_count([("target_id", "in", targets.ids)])
        self.step(
            f"targets: {len(targets)} through the ORM ({len(users)} salespeople x {len(months)} months, "
            f"{len(by_team_categ)} team x category x quarter), {lines} weekly lines, "
            f"in {time.perf_counter() - start:.1f} s"
        )

    def _rnd_py(self, key):
        self.cr.execute(SQL("SELECT pg_temp.wk_rnd(%s)", key))
        return self.cr.fetchone()[0]


def check(env):
    """Counts and consistency checks; exit 1 on a difference."""
    failed = []

    def one(query):
        return env.execute_query(SQL(query))[0]

    def show(name, value):
        print(f"seed_weekly.{name}: {value}", flush=True)

    orders, order_lines, first, last = one(
        """SELECT count(DISTINCT s.id), count(l.id), min(s.date_order)::date, max(s.date_order)::date
             FROM sale_order s JOIN sale_order_line l ON l.order_id = s.id WHERE s.state = 'sale'"""
    )
    show("orders", f"{order_lines} order lines in {orders} confirmed orders, {first} .. {last}")
    salespeople, teams, currencies, categories = one(
        """SELECT count(DISTINCT s.user_id), count(DISTINCT s.team_id), count(DISTINCT s.currency_id),
                  count(DISTINCT t.categ_id)
             FROM sale_order s JOIN sale_order_line l ON l.order_id = s.id
             JOIN product_product p ON p.id = l.product_id JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE s.state = 'sale'"""
    )
    show(
        "orders.dimensions",
        f"{salespeople} salespeople, {teams} teams, {categories} categories, {currencies} currencies",
    )
    for move_type, moves, lines, first, last, paid, partial in env.execute_query(
        SQL(
            """SELECT m.move_type, count(DISTINCT m.id), count(l.id), min(m.invoice_date), max(m.invoice_date),
                      count(DISTINCT m.id) FILTER (WHERE m.payment_state = 'paid'),
                      count(DISTINCT m.id) FILTER (WHERE m.payment_state = 'partial')
                 FROM account_move m JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
                WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
             GROUP BY 1 ORDER BY 1"""
        )
    ):
        show(f"{move_type}", f"{moves} posted, {lines} product lines, {first} .. {last}, {paid} paid, {partial} partly")
    payments, partials, with_full, pay_first, pay_last, collected = one(
        """SELECT count(DISTINCT pay.id), count(DISTINCT pr.id),
                  count(DISTINCT pr.id) FILTER (WHERE pr.full_reconcile_id IS NOT NULL),
                  min(pr.max_date), max(pr.max_date), sum(pr.amount)
             FROM account_partial_reconcile pr
             JOIN account_move_line l ON l.id = pr.credit_move_id
             JOIN account_payment pay ON pay.id = l.payment_id"""
    )
    show(
        "payments",
        f"{payments} customer payments, {partials} partials ({with_full} in full reconciliations), "
        f"{pay_first} .. {pay_last}, {collected:.2f} collected",
    )
    unbalanced = one(
        """SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id
                                  HAVING abs(sum(balance)) > 0.001) x"""
    )[0]
    show("check.balanced", f"{unbalanced} unbalanced journal entries")
    if unbalanced:
        failed.append("unbalanced entries")
    residuals = one(
        """SELECT count(*) FROM account_move_line l
             LEFT JOIN (SELECT debit_move_id AS id, sum(amount) AS amount FROM account_partial_reconcile GROUP BY 1
                        UNION ALL
                        SELECT credit_move_id, -sum(amount) FROM account_partial_reconcile GROUP BY 1) p ON p.id = l.id
            WHERE l.display_type = 'payment_term'
              AND abs(l.balance - coalesce(p.amount, 0) - l.amount_residual) > 0.001"""
    )[0]
    show("check.residuals", f"{residuals} receivable lines whose residual is not balance minus partials")
    if residuals:
        failed.append("residuals")
    states = one(
        """SELECT count(*) FROM account_move m
            WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
              AND m.payment_state <> CASE WHEN m.amount_residual = 0 THEN 'paid'
                                          WHEN m.amount_residual < m.amount_total THEN 'partial'
                                          ELSE 'not_paid' END"""
    )[0]
    show("check.payment_states", f"{states} invoices whose payment state does not follow the residual")
    if states:
        failed.append("payment states")
    differences = recompute_sample(env)
    show("check.stored_computes", f"{len(differences)} differences{': ' + str(differences[:5]) if differences else ''}")
    if differences:
        failed.append("stored computes")
    if "sales_admin.target" in env:
        show("targets", one("SELECT count(*), (SELECT count(*) FROM sales_admin_target_line) FROM sales_admin_target"))
    if failed:
        print(f"seed_weekly.check: FAILED ({', '.join(failed)})", flush=True)
        sys.exit(1)
    print("seed_weekly.check: ok", flush=True)


def recompute_sample(env):
    """Stored computes of a sample of invoices, credit notes and payments recomputed by the ORM: the differences."""
    sample_ids = [
        move_id
        for (move_id,) in env.execute_query(
            SQL(
                """(SELECT id FROM account_move WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
                    ORDER BY md5(id::text) LIMIT 400)
                   UNION ALL
                   (SELECT move_id FROM account_payment ORDER BY md5(id::text) LIMIT 100)"""
            )
        )
    ]
    moves = env["account.move"].browse(sample_ids)
    payments = moves.origin_payment_id
    lines = moves.line_ids
    checks = [
        (
            moves,
            [
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_residual",
                "amount_residual_signed",
                "amount_total_signed",
                "amount_untaxed_signed",
                "payment_state",
            ],
        ),
        (lines, ["amount_residual", "amount_residual_currency", "reconciled", "debit", "credit"]),
        (payments, ["is_reconciled", "amount_company_currency_signed"]),
    ]
    stored = [{r["id"]: r for r in records.read(names, load=None)} for records, names in checks]
    for records, names in checks:
        for fname in names:
            env.add_to_compute(records._fields[fname], records)
    differences = []
    for (records, names), values in zip(checks, stored, strict=True):
        for record in records:
            for fname in names:
                value = record._fields[fname].convert_to_read(record[fname], record, use_display_name=False)
                before = values[record.id][fname]
                if value != before and not (isinstance(value, float) and abs(value - before) < 0.005):
                    differences.append((record._name, record.display_name, fname, before, value))
    env.invalidate_all(flush=False)
    env.cr.rollback()
    return differences


def main():
    def add_arguments(parser):
        parser.add_argument("--order-lines", type=int, default=2_000_000, help="confirmed order lines (%(default)s)")
        parser.add_argument("--invoice-lines", type=int, default=1_000_000, help="invoice product lines (%(default)s)")
        parser.add_argument("--refunds", type=float, default=0.10, help="share of credit notes (%(default)s)")
        parser.add_argument("--paid", type=float, default=0.65, help="share of invoices with a payment (%(default)s)")
        parser.add_argument("--partial", type=float, default=0.15, help="share of payments in part (%(default)s)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default %(default)s)")
        parser.add_argument("--targets", action="store_true", help="only (re)make the targets")
        parser.add_argument("--check", action="store_true", help="only print the counts and run the checks")

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    if args.targets:
        with environment(args.database, commit=True, superuser=True) as env:
            WeeklySeeder(env, args).targets()
    elif not args.check:
        with environment(args.database, commit=True, superuser=True) as env:
            seeded = env["ir.config_parameter"].get_param(PARAM)
            if seeded:
                sys.exit(f"seed_weekly: this database was seeded already ({seeded}): build a fresh one")
            seeder = WeeklySeeder(env, args)
            seeder.orders()
            seeder.invoices()
            seeder.payments()
            env["ir.config_parameter"].set_param(PARAM, f"{fields.Datetime.now()} seed={args.seed}")
            seeder.commit()
            seeder.targets()
            env.cr.execute(SQL("ANALYZE"))
            seeder.step("done")
    with environment(args.database, superuser=True) as env:
        check(env)


if __name__ == "__main__":
    main()
