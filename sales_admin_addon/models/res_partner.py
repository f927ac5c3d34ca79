from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # Fields: visit cadence
    # ------------------------------------------------------------

    sales_admin_visit_ids = fields.One2many("sales_admin.visit", "partner_id", string="Visits")
    sales_admin_visit_count = fields.Integer(string="Visit Count", compute="_compute_sales_admin_visit_count")
    visit_frequency = fields.Integer(
        string="Visit Every (Days)",
        help="How often the customer is visited. Empty: the shortest frequency of the customer's tags.",
    )
    visit_frequency_effective = fields.Integer(
        string="Visit Cadence (Days)",
        compute="_compute_visit_frequency_effective",
        store=True,
        help="The customer's own frequency, else the shortest of its tags'.",
    )
    last_visit_date = fields.Date(compute="_compute_visit_dates", store=True)
    next_visit_date = fields.Datetime(string="Next Planned Visit", compute="_compute_visit_dates", store=True)
    visit_due_date = fields.Date(
        compute="_compute_visit_due_date",
        store=True,
        index="btree_not_null",
        help="When the next visit is due by the cadence: the last visit plus the frequency "
        "(a customer never visited is due from the day it was created).",
    )
    days_since_last_visit = fields.Integer(
        compute="_compute_visit_cadence_state", search="_search_days_since_last_visit"
    )
    visit_overdue = fields.Boolean(compute="_compute_visit_cadence_state", search="_search_visit_overdue")

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    def _compute_sales_admin_visit_count(self):
        counts = dict(
            self.env["sales_admin.visit"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sales_admin_visit_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("visit_frequency", "category_id.sales_admin_visit_frequency")
    def _compute_visit_frequency_effective(self):
        for partner in self:
            tag_frequencies = [freq for freq in partner.category_id.mapped("sales_admin_visit_frequency") if freq > 0]
            partner.visit_frequency_effective = partner.visit_frequency or min(tag_frequencies, default=0)

    @api.depends(
        "sales_admin_visit_ids.state", "sales_admin_visit_ids.checkout_date", "sales_admin_visit_ids.planned_start"
    )
    def _compute_visit_dates(self):
        visits = self.env["sales_admin.visit"].sudo()
        partners = self.filtered("id")
        last = dict(
            visits._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "done")], ["partner_id"], ["checkout_date:max"]
            )
        )
        upcoming = dict(
            visits._read_group(
                [("partner_id", "in", partners.ids), ("state", "in", ("proposed", "planned"))],
                ["partner_id"],
                ["planned_start:min"],
            )
        )
        for partner in self:
            last_checkout = last.get(partner)
            partner.last_visit_date = last_checkout and fields.Date.context_today(partner, last_checkout)
            partner.next_visit_date = upcoming.get(partner, False)

    @api.depends("last_visit_date", "visit_frequency_effective", "create_date")
    def _compute_visit_due_date(self):
        for partner in self:
            if not partner.visit_frequency_effective:
                partner.visit_due_date = False
            elif partner.last_visit_date:
                partner.visit_due_date = partner.last_visit_date + timedelta(days=partner.visit_frequency_effective)
            else:
                partner.visit_due_date = (partner.create_date or fields.Datetime.now()).date()

    @api.depends_context("tz")
    @api.depends("last_visit_date", "visit_due_date")
    def _compute_visit_cadence_state(self):
        # depend on today: computed on read and searchable, never stored (nothing to rewrite each night)
        today = fields.Date.context_today(self)
        for partner in self:
            partner.days_since_last_visit = (today - partner.last_visit_date).days if partner.last_visit_date else 0
            partner.visit_overdue = bool(partner.visit_due_date and partner.visit_due_date < today)

    def _search_days_since_last_visit(self, operator, value):
        if operator not in (">", ">=", "<", "<="):
            raise ValidationError(self.env._("Days since the last visit can only be compared with >, >=, < or <=."))
        # more days since the last visit means an earlier date: flip the comparison
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[operator]
        limit = fields.Date.context_today(self) - timedelta(days=int(value))
        domain = [("last_visit_date", flipped, limit)]
        if operator in (">", ">="):
            # never visited counts as long ago
            domain = ["|", ("last_visit_date", "=", False), *domain]
        return domain

    def _search_visit_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("The overdue flag can only be searched as true or false."))
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("visit_due_date", "<", today)]
        return ["|", ("visit_due_date", "=", False), ("visit_due_date", ">=", today)]

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("visit_frequency")
    def _check_visit_frequency(self):
        if any(partner.visit_frequency < 0 for partner in self):
            raise ValidationError(self.env._("A visit frequency cannot be negative."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_sales_admin_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_visit_action")
        partner = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    def action_book_sales_admin_meeting(self):
        """Book a meeting about this customer, in Odoo's calendar."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("calendar.action_calendar_event")
        action["context"] = {
            "default_partner_ids": (self.env.user.partner_id | self).ids,
            "default_name": self.env._("Meeting: %(customer)s", customer=self.commercial_partner_id.name),
        }
        return action

    # ------------------------------------------------------------
    # Business methods: cadence
    # ------------------------------------------------------------

    @api.model
    def _get_visit_due_query(self, limit_date, batch_size):
        """Customers due a visit by ``limit_date`` with no open visit, oldest due first, rows locked.

        SKIP LOCKED: two runs at once (a second worker, "run now") take disjoint customers, and the open
        proposal that a committed batch wrote keeps the next run from proposing again.
        """
        return SQL(
            """
            SELECT p.id
              FROM res_partner p
              JOIN res_users u ON u.id = p.user_id AND u.active
             WHERE p.active
               AND p.parent_id IS NULL
               AND p.customer_rank > 0
               AND p.visit_frequency_effective > 0
               AND p.visit_due_date <= %(limit_date)s
               AND (p.company_id IS NULL OR EXISTS (
                   SELECT 1 FROM res_company_users_rel r WHERE r.user_id = u.id AND r.cid = p.company_id
               ))
               AND NOT EXISTS (
                   SELECT 1 FROM sales_admin_visit v
                    WHERE v.partner_id = p.id AND v.state IN ('proposed', 'planned', 'in_progress')
               )
          ORDER BY p.visit_due_date, p.id
             %(limit)s
            """,
            limit_date=limit_date,
            limit=SQL("LIMIT %s FOR UPDATE OF p SKIP LOCKED", batch_size) if batch_size else SQL(),
        )
