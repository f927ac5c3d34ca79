from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mail import email_split_tuples

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
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date_open desc, id desc"
    _rec_names_search = ["name", "title"]
    _check_company_auto = True
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
    priority = fields.Selection(TICKET_PRIORITIES, default="0", required=True, index=True, tracking=True)
    # dates
    date_open = fields.Datetime(
        string="Opened On", required=True, readonly=True, copy=False, default=fields.Datetime.now, index=True
    )
    date_last_stage_update = fields.Datetime(string="Last Stage Update", readonly=True, copy=False)
    date_closed = fields.Datetime(
        string="Closed On", readonly=True, copy=False, index="btree_not_null", help="When the ticket was closed."
    )

    # ------------------------------------------------------------
    # Compute methods
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

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # every active stage is a kanban column, even an empty one; an archived stage only while it has tickets
        return stages.with_context(active_test=False).search(
            ["|", ("active", "=", True), ("id", "in", stages.ids)], order=stages._order
        )

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

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        for vals in vals_list:
            if vals.get("contact_id") and not vals.get("partner_id"):
                vals.pop("partner_id", None)  # computed from the contact
            partner = partners.browse(vals.get("partner_id"))
            if partner and partner.commercial_partner_id != partner:
                # a ticket is from the customer's commercial entity; the person chosen is the contact
                vals["contact_id"] = vals.get("contact_id") or partner.id
                vals["partner_id"] = partner.commercial_partner_id.id
            # the stage dates, as write() keeps them
            stage = self.env["sales_admin.ticket.stage"].browse(
                vals.get("stage_id") or self.env.context.get("default_stage_id")
            )
            vals.setdefault("date_last_stage_update", now)
            if stage.is_closed:
                vals.setdefault("date_closed", now)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("sales_admin.ticket") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        now = fields.Datetime.now()
        stage = self.env["sales_admin.ticket.stage"].browse(vals["stage_id"])
        vals = {"date_last_stage_update": now, **vals}
        if not stage.is_closed:
            return super().write({"date_closed": False, **vals})
        # entering a closing stage dates the closing; from one closing stage to another keeps the first date
        closing = self.filtered(lambda ticket: not ticket.is_closed)
        if closing:
            super(SalesAdminTicket, closing).write({"date_closed": now, **vals})
        if self - closing:
            super(SalesAdminTicket, self - closing).write(vals)
        return True

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_visit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.visit",
            "res_id": self.visit_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

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

    # ------------------------------------------------------------
    # Mail gateway and portal
    # ------------------------------------------------------------

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/requests/{ticket.id}"
        return res

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

    # ------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------

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
