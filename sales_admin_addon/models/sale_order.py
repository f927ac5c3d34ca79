import threading

import pytz

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, split_every
from odoo.tools.sql import column_exists

from ..tools import is_record_id
from .sales_admin_ticket import TICKET_CHANNELS

MANAGER = "sales_admin_addon.sales_admin_addon_group_manager"
# how an estimate was asked for: the channels of customer requests, and any other
REQUEST_CHANNELS = [*TICKET_CHANNELS, ("other", "Other")]
DELIVERY_OPEN_STATES = ("on_schedule", "at_risk", "late")
DELIVERY_ALERT_STATES = ("at_risk", "late")
# the e-mails of a campaign that count for the attribution of a quotation: sent, opened (clicked) or replied
ATTRIBUTION_TRACE_STATUSES = ("pending", "sent", "open", "reply")
UTM_FIELDS = ("campaign_id", "source_id", "medium_id")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    sales_admin_visit_id = fields.Many2one(
        "sales_admin.visit",
        string="Visit",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The customer visit this quotation comes from.",
    )

    # contract intake
    sales_admin_checklist_line_ids = fields.One2many(
        "sales_admin.contract.checklist.line", "order_id", string="Contract Intake Checklist", copy=False
    )
    sales_admin_checklist_missing = fields.Text(
        string="Checklist Items Missing", compute="_compute_sales_admin_checklist_missing"
    )
    sales_admin_checklist_override_uid = fields.Many2one(
        "res.users", string="Checklist Overridden By", copy=False, readonly=True, tracking=True
    )
    sales_admin_checklist_override_date = fields.Datetime(string="Checklist Overridden On", copy=False, readonly=True)
    sales_admin_contract_ref = fields.Char(string="Contract Reference", copy=False, tracking=True)
    sales_admin_contract_start = fields.Date(string="Contract Start", copy=False, tracking=True)
    sales_admin_contract_end = fields.Date(string="Contract End", copy=False, tracking=True, index="btree_not_null")
    sales_admin_renewal_scheduled = fields.Boolean(
        string="Renewal Activity Scheduled",
        copy=False,
        help="The renewal activity of this contract end has been given (cleared when the end date changes).",
    )

    # order progress
    sales_admin_progress = fields.Selection(
        [
            ("quotation", "Quotation"),
            ("sent", "Quotation Sent"),
            ("confirmed", "Confirmed"),
            ("partly_delivered", "Partly Delivered"),
            ("delivered", "Delivered"),
            ("invoiced", "Invoiced"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        string="Progress",
        compute="_compute_sales_admin_progress",
        store=True,
        index=True,
        group_expand="_group_expand_sales_admin_progress",
        help="Where the order stands from quotation to payment.",
    )

    # estimates on request
    sales_admin_requested_by_id = fields.Many2one(
        "res.partner", string="Requested By", copy=False, help="Who asked for the estimate."
    )
    sales_admin_request_date = fields.Datetime(string="Requested On", copy=False)
    sales_admin_request_channel = fields.Selection(REQUEST_CHANNELS, string="Request Channel", copy=False)
    sales_admin_estimate_due_date = fields.Date(
        string="Estimate Due", copy=False, tracking=True, help="The date by which the estimate must be sent."
    )
    sales_admin_sent_date = fields.Datetime(
        string="Quotation Sent On", copy=False, readonly=True, help="When the quotation was first sent."
    )
    sales_admin_estimate_late_notified = fields.Boolean(
        string="Late Estimate Activity Given", copy=False, help="Cleared when the estimate's due date changes."
    )
    sales_admin_validity_reminded = fields.Boolean(
        string="Expiry Activity Given", copy=False, help="Cleared when the quotation's validity date changes."
    )
    sales_admin_quotation_aging = fields.Selection(
        [
            ("requested", "Requested"),
            ("sent", "Sent"),
            ("no_answer", "No Answer"),
            ("expiring", "Expiring"),
            ("expired", "Expired"),
        ],
        string="Quotation Aging",
        compute="_compute_sales_admin_quotation_aging",
        store=True,
        index="btree_not_null",
        help="Where an open quotation stands; brought to today every night.",
    )

    # customer requests about the order
    sales_admin_ticket_count = fields.Integer(
        string="Request Count", compute="_compute_sales_admin_ticket_count", groups="sales_team.group_sale_salesman"
    )

    # delivery promise: promised and projected dates, delivery state, alerts and customer notice
    sales_admin_has_goods = fields.Boolean(
        string="Has Goods",
        compute="_compute_sales_admin_has_goods",
        store=True,
        help="The order sells goods to deliver; services-only orders have no delivery promise.",
    )
    sales_admin_promised_date = fields.Datetime(
        string="Promised Delivery",
        compute="_compute_sales_admin_promised_date",
        store=True,
        copy=False,
        help="The delivery date promised to the customer: the order's delivery date when set, otherwise the date "
        "Odoo computed from the lead times when the order was confirmed.",
    )
    sales_admin_projected_date = fields.Datetime(
        string="Projected Delivery",
        compute="_compute_sales_admin_delivery_promise",
        store=True,
        copy=False,
        help="The scheduled date of the latest open transfer towards the customer (pick, pack or delivery); once "
        "everything is delivered, the date of the last delivery.",
    )
    sales_admin_delivery_state = fields.Selection(
        [
            ("on_schedule", "On Schedule"),
            ("at_risk", "At Risk"),
            ("late", "Late"),
            ("delivered_on_time", "Delivered on Time"),
            ("delivered_late", "Delivered Late"),
        ],
        string="Delivery Promise",
        compute="_compute_sales_admin_delivery_promise",
        store=True,
        index=True,
        copy=False,
        help="At risk: the projected delivery falls after the promised day. Late: the promised day has passed and "
        "the goods are not all delivered. Days are counted in the salesperson's time zone.",
    )
    sales_admin_days_late = fields.Integer(
        string="Days Late",
        compute="_compute_sales_admin_delivery_promise",
        store=True,
        copy=False,
        aggregator="avg",
        help="Days between the promised day and the last delivery (delivered orders), the projected delivery "
        "(open orders before the promised day) or today, or the projected delivery when later (open late orders).",
    )
    sales_admin_notified_date = fields.Datetime(
        string="Delivery Date Told to Customer",
        compute="_compute_sales_admin_notified_date",
        store=True,
        copy=False,
        help="The promised date at confirmation, then the date of the last approved delivery notice.",
    )
    sales_admin_notice_dismissed_date = fields.Datetime(
        string="Dismissed Delivery Notice",
        copy=False,
        readonly=True,
        help="The proposed delivery date of the last notice the administrator dismissed.",
    )
    sales_admin_notice_date = fields.Datetime(
        string="Proposed Delivery Date",
        compute="_compute_sales_admin_notice",
        store=True,
        copy=False,
        help="The new delivery date to tell the customer, waiting for the administrator's approval.",
    )
    sales_admin_notice_pending = fields.Boolean(
        string="Notice to Approve",
        compute="_compute_sales_admin_notice",
        store=True,
        index=True,  # the cockpit counts the notices to approve
        copy=False,
        help="The delivery date changed since the customer was last told: a notice waits for approval.",
    )

    # ------------------------------------------------------------
    # Compute and search methods
    # ------------------------------------------------------------

    @api.depends("sales_admin_checklist_line_ids.is_met", "sales_admin_checklist_line_ids.required")
    def _compute_sales_admin_checklist_missing(self):
        for order in self:
            missing = order.sales_admin_checklist_line_ids.filtered(lambda line: line.required and not line.is_met)
            order.sales_admin_checklist_missing = "\n".join(missing.mapped("name")) or False

    @api.depends(
        "state",
        "delivery_status",
        "invoice_status",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
    )
    def _compute_sales_admin_progress(self):
        for order in self:
            order.sales_admin_progress = order._get_sales_admin_progress()

    def _group_expand_sales_admin_progress(self, values, domain):
        # every column of the order progress kanban, even empty ones, but the cancelled orders
        return [key for key, _label in self._fields["sales_admin_progress"].selection if key != "cancel"]

    @api.depends(
        "state",
        "sales_admin_request_date",
        "sales_admin_sent_date",
        "validity_date",
    )
    def _compute_sales_admin_quotation_aging(self):
        # the company's day counts and today move it too: the nightly follow-up brings it to today
        today = fields.Date.context_today(self)
        for order in self:
            order.sales_admin_quotation_aging = order._get_sales_admin_quotation_aging(today)

    def _compute_sales_admin_ticket_count(self):
        counts = dict(
            self.env["sales_admin.ticket"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.sales_admin_ticket_count = counts.get(order, 0)

    @api.depends("order_line.product_id.type")
    def _compute_sales_admin_has_goods(self):
        for order in self:
            order.sales_admin_has_goods = any(line.product_id.type == "consu" for line in order.order_line)

    @api.depends("commitment_date", "state", "sales_admin_has_goods")
    def _compute_sales_admin_promised_date(self):
        for order in self:
            if not order.sales_admin_has_goods:
                order.sales_admin_promised_date = False
            elif order.commitment_date:
                order.sales_admin_promised_date = order.commitment_date
            elif order.state == "sale":
                # frozen at confirmation: a confirmed order keeps its promise when lines or lead times change
                order.sales_admin_promised_date = order.sales_admin_promised_date or order.expected_date
            else:
                order.sales_admin_promised_date = False

    @api.depends(
        "state",
        "sales_admin_has_goods",
        "sales_admin_promised_date",
        "picking_ids.state",
        "picking_ids.scheduled_date",
        "picking_ids.date_done",
        "picking_ids.picking_type_code",
    )
    def _compute_sales_admin_delivery_promise(self):
        # "late" depends on now: the daily cron recomputes the orders whose promised day passes meanwhile
        now = fields.Datetime.now()
        for order in self:
            # every open step towards the customer (pick, pack, ship): in multi-step routes the later steps
            # only exist once the earlier ones are done; returns come back as receipts
            open_steps = order.picking_ids.filtered(
                lambda picking: picking.picking_type_code != "incoming" and picking.state not in ("done", "cancel")
            )
            if open_steps:
                projected, delivered = max(open_steps.mapped("scheduled_date")), False
            else:
                done_deliveries = order.picking_ids.filtered(
                    lambda picking: picking.picking_type_code == "outgoing" and picking.state == "done"
                )
                projected = max(done_deliveries.mapped("date_done"), default=False)
                delivered = bool(projected)
            tracked = order.state == "sale" and order.sales_admin_has_goods
            order.sales_admin_projected_date = projected if tracked else False
            if not tracked or not order.sales_admin_promised_date:
                order.sales_admin_delivery_state = False
                order.sales_admin_days_late = 0
                continue
            promised_day = order._sales_admin_local_date(order.sales_admin_promised_date)
            projected_day = projected and order._sales_admin_local_date(projected)
            today = order._sales_admin_local_date(now)
            if delivered:
                days_late = max((projected_day - promised_day).days, 0)
                state = "delivered_late" if days_late else "delivered_on_time"
            elif today > promised_day:
                # late and still open: the delay grows every day until the goods leave (the daily cron)
                days_late = (max(today, projected_day or today) - promised_day).days
                state = "late"
            else:
                days_late = max((projected_day - promised_day).days, 0) if projected_day else 0
                state = "at_risk" if days_late else "on_schedule"
            order.sales_admin_days_late = days_late
            order.sales_admin_delivery_state = state

    @api.depends("state")
    def _compute_sales_admin_notified_date(self):
        for order in self:
            if order.state != "sale":
                order.sales_admin_notified_date = False
            else:
                # set once, at confirmation; later changes come from approved notices only
                order.sales_admin_notified_date = order.sales_admin_notified_date or order.sales_admin_promised_date

    @api.depends(
        "sales_admin_delivery_state",
        "sales_admin_promised_date",
        "sales_admin_projected_date",
        "sales_admin_days_late",
        "sales_admin_notified_date",
        "sales_admin_notice_dismissed_date",
    )
    def _compute_sales_admin_notice(self):
        for order in self:
            notice_date = False
            if order.sales_admin_delivery_state in DELIVERY_OPEN_STATES and order.sales_admin_notified_date:
                projected, promised = order.sales_admin_projected_date, order.sales_admin_promised_date
                if projected and order._sales_admin_local_date(projected) > order._sales_admin_local_date(promised):
                    notice_date = projected
                else:
                    notice_date = promised
                known_days = {
                    order._sales_admin_local_date(known)
                    for known in (order.sales_admin_notified_date, order.sales_admin_notice_dismissed_date)
                    if known
                }
                if order._sales_admin_local_date(notice_date) in known_days:
                    notice_date = False
            order.sales_admin_notice_date = notice_date
            order.sales_admin_notice_pending = bool(notice_date)

    def _compute_field_value(self, field):
        # alerts follow the stored delivery state wherever it is recomputed (pickings, order, cron), as a batch;
        # not while a module is installed or upgraded: that computes the past of every order, nobody is to act on it
        state_field = self._fields["sales_admin_delivery_state"]
        if not self.pool.ready or state_field not in self.pool.field_computed.get(field, ()):
            return super()._compute_field_value(field)
        orders = self.filtered(lambda order: isinstance(order.id, int))
        previous = {order.id: order.sales_admin_delivery_state for order in orders}
        res = super()._compute_field_value(field)
        orders.filtered(
            lambda order: order.sales_admin_delivery_state in DELIVERY_ALERT_STATES
            and order.sales_admin_delivery_state != previous[order.id]
        )._sales_admin_schedule_delivery_alerts()
        return res

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("sales_admin_contract_start", "sales_admin_contract_end")
    def _check_sales_admin_contract_dates(self):
        for order in self:
            start, end = order.sales_admin_contract_start, order.sales_admin_contract_end
            if start and end and end < start:
                raise ValidationError(
                    self.env._("The contract of %(order)s cannot end before it starts.", order=order.name)
                )

    @api.constrains("sales_admin_request_date", "sales_admin_estimate_due_date")
    def _check_sales_admin_estimate_due_date(self):
        for order in self:
            requested, due = order.sales_admin_request_date, order.sales_admin_estimate_due_date
            if requested and due and due < fields.Date.context_today(order, requested):
                raise ValidationError(
                    self.env._("The estimate of %(order)s cannot be due before it was requested.", order=order.name)
                )

    def _check_sales_admin_commitment_date(self):
        """A delivery date moved before the order date is refused (called by write). An order created with a
        delivery date already past (an order recorded after its delivery) is allowed, as Odoo allows it."""
        for order in self:
            if (
                order.commitment_date
                and order.date_order
                and order._sales_admin_local_date(order.commitment_date)
                < order._sales_admin_local_date(order.date_order)
            ):
                raise ValidationError(
                    self.env._(
                        "The delivery date of %(order)s (%(promised)s) cannot be before its order date (%(ordered)s).",
                        order=order.name,
                        promised=order._sales_admin_local_date(order.commitment_date),
                        ordered=order._sales_admin_local_date(order.date_order),
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._sales_admin_add_campaign_vals(vals_list)
        orders = super().create(vals_list)
        orders._sales_admin_sync_checklist()
        return orders

    def write(self, vals):
        if "sales_admin_contract_end" in vals:
            vals = {**vals, "sales_admin_renewal_scheduled": False}
        if "validity_date" in vals:
            vals = {**vals, "sales_admin_validity_reminded": False}
        if "sales_admin_estimate_due_date" in vals:
            vals = {**vals, "sales_admin_estimate_late_notified": False}
        if vals.get("state") == "sent":
            unsent = self.filtered(lambda order: not order.sales_admin_sent_date)
            res = super().write(vals)
            unsent.write({"sales_admin_sent_date": fields.Datetime.now()})
        else:
            res = super().write(vals)
        if vals.get("commitment_date"):
            self._check_sales_admin_commitment_date()
        return res

    def _auto_init(self):
        # installing computes the promise of every existing order: a computation, not a change by anyone, so the
        # orders keep their write date (kept aside here, put back once the new columns are filled)
        initializing = not column_exists(self.env.cr, self._table, "sales_admin_delivery_state")
        if initializing:
            self.env.cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE sales_admin_sale_order_log_access ON COMMIT DROP AS "
                    "SELECT id, write_date, write_uid FROM %s",
                    SQL.identifier(self._table),
                )
            )
        res = super()._auto_init()
        if initializing:
            self.pool.post_init(self._sales_admin_init_delivery_promise)
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        warned = {}
        if not self.env.su and not self.env.context.get("install_module"):
            # staff confirming an order; a customer signing or paying online (sudo) is the customer's acceptance,
            # and data files of modules (demo orders) are no contract intake
            self._sales_admin_check_checklist()
            warned = self._sales_admin_check_overdue_guard()
        res = super().action_confirm()
        self._sales_admin_log_overdue_warnings(warned)
        return res

    def action_sales_admin_override_checklist(self):
        """A Sales Administration manager lets orders be confirmed with their checklist incomplete (logged)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a Sales Administration manager can override the contract checklist."))
        if self.filtered(lambda order: order.state not in ("draft", "sent")):
            raise UserError(self.env._("Only the checklist of a quotation can be overridden."))
        self.write(
            {
                "sales_admin_checklist_override_uid": self.env.uid,
                "sales_admin_checklist_override_date": fields.Datetime.now(),
            }
        )
        for order in self:
            order.message_post(
                body=self.env._(
                    "Contract checklist overridden by %(user)s. Missing: %(missing)s.",
                    user=self.env.user.name,
                    missing=(order.sales_admin_checklist_missing or self.env._("nothing")).replace("\n", ", "),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_sales_admin_visit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.visit",
            "res_id": self.sales_admin_visit_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_log_sales_admin_request(self):
        """A new request about this order, prefilled with its customer."""
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_new_ticket_action(self._prepare_sales_admin_request_defaults())

    def action_open_sales_admin_tickets(self):
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_tickets_action(
            [("sale_order_id", "=", self.id)], self._prepare_sales_admin_request_defaults()
        )

    def action_sales_admin_approve_delivery_notice(self):
        """Send the customers the new delivery date (through the mail queue) and log it in the chatter."""
        orders = self._sales_admin_get_notice_orders()
        template = self.env.ref("sales_admin_addon.mail_template_sale_order_delivery_notice")
        for order in orders:
            order.with_context(mail_notify_force_send=False).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            order.sales_admin_notified_date = order.sales_admin_notice_date
        return True

    def action_sales_admin_dismiss_delivery_notice(self):
        """Keep the customers' delivery date as they know it: nothing is sent."""
        orders = self._sales_admin_get_notice_orders()
        for order in orders:
            order.message_post(
                body=self.env._(
                    "Delivery notice dismissed: the customer was not told about the new date %(date)s.",
                    date=order._sales_admin_notice_day(),
                ),
                subtype_xmlid="mail.mt_note",
            )
            order.sales_admin_notice_dismissed_date = order.sales_admin_notice_date
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _action_confirm(self):
        res = super()._action_confirm()
        # sudo: orders are also confirmed by portal customers paying online
        self.partner_id.sudo()._refresh_product_preferences()
        return res

    def _action_cancel(self):
        confirmed_partners = self.filtered(lambda order: order.state == "sale").partner_id
        res = super()._action_cancel()
        confirmed_partners.sudo()._refresh_product_preferences()
        return res

    def _sales_admin_sync_checklist(self):
        """Give open quotations a line for each active checklist item of their company they do not have yet."""
        orders = self.filtered(lambda order: order.state in ("draft", "sent"))
        if not orders:
            return
        items = (
            self.env["sales_admin.contract.checklist.item"].sudo().search([("company_id", "in", orders.company_id.ids)])
        )
        if not items:
            return
        items_by_company = items.grouped("company_id")
        existing = {(line.order_id.id, line.item_id.id) for line in orders.sudo().sales_admin_checklist_line_ids}
        self.env["sales_admin.contract.checklist.line"].sudo().create(
            [
                {"order_id": order.id, "item_id": item.id}
                for order in orders
                for item in items_by_company.get(order.company_id, [])
                if (order.id, item.id) not in existing
            ]
        )

    def _sales_admin_check_checklist(self):
        """Refuse, in one message, to confirm orders whose required checklist items are not met (unless a manager
        overrode it)."""
        self._sales_admin_sync_checklist()
        blocked = self.filtered(
            lambda order: order.sales_admin_checklist_missing and not order.sales_admin_checklist_override_uid
        )
        if blocked:
            raise UserError(
                self.env._(
                    "The contract intake checklist is incomplete:\n%(orders)s\n"
                    "Complete it, or ask a Sales Administration manager to override it.",
                    orders="\n".join(
                        f"{order.name}: {order.sales_admin_checklist_missing.replace(chr(10), ', ')}"
                        for order in blocked
                    ),
                )
            )

    def _get_sales_admin_progress(self):
        self.ensure_one()
        if self.state in ("draft", "cancel"):
            return {"draft": "quotation", "cancel": "cancel"}[self.state]
        if self.state == "sent":
            return "sent"
        invoices = self.order_line.invoice_lines.move_id.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        if self.invoice_status == "invoiced" and invoices:
            if all(move.payment_state in ("paid", "in_payment", "reversed") for move in invoices):
                return "paid"
            return "invoiced"
        if self.delivery_status == "full":
            return "delivered"
        if self.delivery_status in ("partial", "started"):
            return "partly_delivered"
        return "confirmed"

    def _get_sales_admin_quotation_aging(self, today):
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return False
        if self.validity_date and self.validity_date < today:
            return "expired"
        company = self.company_id
        if self.validity_date and (self.validity_date - today).days <= company.sales_admin_quotation_reminder_days:
            return "expiring"
        if self.state == "sent":
            sent = self.sales_admin_sent_date and fields.Date.context_today(self, self.sales_admin_sent_date)
            if sent and (today - sent).days >= company.sales_admin_quotation_no_answer_days:
                return "no_answer"
            return "sent"
        return "requested" if self.sales_admin_request_date else False

    def _sales_admin_user_env(self):
        """The environment in the language of the order's salesperson, who gets its activities."""
        self.ensure_one()
        return self.with_context(lang=self.user_id.lang or self.env.lang).env

    def _sales_admin_schedule_activities(self, summary_by_order, note=""):
        """One to-do per order, for its salesperson (else the current user), created in one go."""
        if not summary_by_order:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        # quick update: no assignment e-mail per activity (the salesperson sees them in the activity menu)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model,
                    "res_id": order.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": today,
                    "user_id": (order.user_id or self.env.user).id,
                }
                for order, summary in summary_by_order.items()
            ]
        )

    def _prepare_sales_admin_request_defaults(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "contact_id": self.partner_id.id if self.partner_id.parent_id else False,
            "sale_order_id": self.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
        }

    def _sales_admin_init_delivery_promise(self):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s o SET write_date = kept.write_date, write_uid = kept.write_uid "
                "FROM sales_admin_sale_order_log_access kept WHERE o.id = kept.id",
                table=SQL.identifier(self._table),
            )
        )
        self.env.cr.execute(SQL("DROP TABLE sales_admin_sale_order_log_access"))
        self.invalidate_model(["write_date", "write_uid"])

    def _sales_admin_get_notice_orders(self):
        if not self.env.user.has_group("sales_admin_addon.sales_admin_addon_group_user"):
            raise AccessError(self.env._("Only Sales Administration users can approve or dismiss delivery notices."))
        orders = self.filtered("sales_admin_notice_pending")
        if not orders:
            raise UserError(self.env._("There is no delivery notice waiting for approval on these orders."))
        return orders

    def _sales_admin_delivery_tz(self):
        """The time zone in which promised days are counted: the salesperson's, else the company's."""
        self.ensure_one()
        return pytz.timezone(self.user_id.tz or self.company_id.partner_id.tz or "UTC")

    def _sales_admin_local_date(self, value):
        return pytz.utc.localize(value).astimezone(self._sales_admin_delivery_tz()).date()

    def _sales_admin_notice_day(self):
        """The proposed delivery day, as the notice template shows it."""
        self.ensure_one()
        return self._sales_admin_local_date(self.sales_admin_notice_date or self.sales_admin_promised_date)

    def _sales_admin_delivery_responsible(self):
        self.ensure_one()
        return self.company_id.sales_admin_delivery_user_id or self.user_id or self.env.user

    def _prepare_sales_admin_delivery_alert_vals(self, activity_type, model_id):
        self.ensure_one()
        state = self.sales_admin_delivery_state
        if state == "late":
            summary = self.env._("Delivery late: %(order)s", order=self.name)
        else:
            summary = self.env._("Delivery at risk: %(order)s", order=self.name)
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": self._sales_admin_delivery_responsible().id,
            "date_deadline": fields.Date.context_today(self),
            "summary": summary,
            "note": self.env._(
                "Promised for %(promised)s, projected for %(projected)s.",
                promised=self._sales_admin_local_date(self.sales_admin_promised_date),
                projected=self.sales_admin_projected_date
                and self._sales_admin_local_date(self.sales_admin_projected_date)
                or self.env._("no open delivery"),
            ),
            "sales_admin_delivery_alert": state,
        }

    def _sales_admin_schedule_delivery_alerts(self):
        """One to-do per order and reason (at risk, late) for the delivery follow-up responsible, never a second
        while one is open; one search for the batch."""
        if not self:
            return
        Activity = self.env["mail.activity"].sudo()
        open_alerts = Activity.search_fetch(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("sales_admin_delivery_alert", "in", DELIVERY_ALERT_STATES),
            ],
            ["res_id", "sales_admin_delivery_alert"],
        )
        existing = {(alert.res_id, alert.sales_admin_delivery_alert) for alert in open_alerts}
        orders = self.filtered(lambda order: (order.id, order.sales_admin_delivery_state) not in existing)
        if not orders:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        # quick update: no assignment e-mail per activity, the to-dos show in the responsible's activities
        Activity.with_context(mail_activity_quick_update=True).create(
            [order._prepare_sales_admin_delivery_alert_vals(activity_type, model_id) for order in orders]
        )

    def _get_sales_admin_late_crossing_domain(self):
        """Open goods orders whose promised date has passed but which are not late yet, and the late ones (their
        days late move with the date).

        Promised days are counted in each order's time zone: the search takes every promised datetime already
        passed, the compute decides; an order whose day has not ended yet is taken again the next day.
        """
        return [
            ("state", "=", "sale"),
            "|",
            "&",
            ("sales_admin_delivery_state", "in", ("on_schedule", "at_risk")),
            ("sales_admin_promised_date", "<", fields.Datetime.now()),
            # late orders still open: their days late grow with the date
            ("sales_admin_delivery_state", "=", "late"),
        ]

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _cron_sales_admin_order_followup(self, batch_size=1000):
        """Every morning: renewal activities for contracts ending soon, activities for estimates not sent by their
        due date and for quotations about to expire, and the quotations' aging brought to today.

        Each kind selects only the orders it has not handled (a flag set in the same batch), so a second run the
        same day does nothing and a run stopped half-way resumes; batches commit one by one outside tests."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        orders = self.sudo()
        done = 0

        def commit(count):
            nonlocal done
            done += count
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        # contracts ending within the company's renewal notice
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            limit = fields.Date.add(today, days=company.sales_admin_renewal_days)
            renewals = orders.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("sales_admin_contract_end", "!=", False),
                    ("sales_admin_contract_end", "<=", limit),
                    ("sales_admin_contract_end", ">=", today),
                    ("sales_admin_renewal_scheduled", "=", False),
                ]
            )
            for batch in split_every(batch_size, renewals.ids, orders.browse):
                batch._sales_admin_schedule_activities(
                    {
                        order: order._sales_admin_user_env()._(
                            "Contract %(ref)s ends on %(date)s: prepare the renewal",
                            ref=order.sales_admin_contract_ref or order.name,
                            date=format_date(order._sales_admin_user_env(), order.sales_admin_contract_end),
                        )
                        for order in batch
                    }
                )
                batch.write({"sales_admin_renewal_scheduled": True})
                commit(len(batch))

            # quotations about to expire
            limit = fields.Date.add(today, days=company.sales_admin_quotation_reminder_days)
            expiring = orders.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("draft", "sent")),
                    ("validity_date", "!=", False),
                    ("validity_date", "<=", limit),
                    ("validity_date", ">=", today),
                    ("sales_admin_validity_reminded", "=", False),
                ]
            )
            for batch in split_every(batch_size, expiring.ids, orders.browse):
                batch._sales_admin_schedule_activities(
                    {
                        order: order._sales_admin_user_env()._(
                            "Quotation expires on %(date)s: follow up",
                            date=format_date(order._sales_admin_user_env(), order.validity_date),
                        )
                        for order in batch
                    }
                )
                batch.write({"sales_admin_validity_reminded": True})
                commit(len(batch))

        # estimates not sent by their due date
        late = orders.search(
            [
                ("state", "=", "draft"),
                ("sales_admin_estimate_due_date", "<", today),
                ("sales_admin_estimate_late_notified", "=", False),
            ]
        )
        for batch in split_every(batch_size, late.ids, orders.browse):
            batch._sales_admin_schedule_activities(
                {
                    order: order._sales_admin_user_env()._(
                        "Estimate due on %(date)s not sent yet",
                        date=format_date(order._sales_admin_user_env(), order.sales_admin_estimate_due_date),
                    )
                    for order in batch
                }
            )
            batch.write({"sales_admin_estimate_late_notified": True})
            commit(len(batch))

        # the aging of open quotations moves with the date
        open_quotations = orders.search([("state", "in", ("draft", "sent"))])
        field = self._fields["sales_admin_quotation_aging"]
        for batch in split_every(batch_size, open_quotations.ids, orders.browse):
            self.env.add_to_compute(field, batch)
            batch.flush_recordset(["sales_admin_quotation_aging"])
            commit(len(batch))
        return done

    @api.model
    def _cron_sales_admin_delivery_late(self, batch_size=1000):
        """Recompute the delivery state of the orders whose promised day has just passed, batch by batch."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        orders = self.sudo()
        order_ids = orders.search(self._get_sales_admin_late_crossing_domain(), order="id").ids
        # the notice follows the state: computed fields chain only from a modified field, so mark it too
        fnames = [
            "sales_admin_projected_date",
            "sales_admin_delivery_state",
            "sales_admin_days_late",
            "sales_admin_notice_date",
            "sales_admin_notice_pending",
        ]
        done = 0
        for batch in split_every(batch_size, order_ids, orders.browse):
            for fname in fnames:
                self.env.add_to_compute(orders._fields[fname], batch)
            batch._recompute_recordset(fnames)
            batch.flush_recordset()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(order_ids) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()
        return done

    # ------------------------------------------------------------
    # Overdue guard
    # ------------------------------------------------------------

    sales_admin_overdue_amount = fields.Monetary(
        string="Customer Overdue",
        compute="_compute_sales_admin_overdue_guard",
        currency_field="sales_admin_company_currency_id",
        help="Open amount of the customer's overdue invoices in the order's company, in its currency.",
    )
    sales_admin_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    sales_admin_overdue_guard = fields.Selection(related="company_id.sales_admin_overdue_guard")
    sales_admin_overdue_warning = fields.Text(
        string="Overdue Warning",
        compute="_compute_sales_admin_overdue_guard",
        help="Shown on quotations whose customer's overdue exceeds the company's threshold.",
    )
    sales_admin_overdue_override_uid = fields.Many2one(
        "res.users", string="Overdue Guard Overridden By", copy=False, readonly=True, tracking=True
    )
    sales_admin_overdue_override_date = fields.Datetime(string="Overdue Guard Overridden On", copy=False, readonly=True)
    sales_admin_overdue_override_amount = fields.Monetary(
        string="Overdue When Overridden",
        currency_field="sales_admin_company_currency_id",
        copy=False,
        readonly=True,
    )

    @api.depends(
        "state",
        "partner_id.commercial_partner_id",
        "company_id.sales_admin_overdue_guard",
        "company_id.sales_admin_overdue_threshold",
        "sales_admin_overdue_override_uid",
    )
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_sales_admin_overdue_guard(self):
        overdue = self._get_sales_admin_overdue_by_order()
        for order in self:
            order.sales_admin_overdue_amount = overdue.get(order, 0.0)
            order.sales_admin_overdue_warning = order._get_sales_admin_overdue_warning(overdue.get(order, 0.0))

    def action_sales_admin_override_overdue_guard(self):
        """A Sales Administration manager lets orders be confirmed although their customer's overdue is above the
        threshold of a blocking guard (logged with who, when and how much)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a Sales Administration manager can override the overdue guard."))
        if self.filtered(lambda order: order.state not in ("draft", "sent")):
            raise UserError(self.env._("Only the overdue guard of a quotation can be overridden."))
        overdue = self._get_sales_admin_overdue_by_order()
        now = fields.Datetime.now()
        for order in self:
            amount = overdue.get(order, 0.0)
            order.write(
                {
                    "sales_admin_overdue_override_uid": self.env.uid,
                    "sales_admin_overdue_override_date": now,
                    "sales_admin_overdue_override_amount": amount,
                }
            )
            order.message_post(
                body=self.env._(
                    "Overdue guard overridden by %(user)s: %(customer)s has %(amount)s overdue "
                    "(threshold %(threshold)s).",
                    user=self.env.user.name,
                    customer=order.partner_id.commercial_partner_id.display_name,
                    amount=format_amount(self.env, amount, order.company_id.currency_id),
                    threshold=format_amount(
                        self.env, order.company_id.sales_admin_overdue_threshold, order.company_id.currency_id
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_sales_admin_overdue_by_order(self):
        """The overdue amount of each order's customer in the order's company, in its currency: one read_group
        for the batch, on the overdue definition the customer's figures use (account.move)."""
        orders = self.filtered(lambda order: order.partner_id and order.company_id)
        if not orders:
            return {}
        # sudo: the people confirming orders see what the customer owes, not the accounting documents; in their
        # own companies only (an order being created, e.g. in an onchange, may name any company)
        companies = orders.company_id if self.env.su else orders.company_id & self.env.companies
        amounts = {
            (partner, company): amount
            for partner, company, amount in self.env["account.move"]
            .sudo()
            ._read_group(
                self.env["account.move"]._get_sales_admin_overdue_domain(
                    orders.partner_id.commercial_partner_id, companies
                ),
                ["commercial_partner_id", "company_id"],
                ["amount_residual_signed:sum"],
            )
        }
        return {order: amounts.get((order.partner_id.commercial_partner_id, order.company_id), 0.0) for order in orders}

    def _get_sales_admin_overdue_warning(self, amount):
        """The banner of a quotation whose customer's overdue exceeds the threshold of an active guard."""
        self.ensure_one()
        company = self.company_id
        if (
            self.state not in ("draft", "sent")
            or company.sales_admin_overdue_guard == "off"
            or company.currency_id.compare_amounts(amount, company.sales_admin_overdue_threshold) <= 0
        ):
            return False
        values = {
            "customer": self.partner_id.commercial_partner_id.display_name,
            "amount": format_amount(self.env, amount, company.currency_id),
            "threshold": format_amount(self.env, company.sales_admin_overdue_threshold, company.currency_id),
        }
        if company.sales_admin_overdue_guard == "warn":
            return self.env._(
                "%(customer)s has %(amount)s of overdue invoices, above the threshold of %(threshold)s.", **values
            )
        if self.sales_admin_overdue_override_uid:
            return False
        return self.env._(
            "%(customer)s has %(amount)s of overdue invoices, above the threshold of %(threshold)s: the order cannot "
            "be confirmed unless a Sales Administration manager overrides the overdue guard.",
            **values,
        )

    def _sales_admin_check_overdue_guard(self):
        """Refuse, in one message, to confirm orders of customers above the threshold of a blocking guard (unless a
        manager overrode it); return the overdue amounts of the orders to confirm with a warning."""
        guarded = self.filtered(lambda order: order.company_id.sales_admin_overdue_guard != "off")
        if not guarded:
            return {}
        overdue = guarded._get_sales_admin_overdue_by_order()
        blocked, warned = [], {}
        for order in guarded:
            company, amount = order.company_id, overdue.get(order, 0.0)
            if company.currency_id.compare_amounts(amount, company.sales_admin_overdue_threshold) <= 0:
                continue
            if company.sales_admin_overdue_guard == "warn":
                warned[order] = amount
            elif not order.sales_admin_overdue_override_uid:
                blocked.append(
                    self.env._(
                        "%(order)s: %(customer)s has %(amount)s overdue, above the threshold of %(threshold)s",
                        order=order.name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                        amount=format_amount(self.env, amount, company.currency_id),
                        threshold=format_amount(self.env, company.sales_admin_overdue_threshold, company.currency_id),
                    )
                )
        if blocked:
            raise UserError(
                self.env._(
                    "These customers' overdue invoices are above the threshold:\n%(orders)s\n"
                    "Collect the payments first, or ask a Sales Administration manager to override the overdue guard.",
                    orders="\n".join(blocked),
                )
            )
        return warned

    def _sales_admin_log_overdue_warnings(self, warned):
        """A note on each order confirmed despite its customer's overdue (warning guard)."""
        for order, amount in warned.items():
            order.message_post(
                body=self.env._(
                    "Confirmed by %(user)s despite %(amount)s overdue of %(customer)s (threshold %(threshold)s).",
                    user=self.env.user.name,
                    amount=format_amount(self.env, amount, order.company_id.currency_id),
                    customer=order.partner_id.commercial_partner_id.display_name,
                    threshold=format_amount(
                        self.env, order.company_id.sales_admin_overdue_threshold, order.company_id.currency_id
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------
    # Campaign attribution
    # ------------------------------------------------------------

    @api.model
    def _sales_admin_add_campaign_vals(self, vals_list):
        """The UTM campaign, source and medium of the latest campaign mailing the customer received within the
        company's attribution window, for the new quotations without a campaign (an explicit one, or one from the
        defaults or the visitor's cookies, is kept). One query for the batch."""
        defaults = self.default_get(list(UTM_FIELDS))
        if any(defaults.values()):
            return vals_list
        now = fields.Datetime.now()
        rows = []
        for index, vals in enumerate(vals_list):
            if not vals.get("partner_id") or any(vals.get(fname) for fname in UTM_FIELDS):
                continue
            partner_id, company_id = vals["partner_id"], vals.get("company_id") or self.env.company.id
            try:
                date_order = fields.Datetime.to_datetime(vals.get("date_order")) or now
            except (TypeError, ValueError):
                date_order = None
            # values of the wrong type are left to the ORM, which refuses them with its own message
            if is_record_id(partner_id) and is_record_id(company_id) and date_order:
                rows.append(SQL("(%s, %s, %s, %s::timestamp)", index, partner_id, company_id, date_order))
        if not rows:
            return vals_list
        self.env["mailing.trace"].flush_model(["res_id", "model", "mass_mailing_id", "sent_datetime", "trace_status"])
        self.env["mailing.contact"].flush_model(["partner_id"])
        self.env["mailing.mailing"].flush_model(["campaign_id", "source_id", "medium_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["res.company"].flush_model(["sales_admin_campaign_attribution_days"])
        self.env.cr.execute(self._sales_admin_campaign_attribution_query(SQL(", ").join(rows)))
        attributed = {index: values for index, *values in self.env.cr.fetchall()}
        if not attributed:
            return vals_list
        vals_list = [dict(vals) for vals in vals_list]
        for index, (campaign_id, source_id, medium_id) in attributed.items():
            vals_list[index].update({"campaign_id": campaign_id, "source_id": source_id, "medium_id": medium_id})
        return vals_list

    @api.model
    def _sales_admin_campaign_attribution_query(self, rows):
        """(index, campaign, source, medium) of the latest mailing with a campaign that reached the customer (any of
        its contacts, through a mailing list contact or directly) and was not bounced or cancelled, sent within the
        window before the order date, for each row (index, partner, company, order date)."""
        return SQL(
            """
            SELECT DISTINCT ON (new_order.idx) new_order.idx, mailing.campaign_id, mailing.source_id, mailing.medium_id
              FROM (VALUES %(rows)s) AS new_order(idx, partner_id, company_id, date_order)
              JOIN res_company company ON company.id = new_order.company_id
              JOIN res_partner customer ON customer.id = new_order.partner_id
              JOIN res_partner member ON member.commercial_partner_id = customer.commercial_partner_id
              JOIN (SELECT contact.partner_id, trace.mass_mailing_id, trace.sent_datetime, trace.trace_status
                      FROM mailing_contact contact
                      JOIN mailing_trace trace ON trace.res_id = contact.id AND trace.model = 'mailing.contact'
                 UNION ALL
                    SELECT trace.res_id, trace.mass_mailing_id, trace.sent_datetime, trace.trace_status
                      FROM mailing_trace trace
                     WHERE trace.model = 'res.partner'
                   ) received ON received.partner_id = member.id
              JOIN mailing_mailing mailing ON mailing.id = received.mass_mailing_id
             WHERE mailing.campaign_id IS NOT NULL
               AND company.sales_admin_campaign_attribution_days > 0
               AND received.trace_status IN %(statuses)s
               AND received.sent_datetime <= new_order.date_order
               AND received.sent_datetime >= new_order.date_order
                                             - make_interval(days => company.sales_admin_campaign_attribution_days)
          ORDER BY new_order.idx, received.sent_datetime DESC, mailing.id DESC
            """,
            rows=rows,
            statuses=ATTRIBUTION_TRACE_STATUSES,
        )
