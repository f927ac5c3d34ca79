import math
import threading
from collections import defaultdict
from datetime import datetime, time, timedelta
from urllib.parse import quote_plus

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import split_every

DEFAULT_VISIT_HORIZON_DAYS = 14


def _is_coordinate(value, bound):
    """Whether ``value`` (sent by the browser) is a number within [-bound, bound]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and -bound <= value <= bound


VISIT_STATES = [
    ("proposed", "To Book"),
    ("planned", "Planned"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
    ("no_show", "No-show"),
]


class SalesAdminVisit(models.Model):
    _name = "sales_admin.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales_admin.satisfaction.mixin"]
    _order = "planned_start desc, id desc"
    _check_company_auto = True
    _sales_admin_satisfaction_template = "sales_admin_addon.mail_template_visit_satisfaction"
    _sales_admin_satisfaction_answer_field = "sales_admin_visit_id"

    # ------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------

    def _default_visit_type(self):
        return self.env["sales_admin.visit.type"].search([], limit=1)

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False), ('customer_rank', '>', 0)]",
        help="The customer's commercial entity.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Met",
        check_company=True,
        domain="[('id', 'child_of', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    visit_type_id = fields.Many2one("sales_admin.visit.type", default=lambda self: self._default_visit_type())
    state = fields.Selection(VISIT_STATES, default="planned", required=True, index=True, tracking=True, copy=False)
    planned_start = fields.Datetime(required=True, tracking=True, default=lambda self: fields.Datetime.now())
    planned_end = fields.Datetime(
        required=True, compute="_compute_planned_end", store=True, readonly=False, precompute=True
    )
    planned_duration = fields.Float(compute="_compute_planned_duration", store=True, help="In hours.")
    checkin_date = fields.Datetime(string="Check-in", copy=False, tracking=True)
    checkout_date = fields.Datetime(string="Check-out", copy=False, tracking=True)
    actual_duration = fields.Float(
        string="Real Duration", compute="_compute_actual_duration", store=True, aggregator="sum", help="In hours."
    )
    checkin_latitude = fields.Float(string="Check-in Latitude", digits=(10, 7), copy=False)
    checkin_longitude = fields.Float(string="Check-in Longitude", digits=(10, 7), copy=False)
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_amount_due = fields.Monetary(
        string="Open Amount Due", compute="_compute_partner_amount_due", help="Posted customer invoices not paid yet."
    )
    product_ids = fields.Many2many("product.product", string="Products Discussed", domain="[('sale_ok', '=', True)]")
    address = fields.Char(compute="_compute_address")
    map_url = fields.Char(string="Map", compute="_compute_address")
    purpose = fields.Text(string="Purpose / Agenda")
    outcome_id = fields.Many2one("sales_admin.visit.outcome", tracking=True)
    report = fields.Html()
    calendar_event_id = fields.Many2one("calendar.event", string="Meeting", copy=False, index="btree_not_null")
    sale_order_ids = fields.One2many("sale.order", "sales_admin_visit_id", string="Quotations")
    sale_order_count = fields.Integer(string="Quotation Count", compute="_compute_sale_order_count")
    ticket_ids = fields.One2many("sales_admin.ticket", "visit_id", string="Requests")
    ticket_count = fields.Integer(string="Request Count", compute="_compute_ticket_count")
    partner_open_ticket_count = fields.Integer(
        string="Open Requests",
        compute="_compute_partner_open_ticket_count",
        help="The customer's requests and complaints not closed yet, whatever visit they were raised in.",
    )
    # paperwork: the report and documents of a finished visit, processed by the sales administration
    paperwork_state = fields.Selection(
        [("to_process", "To Process"), ("processed", "Processed")],
        string="Paperwork",
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    paperwork_user_id = fields.Many2one(
        "res.users", string="Paperwork Owner", copy=False, tracking=True, check_company=True
    )
    paperwork_deadline = fields.Date(string="Paperwork Due", copy=False)
    paperwork_processed_date = fields.Datetime(string="Paperwork Processed On", copy=False, readonly=True)
    paperwork_processed_uid = fields.Many2one("res.users", string="Paperwork Processed By", copy=False, readonly=True)

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("name", "partner_id.name")
    def _compute_display_name(self):
        # a proposed visit has no number until it is booked: name it after its customer
        for visit in self:
            if visit.name and visit.name != "/":
                visit.display_name = visit.name
            else:
                visit.display_name = self.env._("%(customer)s (to book)", customer=visit.partner_id.name or "")

    @api.depends("user_id")
    def _compute_team_id(self):
        for visit in self:
            visit.team_id = visit.user_id.sale_team_id or visit.team_id

    @api.depends("planned_start", "visit_type_id")
    def _compute_planned_end(self):
        for visit in self:
            if visit.planned_start:
                hours = visit.visit_type_id.default_duration or 1.0
                visit.planned_end = visit.planned_start + timedelta(hours=hours)

    @api.depends("planned_start", "planned_end")
    def _compute_planned_duration(self):
        for visit in self:
            if visit.planned_start and visit.planned_end:
                visit.planned_duration = (visit.planned_end - visit.planned_start).total_seconds() / 3600
            else:
                visit.planned_duration = 0.0

    @api.depends("checkin_date", "checkout_date")
    def _compute_actual_duration(self):
        for visit in self:
            if visit.checkin_date and visit.checkout_date:
                visit.actual_duration = (visit.checkout_date - visit.checkin_date).total_seconds() / 3600
            else:
                visit.actual_duration = 0.0

    @api.depends(
        "contact_id", "partner_id", "partner_id.street", "partner_id.zip", "partner_id.city", "partner_id.country_id"
    )
    def _compute_address(self):
        for visit in self:
            place = visit.contact_id if visit.contact_id.street else visit.partner_id
            address = ", ".join(
                part for part in (place.street, place.street2, place.zip, place.city, place.country_id.name) if part
            )
            visit.address = address
            visit.map_url = f"https://www.openstreetmap.org/search?query={quote_plus(address)}" if address else False

    def _compute_sale_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("sales_admin_visit_id", "in", self.ids)], ["sales_admin_visit_id"], ["__count"]
            )
        )
        for visit in self:
            visit.sale_order_count = counts.get(visit, 0)

    def _compute_ticket_count(self):
        counts = dict(
            self.env["sales_admin.ticket"]._read_group([("visit_id", "in", self.ids)], ["visit_id"], ["__count"])
        )
        for visit in self:
            visit.ticket_count = counts.get(visit, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_partner_open_ticket_count(self):
        # sudo: like the amount due, the salesperson on the road knows what the customer is still waiting for,
        # including the requests the sales administration handles
        Ticket = self.env["sales_admin.ticket"].sudo()
        counts = Ticket._get_open_ticket_counts(self.partner_id, self._get_readable_companies())
        for visit in self:
            visit.partner_open_ticket_count = counts.get((visit.partner_id, visit.company_id), 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_partner_amount_due(self):
        # sudo: the salesperson on the road sees what the customer owes, without accounting rights, in the
        # visit's company only (its currency; another company's receivables are not his to see)
        due = {
            (partner, company): amount
            for partner, company, amount in self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "in", self.partner_id.commercial_partner_id.ids),
                    ("company_id", "in", self._get_readable_companies().ids),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                ["commercial_partner_id", "company_id"],
                ["amount_residual_signed:sum"],
            )
        }
        for visit in self:
            visit.partner_amount_due = due.get((visit.partner_id.commercial_partner_id, visit.company_id), 0.0)

    def _get_readable_companies(self):
        """The visits' companies whose figures the customer strip may show: all of them as superuser, else only
        the user's (a visit being created, e.g. in an onchange, may name any company)."""
        return self.company_id if self.env.su else self.company_id & self.env.companies

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("partner_id")
    def _check_partner_is_active_customer(self):
        for visit in self:
            partner = visit.partner_id
            if partner.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "A visit is to a customer's commercial entity (%(entity)s), not to %(partner)s: "
                        "choose %(partner)s as the contact met.",
                        entity=partner.commercial_partner_id.name,
                        partner=partner.name,
                    )
                )
            if not partner.active:
                raise ValidationError(
                    self.env._("%(partner)s is archived: a visit needs an active customer.", partner=partner.name)
                )
            if not partner.commercial_partner_id.customer_rank:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a customer: visits are planned for customers only.", partner=partner.name
                    )
                )

    @api.constrains("planned_start", "planned_end", "checkin_date", "checkout_date")
    def _check_dates(self):
        for visit in self:
            if visit.planned_end < visit.planned_start:
                raise ValidationError(self.env._("The visit %(visit)s cannot end before it starts.", visit=visit.name))
            if visit.checkout_date and visit.checkin_date and visit.checkout_date < visit.checkin_date:
                raise ValidationError(
                    self.env._("The check-out of %(visit)s cannot be before its check-in.", visit=visit.name)
                )

    @api.constrains("user_id", "company_id")
    def _check_user_company(self):
        for visit in self:
            if visit.company_id not in visit.user_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work for %(company)s: the visit %(visit)s cannot be in their calendar.",
                        user=visit.user_id.name,
                        company=visit.company_id.name,
                        visit=visit.name,
                    )
                )

    @api.constrains("checkin_latitude", "checkin_longitude")
    def _check_coordinates(self):
        for visit in self:
            if not (-90 <= visit.checkin_latitude <= 90 and -180 <= visit.checkin_longitude <= 180):
                raise ValidationError(self.env._("The check-in position is not a valid GPS position."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        for vals in vals_list:
            partner = partners.browse(vals.get("partner_id"))
            if partner and partner.commercial_partner_id != partner:
                # a visit is to the customer's commercial entity; the person chosen is the contact met
                vals["contact_id"] = vals.get("contact_id") or partner.id
                vals["partner_id"] = partner.commercial_partner_id.id
            # proposals get their number when they are booked
            if vals.get("name", "/") == "/" and vals.get("state", "planned") != "proposed":
                vals["name"] = self.env["ir.sequence"].next_by_code("sales_admin.visit") or "/"
        visits = super().create(vals_list)
        visits.filtered(lambda visit: visit.state == "planned")._create_calendar_events()
        return visits

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("sales_admin_visit_sync") and set(vals) & set(self._calendar_event_fields()):
            self._sync_to_calendar_event()
        if vals.get("state") == "done":
            self._sales_admin_ask_satisfaction()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(visit.state in ("in_progress", "done") for visit in self):
            raise UserError(self.env._("A visit that has started or is done is a record: cancel it instead."))

    def unlink(self):
        events = self.calendar_event_id
        res = super().unlink()
        events.with_context(sales_admin_visit_sync=True).unlink()
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_book(self):
        """Book a proposed visit: it gets its number and its meeting in the salesperson's calendar."""
        self._check_state({"proposed"}, self.env._("Only a proposed visit can be booked."))
        for visit in self:
            visit.write({"state": "planned", "name": self.env["ir.sequence"].next_by_code("sales_admin.visit")})
        self._create_calendar_events()
        return True

    def action_check_in(self, latitude=None, longitude=None):
        """Start the visit; the browser sends its GPS position when the user allows it."""
        self._check_state({"planned"}, self.env._("Only a planned visit can be checked in."))
        vals = {"state": "in_progress", "checkin_date": fields.Datetime.now()}
        if latitude is not None and longitude is not None:
            if not (_is_coordinate(latitude, 90) and _is_coordinate(longitude, 180)):
                raise UserError(
                    self.env._(
                        "The position sent is not valid: the latitude must lie between -90 and 90 and the longitude "
                        "between -180 and 180."
                    )
                )
            vals.update(checkin_latitude=latitude, checkin_longitude=longitude)
        self.write(vals)
        return True

    def action_check_out(self):
        self._check_state({"in_progress"}, self.env._("Only a visit in progress can be checked out."))
        now = fields.Datetime.now()
        # one write per set of visits sharing the same paperwork owner and deadline
        visits_by_vals = defaultdict(lambda: self.browse())
        for visit in self:
            visits_by_vals[frozenset(visit._prepare_paperwork_vals(now).items())] |= visit
        for paperwork_vals, visits in visits_by_vals.items():
            visits.write({"state": "done", "checkout_date": now, **dict(paperwork_vals)})
        return True

    def action_process_paperwork(self):
        """The sales administration has filed the visit's report and documents."""
        if any(visit.paperwork_state != "to_process" for visit in self):
            raise UserError(self.env._("Only visits whose paperwork is waiting can be processed."))
        self.write(
            {
                "paperwork_state": "processed",
                "paperwork_processed_date": fields.Datetime.now(),
                "paperwork_processed_uid": self.env.uid,
            }
        )
        for visit in self:
            visit.message_post(
                body=self.env._("Paperwork processed by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self._check_state(
            {"proposed", "planned", "in_progress"},
            self.env._("Only a proposed or planned visit, or one in progress, can be cancelled."),
        )
        self.write({"state": "cancel"})
        self.calendar_event_id.with_context(sales_admin_visit_sync=True).write({"active": False})
        return True

    def action_no_show(self):
        self._check_state({"planned"}, self.env._("Only a planned visit can be marked as a no-show."))
        self.write({"state": "no_show"})
        return True

    def action_reset_to_planned(self):
        self._check_state(
            {"cancel", "no_show"}, self.env._("Only a cancelled visit or a no-show can be planned again.")
        )
        self.write({"state": "planned", "checkin_date": False, "checkout_date": False})
        events = self.calendar_event_id.with_context(active_test=False)
        events.with_context(sales_admin_visit_sync=True).write({"active": True})
        self.filtered(lambda visit: not visit.calendar_event_id)._create_calendar_events()
        return True

    def action_open_calendar_event(self):
        self.ensure_one()
        if not self.calendar_event_id:
            self._create_calendar_events()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_book_meeting(self):
        """Book another meeting about this customer, in Odoo's calendar."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("calendar.action_calendar_event")
        partners = self.user_id.partner_id | (self.contact_id or self.partner_id)
        action["context"] = {
            "default_partner_ids": partners.ids,
            "default_name": self.env._("Meeting: %(customer)s", customer=self.partner_id.name),
            "default_res_model": self._name,
            "default_res_id": self.id,
        }
        return action

    def action_create_quotation(self):
        """A quotation prefilled from the visit: customer, salesperson, team and the products discussed."""
        self.ensure_one()
        if self.state not in ("in_progress", "done"):
            raise UserError(self.env._("A quotation is prepared from a visit that has started or is done."))
        order = self.env["sale.order"].create(self._prepare_quotation_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
            "target": "current",
        }

    def _prepare_quotation_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "sales_admin_visit_id": self.id,
            "order_line": [Command.create({"product_id": product.id}) for product in self.product_ids],
        }

    def action_view_quotations(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_quotations_with_onboarding")
        action["domain"] = [("sales_admin_visit_id", "=", self.id)]
        action["context"] = {"default_sales_admin_visit_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    def action_propose_next_visit(self):
        """After a visit, propose the next one by the customer's cadence."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(self.env._("The next visit is proposed once this one is done."))
        partner = self.partner_id
        frequency = partner.visit_frequency_effective
        if not frequency:
            raise UserError(
                self.env._(
                    "%(customer)s has no visit frequency: set one on the customer or on one of its tags.",
                    customer=partner.name,
                )
            )
        open_visit = self.search(
            [("partner_id", "=", partner.id), ("state", "in", ("proposed", "planned", "in_progress"))], limit=1
        )
        if open_visit:
            raise UserError(
                self.env._(
                    "%(customer)s already has an open visit (%(visit)s).",
                    customer=partner.name,
                    visit=open_visit.display_name,
                )
            )
        day = fields.Date.context_today(self, self.checkout_date) + timedelta(days=frequency)
        proposal = self.create(
            {
                "state": "proposed",
                "partner_id": partner.id,
                "contact_id": self.contact_id.id,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
                "visit_type_id": self.visit_type_id.id,
                "planned_start": self._proposal_start(self.user_id, day),
                "purpose": self.env._("Follow-up of %(visit)s.", visit=self.name),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": proposal.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_log_request(self):
        """Log a customer request or complaint raised during the visit: a new request form, prefilled."""
        self.ensure_one()
        return self._get_request_action()

    def _get_request_action(self):
        """The action that opens a new request linked to this visit, with ``_prepare_request_defaults``."""
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_new_ticket_action(self._prepare_request_defaults())

    def _prepare_request_defaults(self):
        """The values a request raised during this visit starts with."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "contact_id": self.contact_id.id,
            "visit_id": self.id,
            "channel": "visit",
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
        }

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_tickets_action(
            [("visit_id", "=", self.id)], self._prepare_request_defaults()
        )

    def action_schedule_activity(self):
        """The next step after a visit: an activity for whoever follows up."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule an Activity"),
            "res_model": "mail.activity.schedule",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_id": self.id, "active_ids": self.ids},
        }

    def action_open_attachments(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("base.action_attachment")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {"default_res_model": self._name, "default_res_id": self.id}
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _prepare_paperwork_vals(self, checkout_date):
        self.ensure_one()
        company = self.company_id
        return {
            "paperwork_state": "to_process",
            "paperwork_user_id": (company.sales_admin_paperwork_user_id or self.create_uid).id,
            "paperwork_deadline": fields.Date.add(
                fields.Date.context_today(self, checkout_date), days=company.sales_admin_paperwork_days
            ),
        }

    def _check_state(self, allowed, message):
        if any(visit.state not in allowed for visit in self):
            raise UserError(message)

    @api.model
    def _calendar_event_fields(self):
        return ["planned_start", "planned_end", "user_id", "partner_id", "contact_id", "purpose", "name"]

    def _prepare_calendar_event_vals(self):
        self.ensure_one()
        return {
            "name": self.env._("Visit %(number)s: %(customer)s", number=self.name, customer=self.partner_id.name),
            "start": self.planned_start,
            "stop": self.planned_end,
            "user_id": self.user_id.id,
            "partner_ids": [Command.set((self.user_id.partner_id | (self.contact_id or self.partner_id)).ids)],
            "location": self.address,
            "description": self.purpose,
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
        }

    def _create_calendar_events(self):
        visits = self.filtered(lambda visit: not visit.calendar_event_id)
        if not visits:
            return
        events = (
            self.env["calendar.event"]
            .sudo()
            .with_context(sales_admin_visit_sync=True, no_mail_to_attendees=True)
            .create([visit._prepare_calendar_event_vals() for visit in visits])
        )
        for visit, event in zip(visits, events, strict=True):
            visit.with_context(sales_admin_visit_sync=True).calendar_event_id = event

    def _sync_to_calendar_event(self):
        # sudo: a salesperson who hands a visit over to a colleague no longer reads it, its meeting still follows
        for visit in self.sudo().filtered("calendar_event_id"):
            vals = visit._prepare_calendar_event_vals()
            visit.calendar_event_id.sudo().with_context(sales_admin_visit_sync=True, no_mail_to_attendees=True).write(
                vals
            )

    def _sync_from_calendar_event(self):
        """The visit follows its meeting when someone moves it in the calendar."""
        for visit in self:
            event = visit.calendar_event_id
            if visit.state != "planned":
                raise UserError(
                    self.env._("The visit %(visit)s is no longer planned: its meeting cannot move.", visit=visit.name)
                )
            visit.with_context(sales_admin_visit_sync=True).write(
                {"planned_start": event.start, "planned_end": event.stop, "user_id": event.user_id.id}
            )

    # ------------------------------------------------------------
    # Cadence: visit proposals
    # ------------------------------------------------------------

    @api.model
    def _get_visit_horizon_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param("sales_admin_addon.visit_horizon_days")
        return int(param) if param and param.isdigit() else DEFAULT_VISIT_HORIZON_DAYS

    @api.model
    def _proposal_start(self, user, day):
        """A proposed visit starts at 9:00 on its day, in the salesperson's time zone (stored in UTC)."""
        start = pytz.timezone(user.tz or "UTC").localize(datetime.combine(day, time(9, 0)))
        return start.astimezone(pytz.UTC).replace(tzinfo=None)

    @api.model
    def _prepare_proposal_vals(self, partner, today, visit_type):
        """A proposed visit for a customer due by the cadence: on its due date (today at the earliest), 9:00
        in the salesperson's time zone, for the customer's salesperson."""
        user = partner.user_id
        return {
            "state": "proposed",
            "visit_type_id": visit_type.id,
            "partner_id": partner.id,
            "user_id": user.id,
            "company_id": (partner.company_id or user.company_id).id,
            "planned_start": self._proposal_start(user, max(partner.visit_due_date, today)),
            "purpose": self.env._(
                "Visit due by the customer's cadence (every %(days)s days).", days=partner.visit_frequency_effective
            ),
        }

    @api.model
    def _cron_propose_visits(self, batch_size=500):
        """Propose a visit to every customer due within the horizon and without an open visit.

        Batches commit one by one (outside tests) and report progress; the due list excludes customers with
        an open visit, so a second run, or one restarted after a crash, proposes nothing twice.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        limit_date = today + timedelta(days=self._get_visit_horizon_days())
        partners = self.env["res.partner"].sudo()
        visits = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
        visit_type = self._default_visit_type()
        # the due list is raw SQL: what the ORM holds in memory must reach the database first
        self.env.flush_all()
        due_ids = [row[0] for row in self.env.execute_query(partners._get_visit_due_query(limit_date))]
        done = proposed = 0
        for batch_ids in split_every(batch_size, due_ids):
            self.env.flush_all()
            locked = partners.browse(
                row[0] for row in self.env.execute_query(partners._lock_visit_due_query(batch_ids))
            )
            visits.create([self._prepare_proposal_vals(partner, today, visit_type) for partner in locked])
            proposed += len(locked)
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(due_ids) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()
        return proposed

    # ------------------------------------------------------------
    # Satisfaction: the survey sent after a visit
    # ------------------------------------------------------------

    def _sales_admin_satisfaction_survey(self):
        return self.company_id.sales_admin_visit_survey_id

    def _sales_admin_satisfaction_due(self):
        return super()._sales_admin_satisfaction_due().filtered(lambda visit: visit.state == "done")

    def action_view_survey_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_admin_addon.sales_admin_survey_result_action")
        action["domain"] = [("visit_id", "=", self.id)]
        action["context"] = {}
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        action["view_mode"] = "list,pivot,graph"
        return action
