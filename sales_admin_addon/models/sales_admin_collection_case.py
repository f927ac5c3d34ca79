import logging
import threading
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare

from ..tools import is_record_id

_logger = logging.getLogger(__name__)

CASE_STATES = [
    ("open", "Open"),
    ("closed", "Closed"),
]
PROMISE_STATES = [
    ("none", "No Promise"),
    ("pending", "Pending"),
    ("kept", "Kept"),
    ("broken", "Broken"),
]
# the figures _refresh_collection_cases writes, with their value when nothing is overdue
CASE_FIGURES = {
    "overdue_amount": 0.0,
    "overdue_count": 0,
    "oldest_overdue_days": 0,
    "in_dispute_count": 0,
    "reminder_level_id": False,
    "last_reminder_date": False,
    "next_reminder_date": False,
}


def _to_ids(records_or_ids):
    if isinstance(records_or_ids, models.BaseModel):
        return records_or_ids.ids
    return list(records_or_ids or [])


class SalesAdminCollectionCase(models.Model):
    _name = "sales_admin.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, next_action_date, overdue_amount desc, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
        help="The customer's commercial entity.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who works the case. By default the company's collections assignee, else the customer's salesperson when "
        "they are a billing or Sales Administration user.",
    )
    reason_id = fields.Many2one("sales_admin.collection.reason", tracking=True)
    is_dispute = fields.Boolean(related="reason_id.is_dispute", string="Disputed")
    note = fields.Html(string="Notes")
    state = fields.Selection(CASE_STATES, required=True, default="open", index=True, tracking=True, copy=False)
    closed_date = fields.Date(readonly=True, copy=False)

    # promise to pay
    promise_date = fields.Date(tracking=True, copy=False, help="The day the customer promised to pay by.")
    promise_amount = fields.Monetary(tracking=True, copy=False, help="The amount the customer promised to pay.")
    promise_state = fields.Selection(
        PROMISE_STATES,
        string="Promise",
        required=True,
        default="none",
        index=True,
        tracking=True,
        copy=False,
        help="Pending: reminders pause until the promised day. Kept: the payments received from the day of the "
        "promise reached the amount by the promised day. Broken: they did not.",
    )
    promise_recorded_date = fields.Date(
        string="Promise Recorded On",
        readonly=True,
        copy=False,
        help="Payments dated from this day count towards the promise.",
    )

    # figures, written by _refresh_collection_cases (cron, reconciliation, reminder runs)
    overdue_amount = fields.Monetary(readonly=True, copy=False, help="Open amount of the overdue invoices.")
    overdue_count = fields.Integer(string="Overdue Invoices", readonly=True, copy=False)
    oldest_overdue_days = fields.Integer(
        string="Days Overdue", readonly=True, copy=False, aggregator="max", help="Days since the oldest due date."
    )
    in_dispute_count = fields.Integer(
        string="Invoices in Dispute",
        readonly=True,
        copy=False,
        help="Overdue invoices held by an open complaint or a dispute hold: no reminder goes out for them.",
    )
    reminder_level_id = fields.Many2one(
        "sales_admin.reminder.level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The highest reminder level sent for the overdue invoices.",
    )
    last_reminder_date = fields.Date(readonly=True, copy=False)
    next_reminder_date = fields.Date(
        readonly=True,
        copy=False,
        help="The earliest day an overdue invoice not held reaches the next reminder level.",
    )
    next_action_date = fields.Date(
        compute="_compute_next_action_date",
        store=True,
        index=True,
        help="The earliest of the promised day, the next planned activity and the next reminder.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Open Invoices",
        compute="_compute_invoice_ids",
        help="The customer's posted invoices of this company not paid yet.",
    )

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        for case in self:
            salesperson = case.partner_id.user_id
            # a plain salesperson reads the case but cannot work it: such cases wait unassigned in the workspace
            may_work = salesperson and (
                salesperson.has_group("account.group_account_invoice")
                or salesperson.has_group("sales_admin_addon.sales_admin_addon_group_user")
            )
            case.user_id = case.company_id.sales_admin_collection_user_id or (salesperson if may_work else False)

    @api.depends("state", "promise_state", "promise_date", "next_reminder_date", "activity_ids.date_deadline")
    def _compute_next_action_date(self):
        for case in self:
            if case.state != "open":
                case.next_action_date = False
                continue
            dates = [
                case.promise_state == "pending" and case.promise_date,
                case.next_reminder_date,
                *case.activity_ids.mapped("date_deadline"),
            ]
            case.next_action_date = min((day for day in dates if day), default=False)

    def _compute_invoice_ids(self):
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial", "blocked")),
            ],
            order="invoice_date_due, id",
        )
        for case in self:
            case.invoice_ids = moves.filtered(
                lambda move, case=case: move.commercial_partner_id == case.partner_id
                and move.company_id == case.company_id
            )

    @api.depends("partner_id")
    def _compute_display_name(self):
        for case in self:
            case.display_name = case.partner_id.display_name or self.env._("New Collection Case")

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.model
    def _check_one_open_case(self, keys):
        """Refuse a second open case of a customer in a company, before the database's unique index does
        (``keys``: ``(partner_id, company_id)`` pairs about to be open)."""
        keys = list(keys)
        if len(set(keys)) < len(keys):
            raise ValidationError(self.env._("A customer has one open collection case per company."))
        if not keys:
            return
        # sudo: a case the user may not read still counts
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("partner_id", "in", [partner_id for partner_id, _company_id in keys]),
                    ("company_id", "in", [company_id for _partner_id, company_id in keys]),
                    ("state", "=", "open"),
                ]
            )
            .filtered(lambda case: (case.partner_id.id, case.company_id.id) in keys)
        )
        if existing:
            raise ValidationError(
                self.env._(
                    "%(customer)s already has an open collection case in this company: work that one.",
                    customer=existing[0].partner_id.display_name,
                )
            )

    @api.constrains("partner_id")
    def _check_partner_is_commercial(self):
        for case in self:
            if case.partner_id != case.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "A collection case is about the customer's company (%(customer)s), not one of its contacts.",
                        customer=case.partner_id.commercial_partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        company_id = self.env.company.id
        keys = [(vals.get("partner_id"), vals.get("company_id") or company_id) for vals in vals_list]
        self._check_one_open_case(
            (partner_id, company)
            for (partner_id, company), vals in zip(keys, vals_list, strict=True)
            # values that are not ids are left to the ORM, which refuses them
            if vals.get("state", "open") == "open" and is_record_id(partner_id) and is_record_id(company)
        )
        cases = super().create(vals_list)
        # create() leaves every x2many empty in the cache, the computed ones too
        cases.invalidate_recordset(["invoice_ids"])
        return cases

    def init(self):
        res = super().init()
        # the rule the ORM constraint words kindly, kept by the database for concurrent transactions
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (partner_id, company_id) WHERE state = 'open'",
                SQL.identifier(f"{self._table}_open_partner_uniq"),
                SQL.identifier(self._table),
            )
        )
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_refresh(self):
        self.check_access("read")
        self._refresh_collection_cases(self.partner_id, self.company_id)
        return True

    def action_record_promise(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_collection_promise_action")
        action["context"] = {"default_case_id": self.id}
        return action

    def action_log_call(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_collection_log_call_action")
        action["context"] = {"default_case_id": self.id}
        return action

    def action_open_overdue_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self.env["account.move"]._get_sales_admin_overdue_domain(self.partner_id, self.company_id)
        action["context"] = {"create": False}
        return action

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _lock_collection_partners(self, partners, skip_locked=False):
        """Lock the commercial entities' rows in id order, so that refreshes running at the same time (a reminder
        run, reconciliations, the cron) wait for each other instead of opening two cases for one customer; with
        ``skip_locked`` the partners another transaction holds are left out."""
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE%s",
                partners.ids,
                SQL(" SKIP LOCKED") if skip_locked else SQL(),
            )
        )
        return partners.browse(row[0] for row in rows)

    @api.model
    def _get_collection_figures(self, partners, companies):
        """The overdue figures of these commercial entities, per ``(partner_id, company_id)``: one read_group of
        the overdue invoices, by dispute hold and reminder level."""
        Move = self.env["account.move"].sudo()
        today = fields.Date.context_today(self)
        levels_by_company = {}
        for level in self.env["sales_admin.reminder.level"].sudo().search([("company_id", "in", companies.ids)]):
            levels_by_company.setdefault(level.company_id.id, []).append(level)  # in days_after_due order
        figures, reached_levels = {}, {}
        for partner, company, held, level, amount, count, oldest, last_date in Move._read_group(
            Move._get_sales_admin_overdue_domain(partners, companies),
            ["commercial_partner_id", "company_id", "sales_admin_in_dispute", "sales_admin_reminder_level_id"],
            ["amount_residual_signed:sum", "__count", "invoice_date_due:min", "sales_admin_last_reminder_date:max"],
        ):
            vals = figures.setdefault((partner.id, company.id), dict(CASE_FIGURES))
            vals["overdue_amount"] += amount
            vals["overdue_count"] += count
            vals["oldest_overdue_days"] = max(vals["oldest_overdue_days"], (today - oldest).days)
            if held:
                vals["in_dispute_count"] += count
            if level and level.days_after_due > reached_levels.get((partner.id, company.id), 0):
                reached_levels[partner.id, company.id] = level.days_after_due
                vals["reminder_level_id"] = level.id
            if last_date and (not vals["last_reminder_date"] or last_date > vals["last_reminder_date"]):
                vals["last_reminder_date"] = last_date
            if not held:
                # the next active level of the company after the one this group of invoices reached
                reached = level.days_after_due if level else 0
                next_level = next(
                    (lvl for lvl in levels_by_company.get(company.id, []) if lvl.days_after_due > reached), None
                )
                if next_level:
                    next_date = oldest + timedelta(days=next_level.days_after_due)
                    if not vals["next_reminder_date"] or next_date < vals["next_reminder_date"]:
                        vals["next_reminder_date"] = next_date
        return figures

    @api.model
    def _refresh_collection_cases(self, partner_ids, company_ids=None, skip_locked=False):
        """Bring the collection cases of these customers up to date, set-based (a fixed number of queries whatever
        the number of customers, but for the cases opened or closed, which get a chatter message each):

        - opens a case for every commercial entity with overdue invoices in a company and no open case there;
        - writes the overdue figures of their open cases;
        - marks the pending promises that the payments received have kept;
        - closes the open cases with nothing overdue any more and no pending promise.

        :param partner_ids: ids (or records) of partners, their commercial entities are refreshed
        :param company_ids: ids (or records) of companies; empty: all companies
        :return: the open cases of these customers after the refresh
        """
        Cases = self.sudo().with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        partners = self.env["res.partner"].sudo().browse(_to_ids(partner_ids)).commercial_partner_id
        companies = self.env["res.company"].sudo().browse(_to_ids(company_ids))
        if not companies:
            # every company, archived ones too: their customers' cases close as well
            companies = self.env["res.company"].sudo().search([("active", "in", (True, False))])
        if not partners:
            return Cases.browse()
        self.env["account.move"].flush_model()
        partners = self._lock_collection_partners(partners, skip_locked=skip_locked)
        if not partners:
            return Cases.browse()
        figures = self._get_collection_figures(partners, companies)
        cases = Cases.search(
            [("partner_id", "in", partners.ids), ("company_id", "in", companies.ids), ("state", "=", "open")]
        )
        existing = {(case.partner_id.id, case.company_id.id) for case in cases}
        new_vals = [
            {"partner_id": partner_id, "company_id": company_id, **vals}
            for (partner_id, company_id), vals in figures.items()
            if (partner_id, company_id) not in existing
        ]
        for case in cases:
            case.update(figures.get((case.partner_id.id, case.company_id.id), CASE_FIGURES))
        if new_vals:
            new_cases = Cases.create(new_vals)
            _logger.info("Collection cases opened: %s", new_cases.ids)
            cases |= new_cases
        cases._mark_promises_kept()
        to_close = cases.filtered(lambda case: not case.overdue_count and case.promise_state != "pending")
        if to_close:
            to_close.write({"state": "closed", "closed_date": fields.Date.context_today(self)})
            for case in to_close:
                case.message_post(
                    body=self.env._("Nothing is overdue any more: the case is closed."),
                    subtype_xmlid="mail.mt_note",
                )
            _logger.info("Collection cases closed, nothing overdue: %s", to_close.ids)
        return (cases - to_close).with_env(self.env)

    def _get_promise_payments(self):
        """The amounts received towards each pending promise, in company currency: the credits on the customer's
        receivable accounts (payments, credit notes) dated from the day the promise was recorded to the promised
        day, posted. One query for the batch. ``{case_id: amount}``"""
        if not self:
            return {}
        self.env["account.move.line"].flush_model(["partner_id", "company_id", "account_id", "parent_state", "date"])
        self.flush_recordset(["partner_id", "company_id", "promise_recorded_date", "promise_date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id, SUM(l.credit)
                  FROM sales_admin_collection_case c
                  JOIN res_partner p ON p.commercial_partner_id = c.partner_id
                  JOIN account_move_line l ON l.partner_id = p.id AND l.company_id = c.company_id
                  JOIN account_account a ON a.id = l.account_id
                 WHERE c.id = ANY(%(ids)s)
                   AND a.account_type = 'asset_receivable'
                   AND l.parent_state = 'posted'
                   AND l.credit > 0
                   AND l.date >= COALESCE(c.promise_recorded_date, c.promise_date)
                   AND l.date <= c.promise_date
              GROUP BY c.id
                """,
                ids=self.ids,
            )
        )
        return dict(rows)

    def _mark_promises_kept(self):
        """Pending promises are kept when the payments received reach the promised amount, or when nothing is
        overdue any more (the debt the promise was about is settled)."""
        pending = self.filtered(lambda case: case.promise_state == "pending")
        received = pending._get_promise_payments()
        kept = pending.filtered(
            lambda case: not case.overdue_count
            or float_compare(
                received.get(case.id, 0.0),
                case.promise_amount,
                precision_rounding=case.currency_id.rounding,
            )
            >= 0
        )
        if kept:
            kept.promise_state = "kept"
            for case in kept:
                case.message_post(
                    body=self.env._(
                        "Promise kept: %(amount)s received by %(date)s.",
                        amount=case._format_amount(received.get(case.id, 0.0)),
                        date=fields.Date.to_string(case.promise_date),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return kept

    def _mark_promises_broken(self):
        """The promised day has passed without the payment: mark the promises broken and give the escalation
        user (the company's, else the assignee) a to-do, once per promise."""
        broken = self.filtered(lambda case: case.promise_state == "pending")
        if not broken:
            return broken
        broken.promise_state = "broken"
        today = fields.Date.context_today(self)
        for case in broken:
            user = case.company_id.sales_admin_collection_escalation_user_id or case.user_id
            message = self.env._(
                "Promise broken: %(customer)s promised %(amount)s by %(date)s and did not pay it.",
                customer=case.partner_id.display_name,
                amount=case._format_amount(case.promise_amount),
                date=fields.Date.to_string(case.promise_date),
            )
            case.message_post(body=message, subtype_xmlid="mail.mt_note")
            if user:
                case.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Broken promise to pay"),
                    note=Markup("<p>%s</p>") % message,
                    user_id=user.id,
                )
        return broken

    def _format_amount(self, amount):
        self.ensure_one()
        return self.env["ir.qweb.field.monetary"].value_to_html(amount, {"display_currency": self.currency_id})

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _get_collection_todo_query(self):
        """The commercial entities the daily refresh looks at: those with overdue invoices and those with an open
        case (which may have nothing overdue any more)."""
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT DISTINCT commercial_partner_id AS id
              FROM account_move
             WHERE move_type = 'out_invoice'
               AND state = 'posted'
               AND payment_state IN ('not_paid', 'partial')
               AND invoice_date_due < %(today)s
               AND commercial_partner_id IS NOT NULL
             UNION
            SELECT partner_id FROM sales_admin_collection_case WHERE state = 'open'
            """,
            today=today,
        )

    @api.model
    def _cron_refresh_collection_cases(self, batch_size=500):
        """Refresh every customer's collection case once a day (the days overdue and the reminder dates move with
        the date), in batches of customers committed one by one. Each batch locks its customers (SKIP LOCKED):
        two runs at the same time share the work, and a refresh is idempotent, so a run stopped half-way is simply
        run again."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        self.env["account.move"].flush_model()
        self.flush_model()
        todo = self._get_collection_todo_query()
        total = self.env.execute_query(SQL("SELECT count(*) FROM (%s) todo", todo))[0][0]
        done, last_id = 0, 0
        while True:
            rows = self.env.execute_query(
                SQL("SELECT id FROM (%s) todo WHERE id > %s ORDER BY id LIMIT %s", todo, last_id, batch_size)
            )
            if not rows:
                break
            last_id = rows[-1][0]
            self._refresh_collection_cases([row[0] for row in rows], skip_locked=True)
            done += len(rows)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done

    @api.model
    def _cron_check_promises(self, batch_size=200):
        """Settle the pending promises whose day has passed: kept if the payments arrived (or nothing is overdue
        any more), else broken with an escalation to-do. The cases are taken FOR UPDATE SKIP LOCKED and a broken
        promise is no longer pending, so two runs, or a run after a crash, escalate each promise once."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        self.flush_model(["promise_state", "promise_date"])
        due = SQL("promise_state = 'pending' AND promise_date < %s", today)
        total = self.env.execute_query(SQL("SELECT count(*) FROM sales_admin_collection_case WHERE %s", due))[0][0]
        done, last_id = 0, 0
        while True:
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM sales_admin_collection_case
                     WHERE id > %s AND %s
                  ORDER BY id
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    last_id,
                    due,
                    batch_size,
                )
            )
            if not rows:
                break
            last_id = rows[-1][0]
            cases = self.sudo().browse(row[0] for row in rows)
            # the figures first: a payment that cleared the debt keeps the promise
            self._refresh_collection_cases(cases.partner_id, cases.company_id)
            cases.filtered(lambda case: case.promise_state == "pending")._mark_promises_broken()
            done += len(rows)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done
