from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

RECEPTION_KINDS = [
    ("visit", "Visitor"),
    ("call", "Phone Call"),
]

# who sees the customer strip (open requests, late orders, overdue amount): the groups that read these figures on
# the customer (res.partner, sales_team.group_sale_salesman) and billing
CUSTOMER_STRIP_GROUPS = ("sales_team.group_sale_salesman", "account.group_account_invoice")

RECEPTION_STATES = [
    ("planned", "Expected"),
    ("checked_in", "On Site / In Call"),
    ("checked_out", "Left / Done"),
    ("cancelled", "Cancelled"),
]


class SalesAdminReception(models.Model):
    _name = "sales_admin.reception"
    _description = "Reception Log Entry"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "arrival desc, id desc"
    _rec_name = "visitor_name"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(RECEPTION_KINDS, required=True, default="visit", index=True, tracking=True)
    state = fields.Selection(
        RECEPTION_STATES, required=True, default="checked_in", index=True, tracking=True, copy=False
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The caller or visitor when they are in the contacts.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer", store=True, index="btree_not_null"
    )
    visitor_name = fields.Char(
        string="Name", compute="_compute_visitor_details", store=True, readonly=False, precompute=True
    )
    visitor_company = fields.Char(
        string="Company Name", compute="_compute_visitor_details", store=True, readonly=False, precompute=True
    )
    phone = fields.Char(compute="_compute_visitor_details", store=True, readonly=False, precompute=True)
    email = fields.Char(compute="_compute_visitor_details", store=True, readonly=False, precompute=True)
    purpose = fields.Char()
    host_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The person the visitor comes to see or the caller asks for: they are notified.",
    )
    arrival = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    departure = fields.Datetime(copy=False, tracking=True)
    notes = fields.Html()
    ticket_id = fields.Many2one("sales_admin.ticket", string="Request", copy=False, readonly=True, check_company=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # the customer strip: what the receptionist should know about a known customer, never stored
    partner_open_ticket_count = fields.Integer(
        string="Open Requests", compute="_compute_customer_strip", help="The customer's requests not closed yet."
    )
    partner_late_order_count = fields.Integer(
        string="Late Orders", compute="_compute_customer_strip", help="Orders whose promised day passed undelivered."
    )
    partner_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_customer_strip",
        help="Posted customer invoices past their due date and not paid yet, in the company's currency.",
    )

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_visitor_details(self):
        for entry in self:
            partner = entry.partner_id
            if not partner:
                continue
            entry.visitor_name = partner.name
            entity = partner.commercial_partner_id
            entry.visitor_company = entity.name if entity != partner else partner.company_name or entry.visitor_company
            entry.phone = partner.phone or partner.mobile or entry.phone
            entry.email = partner.email or entry.email

    @api.depends("commercial_partner_id", "company_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_customer_strip(self):
        # sudo: the receptionist sees how many requests and late orders and how much is overdue, not the documents;
        # not an employee without sales or billing rights (a host may read his guests' entries), and only in the
        # user's companies (an entry being created, e.g. in an onchange, may name any company)
        entities = self.commercial_partner_id
        companies = self.company_id
        if not self.env.su:
            companies &= self.env.companies
            if not any(self.env.user.has_group(group) for group in CUSTOMER_STRIP_GROUPS):
                companies = companies.browse()
        tickets = self.env["sales_admin.ticket"].sudo()._get_open_ticket_counts(entities, companies)
        late_orders = self._get_late_order_counts(entities, companies)
        overdue = self._get_overdue_amounts(entities, companies)
        for entry in self:
            key = (entry.commercial_partner_id, entry.company_id)
            entry.partner_open_ticket_count = tickets.get(key, 0)
            entry.partner_late_order_count = late_orders.get(key, 0)
            entry.partner_overdue_amount = overdue.get(key, 0.0)

    @api.depends("visitor_name", "visitor_company")
    def _compute_display_name(self):
        for entry in self:
            name = entry.visitor_name or entry.env._("Unknown")
            entry.display_name = f"{name} ({entry.visitor_company})" if entry.visitor_company else name

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("arrival", "departure")
    def _check_departure(self):
        for entry in self:
            if entry.departure and entry.arrival and entry.departure < entry.arrival:
                raise ValidationError(
                    self.env._(
                        "%(visitor)s cannot leave before arriving: the departure is before the arrival.",
                        visitor=entry.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            # an expected visitor is entered ahead of time; one at the desk (or on the line) is there now
            if "state" not in vals and vals.get("arrival"):
                try:
                    arrival = fields.Datetime.to_datetime(vals["arrival"])
                except (TypeError, ValueError):
                    continue  # not a date: the ORM refuses it below, with its own message
                if arrival > now:
                    vals["state"] = "planned"
        entries = super().create(vals_list)
        entries.filtered(lambda entry: entry.state == "checked_in")._notify_host()
        return entries

    def write(self, vals):
        res = super().write(vals)
        if vals.get("host_id"):
            # someone else is to see the visitor (or take the call): they are told too
            self.filtered(lambda entry: entry.state == "checked_in")._notify_host()
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_check_in(self):
        self._check_state({"planned"}, self.env._("Only an expected visitor or call can be checked in."))
        self.write({"state": "checked_in", "arrival": fields.Datetime.now()})
        self._notify_host()
        return True

    def action_check_out(self):
        self._check_state(
            {"checked_in"}, self.env._("Only a visitor on site or a call in progress can be checked out.")
        )
        self.write({"state": "checked_out", "departure": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_state({"planned", "checked_in"}, self.env._("Only an expected or current entry can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_reset_to_planned(self):
        self._check_state({"cancelled"}, self.env._("Only a cancelled entry can be expected again."))
        self.write({"state": "planned", "departure": False})
        return True

    def action_create_partner(self):
        """Create the contact of an unknown visitor or caller (and their company when new) and link it."""
        for entry in self:
            if entry.partner_id:
                raise UserError(self.env._("%(visitor)s is already linked to a contact.", visitor=entry.display_name))
            if not (entry.visitor_name or "").strip():
                raise UserError(self.env._("Type the visitor's or caller's name before creating their contact."))
            entry.partner_id = self.env["res.partner"].create(entry._prepare_partner_vals())
        return True

    def action_link_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to Contact"),
            "res_model": "sales_admin.reception.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_reception_id": self.id},
        }

    def action_log_request(self):
        """Turn the inquiry into a request (ticket), prefilled from the entry, and open it."""
        self.ensure_one()
        if not self.ticket_id:
            ticket = self.env["sales_admin.ticket"].create(self._prepare_ticket_vals())
            if not is_html_empty(self.notes):
                ticket.message_post(body=self.notes, subtype_xmlid="mail.mt_note")
            self.ticket_id = ticket
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_view_partner_tickets(self):
        self.ensure_one()
        entity = self.commercial_partner_id
        return self.env["sales_admin.ticket"]._get_tickets_action(
            [("partner_id", "=", entity.id), ("is_closed", "=", False), ("company_id", "=", self.company_id.id)],
            {"partner_id": entity.id},
        )

    def action_view_partner_late_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_orders")
        action["domain"] = self._get_late_order_domain(self.commercial_partner_id, self.company_id)
        action["context"] = {"create": False}
        return action

    def action_view_partner_overdue_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self._get_overdue_invoice_domain(self.commercial_partner_id, self.company_id)
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _check_state(self, allowed, message):
        if any(entry.state not in allowed for entry in self):
            raise UserError(message)

    def _notify_host(self):
        """Tell each host, through their usual channel (Discuss inbox or e-mail), who is there for them."""
        for entry in self.filtered("host_id"):
            entry.message_post(
                body=entry._prepare_host_message(),
                partner_ids=entry.host_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _prepare_host_message(self):
        self.ensure_one()
        visitor = self.display_name
        if self.kind == "call":
            message = (
                self.env._("%(visitor)s is calling for you (%(purpose)s).", visitor=visitor, purpose=self.purpose)
                if self.purpose
                else self.env._("%(visitor)s is calling for you.", visitor=visitor)
            )
        else:
            message = (
                self.env._("%(visitor)s arrived to see you (%(purpose)s).", visitor=visitor, purpose=self.purpose)
                if self.purpose
                else self.env._("%(visitor)s arrived to see you.", visitor=visitor)
            )
        return Markup("<p>%s</p>") % message

    def _prepare_partner_vals(self):
        """The new contact of an unknown visitor; their company is found by its exact name, or created."""
        self.ensure_one()
        vals = {
            "name": self.visitor_name.strip(),
            "phone": self.phone,
            "email": self.email,
        }
        company_name = (self.visitor_company or "").strip()
        if company_name:
            partners = self.env["res.partner"]
            company = partners.search(
                [
                    ("name", "=", company_name),
                    ("is_company", "=", True),
                    ("company_id", "in", (False, self.company_id.id)),
                ],
                limit=1,
            ) or partners.create({"name": company_name, "is_company": True})
            vals["parent_id"] = company.id
        return vals

    def _prepare_ticket_vals(self):
        self.ensure_one()
        partner = self.partner_id
        vals = {
            "channel": "phone" if self.kind == "call" else "walk_in",
            "title": self.purpose or self.env._("Inquiry from %(visitor)s", visitor=self.display_name),
            "company_id": self.company_id.id,
            "contact_name": self.visitor_name,
            "contact_phone": self.phone,
            "contact_email": self.email,
            "description": self.notes if not is_html_empty(self.notes) else False,
        }
        if partner:
            vals["partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                vals["contact_id"] = partner.id
        return vals

    @api.model
    def _get_late_order_domain(self, partners, companies):
        return [
            ("partner_id.commercial_partner_id", "in", partners.ids),
            ("company_id", "in", companies.ids),
            ("sales_admin_delivery_state", "=", "late"),
        ]

    @api.model
    def _get_late_order_counts(self, partners, companies):
        """Late orders per ``(commercial entity, company)``, in one query."""
        if not partners:
            return {}
        counts = {}
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                self._get_late_order_domain(partners, companies),
                ["partner_id", "company_id"],
                ["__count"],
            )
        )
        for partner, company, count in groups:
            key = (partner.commercial_partner_id, company)
            counts[key] = counts.get(key, 0) + count
        return counts

    @api.model
    def _get_overdue_invoice_domain(self, partners, companies):
        # the same overdue invoices as the ticket priority rules see
        return self.env["account.move"]._get_sales_admin_overdue_domain(partners, companies)

    @api.model
    def _get_overdue_amounts(self, partners, companies):
        """Overdue amount (company currency) per ``(commercial entity, company)``, in one query."""
        if not partners:
            return {}
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                self._get_overdue_invoice_domain(partners, companies),
                ["commercial_partner_id", "company_id"],
                ["amount_residual_signed:sum"],
            )
        )
        return {(partner, company): amount for partner, company, amount in groups}
