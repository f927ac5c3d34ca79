import threading

from odoo import api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime, split_every
from odoo.tools.mail import email_split_tuples
from odoo.tools.sql import create_index

from ..tools import is_record_id

TICKET_CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("walk_in", "Walk-in"),
]

TICKET_PRIORITIES = [
    ("0", "Normal"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]


class SalesAdminTicket(models.Model):
    _name = "sales_admin.ticket"
    _description = "Ticket"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "sales_admin.satisfaction.mixin"]
    _order = "priority desc, date_open desc, id desc"
    _rec_names_search = ["name", "title"]
    _check_company_auto = True
    _sales_admin_satisfaction_template = "sales_admin_addon.mail_template_ticket_satisfaction"
    _sales_admin_satisfaction_answer_field = "sales_admin_ticket_id"
    _primary_email = "contact_email"
    # customers answer in the portal with read access to their own tickets (record rule)
    _mail_post_access = "read"

    # ------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------

    def _default_stage_id(self):
        return self.env["sales_admin.ticket.stage"].search([("is_closed", "=", False)], limit=1)

    def _default_ticket_type_id(self):
        return self.env["sales_admin.ticket.type"].search([], limit=1)

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    title = fields.Char(string="Subject", required=True, tracking=True, index="trigram")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    ticket_type_id = fields.Many2one(
        "sales_admin.ticket.type",
        string="Type",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        default=lambda self: self._default_ticket_type_id(),
    )
    is_complaint = fields.Boolean(related="ticket_type_id.is_complaint", store=True)
    channel = fields.Selection(
        TICKET_CHANNELS, required=True, default="phone", index=True, help="How the customer reached us."
    )

    # the requester: a known contact, or the name, e-mail and phone of someone not (yet) in the contacts
    contact_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        check_company=True,
        help="The person who raised the request.",
    )
    contact_name = fields.Char(compute="_compute_contact_details", store=True, readonly=False, precompute=True)
    contact_email = fields.Char(compute="_compute_contact_details", store=True, readonly=False, precompute=True)
    contact_phone = fields.Char(compute="_compute_contact_details", store=True, readonly=False, precompute=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="The customer's commercial entity; filled in from the contact or the linked documents.",
    )
    # stored for the salespeople's record rule and the dashboards' "mine" (no join on the partners per query)
    partner_user_id = fields.Many2one(
        related="partner_id.user_id",
        store=True,
        index="btree_not_null",
        string="Customer's Salesperson",
        help="The salesperson of the customer: sees the ticket.",
    )

    # the documents the request is about
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        compute="_compute_sale_order_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)] if partner_id else []",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index="btree_not_null",
        check_company=True,
        domain="[('order_id', '=', sale_order_id), ('display_type', '=', False)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        index="btree_not_null",
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted')]"
        " + ([('commercial_partner_id', '=', partner_id)] if partner_id else [])",
        help="The customer invoice or credit note the request is about.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing')]"
        " + ([('partner_id', 'child_of', partner_id)] if partner_id else [])",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    visit_id = fields.Many2one(
        "sales_admin.visit",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)] if partner_id else []",
        help="The customer visit during which the request was raised.",
    )
    description = fields.Html(sanitize=True)

    # handling
    stage_id = fields.Many2one(
        "sales_admin.ticket.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        default=lambda self: self._default_stage_id(),
        group_expand="_read_group_stage_ids",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, string="Closed")
    team_id = fields.Many2one(
        "crm.team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    tag_ids = fields.Many2many("sales_admin.ticket.tag", string="Tags")

    # the priority follows the rules (sales_admin.ticket.priority.rule) until someone sets it by hand
    priority = fields.Selection(
        TICKET_PRIORITIES,
        compute="_compute_priority",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
    )
    priority_auto = fields.Selection(
        TICKET_PRIORITIES,
        string="Priority by the Rules",
        compute="_compute_priority_auto",
        store=True,
        precompute=True,
        help="The priority the priority rules give the ticket; refreshed every night for open tickets, as the "
        "customer's overdue invoices and complaints change.",
    )
    priority_manual = fields.Boolean(
        string="Priority Set by Hand",
        readonly=True,
        copy=False,
        help="Someone set the priority by hand: the rules no longer change it.",
    )

    # dates
    date_open = fields.Datetime(
        string="Opened On", required=True, readonly=True, copy=False, default=fields.Datetime.now, index=True
    )
    date_last_stage_update = fields.Datetime(string="Last Stage Update", readonly=True, copy=False)
    date_closed = fields.Datetime(
        string="Closed On", readonly=True, copy=False, index="btree_not_null", help="When the ticket was closed."
    )

    # service level: the first matching policy gives the deadlines, in the company's working hours
    sla_id = fields.Many2one(
        "sales_admin.ticket.sla",
        string="SLA Policy",
        compute="_compute_sla_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        tracking=True,
    )
    date_first_response = fields.Datetime(
        string="First Response On",
        readonly=True,
        copy=False,
        help="The first public answer of an employee, or the first move of the ticket out of its stage.",
    )
    sla_response_deadline = fields.Datetime(
        string="Respond By", compute="_compute_sla_deadlines", store=True, precompute=True
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolve By", compute="_compute_sla_deadlines", store=True, precompute=True
    )
    sla_response_breached = fields.Boolean(
        string="Response Late",
        compute="_compute_sla_response_breached",
        store=True,
        precompute=True,
        help="The first answer came after its deadline, or the deadline passed without one.",
    )
    sla_resolution_breached = fields.Boolean(
        string="Resolution Late",
        compute="_compute_sla_resolution_breached",
        store=True,
        precompute=True,
        help="The ticket was closed after its deadline, or the deadline passed while it was open.",
    )
    sla_state = fields.Selection(
        [("on_time", "On Time"), ("met", "Met"), ("breached", "Breached")],
        string="SLA Status",
        compute="_compute_sla_state",
        store=True,
        precompute=True,
    )

    # one escalation per breach: set when the manager got the activity, never cleared
    sla_response_escalated = fields.Boolean(string="Response Breach Escalated", readonly=True, copy=False)
    sla_resolution_escalated = fields.Boolean(string="Resolution Breach Escalated", readonly=True, copy=False)
    root_cause_id = fields.Many2one(
        "sales_admin.ticket.root.cause", index="btree_not_null", tracking=True, help="Why it happened."
    )
    corrective_action = fields.Text(help="What was done for this customer.")
    preventive_action = fields.Text(help="What changes so that it does not happen again.")
    resolution_type = fields.Selection(
        [
            ("credit_note", "Credit Note"),
            ("replacement", "Replacement"),
            ("repair", "Repair"),
            ("explanation", "Explanation"),
        ],
        tracking=True,
    )

    # ------------------------------------------------------------
    # Compute and search methods
    # ------------------------------------------------------------

    @api.depends("contact_id")
    def _compute_contact_details(self):
        for ticket in self:
            contact = ticket.contact_id
            if contact:
                ticket.contact_name = contact.name
                ticket.contact_email = contact.email
                ticket.contact_phone = contact.phone or contact.mobile

    @api.depends("contact_id", "sale_order_id", "invoice_id", "picking_id", "visit_id")
    def _compute_partner_id(self):
        for ticket in self:
            # the first of the contact and the linked documents that names a customer
            source = ticket.contact_id or ticket.visit_id.partner_id or ticket.sale_order_id.partner_id
            source = source or ticket.invoice_id.partner_id or ticket.picking_id.partner_id
            ticket.partner_id = source.commercial_partner_id or ticket.partner_id

    @api.depends("sale_line_id")
    def _compute_sale_order_id(self):
        for ticket in self:
            ticket.sale_order_id = ticket.sale_line_id.order_id or ticket.sale_order_id

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for ticket in self:
            ticket.product_id = ticket.sale_line_id.product_id or ticket.product_id

    @api.depends("user_id")
    def _compute_team_id(self):
        for ticket in self:
            ticket.team_id = ticket.user_id.sale_team_id or ticket.team_id

    @api.depends(
        "ticket_type_id",
        "partner_id.category_id",
        "sale_order_id.amount_untaxed",
        "sale_order_id.currency_rate",
        "company_id",
    )
    def _compute_priority_auto(self):
        # the customer's overdue invoices and complaints are other documents: the nightly cron brings open
        # tickets up to date with them (_cron_refresh_sla)
        priorities = self.env["sales_admin.ticket.priority.rule"]._get_automatic_priorities(self)
        for ticket in self:
            ticket.priority_auto = priorities[ticket]

    @api.depends("priority_auto", "priority_manual")
    def _compute_priority(self):
        for ticket in self:
            # a priority set by hand stays, and so does the priority a ticket was closed with
            if ticket.priority_manual or (ticket.is_closed and ticket._origin):
                ticket.priority = ticket.priority or ticket.priority_auto or "0"
            else:
                ticket.priority = ticket.priority_auto or "0"

    @api.depends("ticket_type_id", "priority", "partner_id.category_id", "company_id")
    def _compute_sla_id(self):
        open_tickets = self.filtered(lambda ticket: not (ticket.is_closed and ticket._origin))
        policies = self.env["sales_admin.ticket.sla"]._get_ticket_policies(open_tickets)
        for ticket in self:
            # a closed ticket keeps the policy it was measured against
            ticket.sla_id = policies[ticket] if ticket in policies else ticket.sla_id

    @api.depends("sla_id", "date_open", "company_id")
    def _compute_sla_deadlines(self):
        # the policies' hours and the calendars are configuration: the nightly cron brings open tickets up to
        # date with them; the work intervals are read once per calendar for the whole batch
        Sla = self.env["sales_admin.ticket.sla"]
        self.sla_response_deadline = self.sla_resolution_deadline = False
        for calendar, tickets in self.filtered("sla_id").grouped(lambda t: t.company_id.resource_calendar_id).items():
            tickets = list(tickets)
            date_open = fields.Datetime.now()
            requests = [
                (ticket.date_open or date_open, hours)
                for ticket in tickets
                for hours in (ticket.sla_id.response_hours, ticket.sla_id.resolution_hours)
            ]
            deadlines = iter(Sla._plan_working_hours(calendar, [req for req in requests if req[1]]))
            for ticket in tickets:
                if ticket.sla_id.response_hours:
                    ticket.sla_response_deadline = next(deadlines)
                if ticket.sla_id.resolution_hours:
                    ticket.sla_resolution_deadline = next(deadlines)

    @api.depends("sla_response_deadline", "date_first_response", "date_closed")
    def _compute_sla_response_breached(self):
        # "now" for an open deadline: the escalation cron recomputes the tickets whose deadline has passed since
        now = fields.Datetime.now()
        for ticket in self:
            reached = ticket.date_first_response or ticket.date_closed or now
            ticket.sla_response_breached = bool(ticket.sla_response_deadline) and reached > ticket.sla_response_deadline

    @api.depends("sla_resolution_deadline", "date_closed")
    def _compute_sla_resolution_breached(self):
        now = fields.Datetime.now()
        for ticket in self:
            reached = ticket.date_closed or now
            ticket.sla_resolution_breached = (
                bool(ticket.sla_resolution_deadline) and reached > ticket.sla_resolution_deadline
            )

    @api.depends("sla_id", "sla_response_breached", "sla_resolution_breached", "date_closed")
    def _compute_sla_state(self):
        for ticket in self:
            if not ticket.sla_id:
                ticket.sla_state = False
            elif ticket.sla_response_breached or ticket.sla_resolution_breached:
                ticket.sla_state = "breached"
            else:
                ticket.sla_state = "met" if ticket.date_closed else "on_time"

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # every active stage is a kanban column, even an empty one; an archived stage only while it has tickets
        return stages.with_context(active_test=False).search(
            ["|", ("active", "=", True), ("id", "in", stages.ids)], order=stages._order
        )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/requests/{ticket.id}"
        return res

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("partner_id", "contact_id", "sale_order_id", "sale_line_id", "invoice_id", "picking_id", "visit_id")
    def _check_customer_consistency(self):
        # sudo: the linked documents' customers are compared, whoever may read the documents themselves
        for ticket in self.sudo():
            partner = ticket.partner_id
            if partner and partner.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "A ticket is from a customer's commercial entity (%(entity)s), not from %(partner)s: "
                        "choose %(partner)s as the contact.",
                        entity=partner.commercial_partner_id.name,
                        partner=partner.name,
                    )
                )
            if ticket.sale_line_id and ticket.sale_line_id.order_id != ticket.sale_order_id:
                raise ValidationError(
                    self.env._(
                        "The order line %(line)s is not on the sales order %(order)s of the ticket %(ticket)s.",
                        line=ticket.sale_line_id.display_name,
                        order=ticket.sale_order_id.name or "-",
                        ticket=ticket.name,
                    )
                )
            invoice = ticket.invoice_id
            if invoice and invoice.move_type not in ("out_invoice", "out_refund"):
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a customer invoice or credit note: a ticket links only those.",
                        move=invoice.display_name,
                    )
                )
            for document, customer in ticket._get_customer_documents():
                if document and customer.commercial_partner_id != partner:
                    raise ValidationError(
                        self.env._(
                            "%(document)s belongs to %(customer)s, not to %(partner)s, the customer of the ticket "
                            "%(ticket)s.",
                            document=document.display_name,
                            customer=customer.commercial_partner_id.display_name,
                            ticket=ticket.name,
                            partner=partner.display_name or "-",
                        )
                    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        # the many2one values are read here only when they are ids: the ORM refuses the others below
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if is_record_id(vals.get("partner_id"))]
        )
        for vals in vals_list:
            if vals.get("contact_id") and not vals.get("partner_id"):
                vals.pop("partner_id", None)  # computed from the contact
            partner = partners.browse(vals["partner_id"] if is_record_id(vals.get("partner_id")) else ())
            if partner and partner.commercial_partner_id != partner:
                # a ticket is from the customer's commercial entity; the person chosen is the contact
                vals["contact_id"] = vals.get("contact_id") or partner.id
                vals["partner_id"] = partner.commercial_partner_id.id
            # the stage dates, as write() keeps them
            stage_id = vals.get("stage_id") or self.env.context.get("default_stage_id")
            stage = self.env["sales_admin.ticket.stage"].browse(stage_id if is_record_id(stage_id) else ())
            vals.setdefault("date_last_stage_update", now)
            if stage.is_closed:
                vals.setdefault("date_closed", now)
                vals.setdefault("date_first_response", vals["date_closed"])
            if vals.get("name", "/") == "/":
                company_id = vals.get("company_id")
                company = (
                    self.env["res.company"].browse(company_id if is_record_id(company_id) else ()) or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("sales_admin.ticket") or "/"
        tickets = super().create(vals_list)
        # a priority given at creation that differs from the rules' is an override (the form sends the rules'
        # priority back unless the user changed it)
        overridden = self.browse(
            ticket.id
            for ticket, vals in zip(tickets, vals_list, strict=True)
            if "priority" in vals and "priority_manual" not in vals and ticket.priority != ticket.priority_auto
        )
        if overridden:
            overridden.priority_manual = True
            overridden._log_priority_override()
        return tickets

    def write(self, vals):
        if "priority" in vals and "priority_manual" not in vals:
            # a priority from a person, not from the rules: where it differs from what the rules say, the ticket
            # keeps it from now on, and the chatter says so
            vals = dict(vals)
            priority = vals.pop("priority")
            if vals:
                self.write(vals)  # first the other changes, which may move the rules' priority
            overridden = self.filtered(lambda ticket: priority not in (ticket.priority_auto, ticket.priority))
            super().write({"priority": priority})
            if overridden:
                super(SalesAdminTicket, overridden).write({"priority_manual": True})
                overridden._log_priority_override()
            return True
        if "stage_id" not in vals or not is_record_id(vals["stage_id"]):
            return super().write(vals)
        stage = self.env["sales_admin.ticket.stage"].browse(vals["stage_id"])
        asked = self.filtered(lambda ticket: ticket.stage_id != stage) if stage.ask_satisfaction else self.browse()
        now = fields.Datetime.now()
        vals = {"date_last_stage_update": now, **vals}
        # the first move out of the stage a ticket came in with counts as its first response
        unanswered = self.filtered(lambda ticket: not ticket.date_first_response and ticket.stage_id != stage)
        if unanswered and "date_first_response" not in vals:
            super(SalesAdminTicket, unanswered).write({"date_first_response": now})
        if not stage.is_closed:
            super().write({"date_closed": False, **vals})
        else:
            # entering a closing stage dates the closing; from one closing stage to another keeps the first date
            closing = self.filtered(lambda ticket: not ticket.is_closed)
            if closing:
                super(SalesAdminTicket, closing).write({"date_closed": now, **vals})
            if self - closing:
                super(SalesAdminTicket, self - closing).write(vals)
        asked._sales_admin_ask_satisfaction()
        return True

    def init(self):
        res = super().init()
        # the escalation cron's candidates are open tickets under a policy: a small index, as almost every ticket
        # leaves it once closed (its predicate is written as the ORM writes the domain, so the planner can use it)
        create_index(
            self.env.cr,
            "sales_admin_ticket_sla_open_index",
            self._table,
            ["id"],
            where="(is_closed IS NULL OR is_closed = FALSE) AND sla_id IS NOT NULL",
        )
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_priority_automatic(self):
        """Back to the rules' priority."""
        self.write({"priority_manual": False})
        labels = dict(self._fields["priority"]._description_selection(self.env))
        for ticket in self:
            ticket.message_post(
                body=self.env._("Priority back to the rules: %(priority)s.", priority=labels.get(ticket.priority)),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_visit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.visit",
            "res_id": self.visit_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_sales_admin_credit_note(self):
        """Odoo's own reversal of the linked invoice: the credit note wizard."""
        self.ensure_one()
        invoice = self.invoice_id
        if not invoice or invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise UserError(self.env._("Link the posted customer invoice the credit note is for."))
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_view_account_move_reversal")
        action["context"] = {"active_model": "account.move", "active_ids": invoice.ids, "active_id": invoice.id}
        action["view_mode"] = "form"
        action["views"] = [(False, "form")]
        return action

    def action_sales_admin_return(self):
        """Odoo's own return of the linked delivery (with an exchange for a replacement)."""
        self.ensure_one()
        picking = self.picking_id
        if not picking or picking.picking_type_code != "outgoing" or picking.state != "done":
            raise UserError(self.env._("Link the done delivery the goods came with."))
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.act_stock_return_picking")
        action["context"] = {"active_model": "stock.picking", "active_ids": picking.ids, "active_id": picking.id}
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_customer_documents(self):
        """The records linked to the ticket that must belong to its customer, with their customer:
        ``[(record, partner)]``. Override to check more links."""
        self.ensure_one()
        return [
            (self.contact_id, self.contact_id),
            (self.sale_order_id, self.sale_order_id.partner_id),
            (self.invoice_id, self.invoice_id.partner_id),
            (self.picking_id, self.picking_id.partner_id),
            (self.visit_id, self.visit_id.partner_id),
        ]

    def _log_priority_override(self):
        labels = dict(self._fields["priority"]._description_selection(self.env))
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Priority set by hand to %(priority)s; the rules said %(rules)s.",
                    priority=labels.get(ticket.priority),
                    rules=labels.get(ticket.priority_auto),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _message_post_after_hook(self, message, msg_values):
        # the first public answer of an employee stops the response clock
        if (
            not self.date_first_response
            and message.message_type in ("comment", "email")
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids.filtered(lambda user: not user.share)
        ):
            self.sudo().date_first_response = message.date or fields.Datetime.now()
        return super()._message_post_after_hook(message, msg_values)

    @api.model
    def _get_new_ticket_action(self, defaults):
        """The action of a new request form, prefilled with ``defaults`` (``{field: value}``)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Request"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {f"default_{fname}": value for fname, value in defaults.items() if value},
        }

    @api.model
    def _get_tickets_action(self, domain, defaults):
        """The requests of ``domain``; a request created from there starts with ``defaults``."""
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_ticket_action")
        action["domain"] = domain
        action["context"] = {f"default_{fname}": value for fname, value in defaults.items() if value}
        return action

    @api.model
    def _get_owned_domain(self, user_ids):
        """Tickets "of" these users: assigned to them or raised by their customers (what the salespeople's record
        rule lets them see, less what they created for others). The dashboards' "mine" and "my team"."""
        return ["|", ("user_id", "in", user_ids), ("partner_user_id", "in", user_ids)]

    @api.model
    def _get_sla_breached_domain(self):
        """Open tickets whose response or resolution deadline is missed."""
        return [
            ("is_closed", "=", False),
            "|",
            ("sla_response_breached", "=", True),
            ("sla_resolution_breached", "=", True),
        ]

    @api.model
    def _get_open_ticket_counts(self, partners, companies=None):
        """Open requests per commercial entity of ``partners`` (in ``companies`` when given), in one query:
        ``{(partner, company): count}``."""
        domain = [("partner_id", "in", partners.commercial_partner_id.ids), ("is_closed", "=", False)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        return {
            (partner, company): count
            for partner, company, count in self._read_group(domain, ["partner_id", "company_id"], ["__count"])
        }

    @api.model
    def _mail_get_partner_fields(self, introspect_fields=False):
        # mail goes to the person who raised the ticket first, then to the customer
        return ["contact_id", "partner_id"]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A ticket from an e-mail to the requests alias: the sender becomes the contact when known, else their
        name and address are kept on the ticket; the subject is its title, the mail its first message."""
        values = self._prepare_ticket_from_mail_values(msg_dict)
        values.update(custom_values or {})
        # the number comes from the sequence (the gateway would put the subject there)
        values["name"] = "/"
        ticket = super().message_new(msg_dict, values)
        # the gateway keeps the raw "Name <address>" as the e-mail: keep the address alone
        ticket.contact_email = values.get("contact_email") or ticket.contact_id.email or False
        if ticket.contact_id:
            ticket.message_subscribe(partner_ids=ticket.contact_id.ids)
        return ticket

    def message_update(self, msg_dict, update_vals=None):
        """A customer's answer to a closed ticket opens it again."""
        reopened = self.filtered("is_closed")
        if reopened:
            first_open = self.env["sales_admin.ticket.stage"].search([("is_closed", "=", False)], limit=1)
            if first_open:
                reopened.stage_id = first_open
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _prepare_ticket_from_mail_values(self, msg_dict):
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        names_emails = email_split_tuples(msg_dict.get("email_from") or "")
        name, email = names_emails[0] if names_emails else ("", "")
        values = {
            "title": (msg_dict.get("subject") or "").strip()[:200] or self.env._("(no subject)"),
            "channel": "email",
            "description": msg_dict.get("body") or False,
        }
        if author.partner_share:
            # a customer's contact known by the address
            values["contact_id"] = author.id
        else:
            # an unknown sender (or an employee writing to the alias): no contact, their name and address kept
            values.update(
                contact_name=author.name or name or email or False, contact_email=author.email or email or False
            )
        return values

    def _get_portal_return_action(self):
        self.ensure_one()
        return self.env.ref("sales_admin_addon.sales_admin_ticket_action")

    @api.model
    def _get_sla_escalation_domain(self, now):
        """The open tickets with a breach not yet escalated: a deadline passed unmet, or already flagged."""
        return [
            ("is_closed", "=", False),
            ("sla_id", "!=", False),
            "|",
            "&",
            ("sla_response_escalated", "=", False),
            "|",
            ("sla_response_breached", "=", True),
            "&",
            ("sla_response_deadline", "<", now),
            ("date_first_response", "=", False),
            "&",
            ("sla_resolution_escalated", "=", False),
            "|",
            ("sla_resolution_breached", "=", True),
            ("sla_resolution_deadline", "<", now),
        ]

    def _get_sla_escalation_user(self):
        """Who hears of the ticket's breaches: the manager of its team, else the company's escalation manager,
        else the person it is assigned to."""
        self.ensure_one()
        return self.team_id.user_id or self.company_id.sales_admin_ticket_escalation_user_id or self.user_id

    def _prepare_sla_escalation_activity_vals(self, kind, activity_type):
        """The manager's activity of ``activity_type`` for the breach ``kind`` (``response`` or ``resolution``)
        of the ticket."""
        self.ensure_one()
        user = self._get_sla_escalation_user()
        deadline = self[f"sla_{kind}_deadline"]
        deadline = format_datetime(self.env, deadline, tz=user.tz, dt_format="short")
        if kind == "response":
            summary = self.env._("SLA breached: no answer in time")
            note = self.env._(
                "%(ticket)s (%(customer)s) was not answered by %(deadline)s, as the SLA policy %(sla)s asks.",
                ticket=self.display_name,
                customer=self.partner_id.display_name or self.contact_name or "-",
                deadline=deadline,
                sla=self.sla_id.name,
            )
        else:
            summary = self.env._("SLA breached: not solved in time")
            note = self.env._(
                "%(ticket)s (%(customer)s) was not solved by %(deadline)s, as the SLA policy %(sla)s asks.",
                ticket=self.display_name,
                customer=self.partner_id.display_name or self.contact_name or "-",
                deadline=deadline,
                sla=self.sla_id.name,
            )
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": summary,
            "note": note,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self),
        }

    def _escalate_sla_breaches(self):
        """Flag the breaches of ``self`` whose deadline has passed, and give one activity per breach not yet
        escalated; set-based: a bounded number of queries, whatever the number of tickets."""
        fields_to_compute = ["sla_response_breached", "sla_resolution_breached", "sla_state"]
        for fname in fields_to_compute:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(fields_to_compute)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities_vals = []
        escalated = {"response": [], "resolution": []}
        for ticket in self:
            for kind, ticket_ids in escalated.items():
                if ticket[f"sla_{kind}_breached"] and not ticket[f"sla_{kind}_escalated"]:
                    ticket_ids.append(ticket.id)
                    if ticket._get_sla_escalation_user():
                        activities_vals.append(ticket._prepare_sla_escalation_activity_vals(kind, activity_type))
        for kind, ticket_ids in escalated.items():
            if ticket_ids:
                self.browse(ticket_ids).write({f"sla_{kind}_escalated": True})
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities_vals)
        return {kind: self.browse(ticket_ids) for kind, ticket_ids in escalated.items()}

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _cron_sla_escalate(self, batch_size=1000):
        """Give the managers one activity per SLA breach, never twice. The candidates come from one indexed
        search; they are handled in batches, committed one by one outside tests. What is done is marked on the
        tickets, so a run that stops half-way resumes where it was."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        self.env.flush_all()
        tickets = self.search(self._get_sla_escalation_domain(fields.Datetime.now()), order="id")
        done = 0
        for batch in split_every(batch_size, tickets.ids, self.browse):
            batch._escalate_sla_breaches()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(tickets) - done)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done

    @api.model
    def _cron_refresh_sla(self, batch_size=1000):
        """Every night, bring the open tickets up to date with what changes outside them: the rules' priority
        (overdue invoices, complaints of the last 90 days), the policies, their hours and the calendars. Set-based
        per batch, so without chatter tracking: the form shows the rules' priority and the policy at any time."""
        tickets_model = self.with_context(mail_notrack=True)
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        self.env.flush_all()
        tickets = tickets_model.search([("is_closed", "=", False)], order="id")
        fnames = [
            "priority_auto",
            "priority",
            "sla_id",
            "sla_response_deadline",
            "sla_resolution_deadline",
            "sla_response_breached",
            "sla_resolution_breached",
            "sla_state",
        ]
        done = 0
        for batch in split_every(batch_size, tickets.ids, tickets_model.browse):
            for fname in fnames:
                self.env.add_to_compute(self._fields[fname], batch)
            batch.flush_recordset(fnames)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(tickets) - done)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done

    # ------------------------------------------------------------
    # Satisfaction
    # ------------------------------------------------------------

    def _sales_admin_satisfaction_survey(self):
        return self.company_id.sales_admin_ticket_survey_id
