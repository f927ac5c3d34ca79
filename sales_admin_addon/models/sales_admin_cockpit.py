from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_amount, format_date, format_datetime, format_time

SALES_ADMIN_USER = "sales_admin_addon.sales_admin_addon_group_user"
# how many records a counter lists under its figure
LIST_LIMIT = 5
# visits planned over the next days (from tomorrow) to confirm with the customer
CONFIRM_DAYS = 7


class SalesAdminCockpit(models.AbstractModel):
    """The "Today" cockpit: what needs the user today, read in one call with the user's rights.

    Every counter is read with the user's environment (record rules apply, nothing runs as superuser) over the
    companies switched on in the web client, narrowed to a scope (``mine``, ``team``, ``all``), and carries the
    window action listing exactly the records it counts, with the first few of them. The number of queries does
    not grow with the data: one count and one short search per counter.
    """

    _name = "sales_admin.cockpit"
    _description = "Sales Admin Cockpit"

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.readonly
    @api.model
    def get_cockpit_data(self, scope=None):
        """Everything the cockpit shows. ``scope``: ``"mine"``, ``"team"`` or ``"all"``; ``None`` is the user's
        default (see ``_get_default_scope``). A scope the user may not take raises an AccessError."""
        scopes = self._get_scopes()
        scope = scope or self._get_default_scope(scopes)
        if scope not in {key for key, __ in scopes}:
            raise AccessError(self.env._("You cannot see the cockpit of that scope: %(scope)s", scope=scope))
        context = self._get_cockpit_context(scope)
        return {
            "scope": scope,
            "scopes": [{"key": key, "label": label} for key, label in scopes],
            "today": fields.Date.to_string(context["today"]),
            "user_name": self.env.user.name,
            "sections": [section for section in self._get_sections(context) if section["counters"]],
            "weekly": self._get_weekly(context),
            "quick_actions": self._get_quick_actions(),
        }

    # ------------------------------------------------------------
    # Scopes
    # ------------------------------------------------------------

    @api.model
    def _get_scopes(self):
        """``[(key, label)]`` the user may switch between: everyone has their own items, members of a sales team
        their team's, the sales administration everything its rules let it read."""
        scopes = [("mine", self.env._("Mine"))]
        if self._get_team_user_ids():
            scopes.append(("team", self.env._("My Team")))
        if self.env.user.has_group(SALES_ADMIN_USER):
            scopes.append(("all", self.env._("All")))
        return scopes

    @api.model
    def _get_default_scope(self, scopes):
        keys = [key for key, __ in scopes]
        return "all" if "all" in keys else "mine"

    @api.model
    def _get_team_user_ids(self):
        """The users of the sales teams the user belongs to or leads (the user included when in a team)."""
        teams = self.env["crm.team"].search(["|", ("member_ids", "in", [self.env.uid]), ("user_id", "=", self.env.uid)])
        return (teams.member_ids | teams.user_id).ids

    @api.model
    def _get_cockpit_context(self, scope):
        """What every counter needs: the companies, the scope, today and its bounds in the user's time zone."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        today = fields.Date.context_today(self)
        day_start = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        return {
            "companies": self.env.companies,
            "scope": scope,
            "user_ids": self._get_scope_user_ids(scope),
            "today": today,
            "day_start": day_start,
            "day_end": day_start + timedelta(days=1),
        }

    @api.model
    def _get_scope_user_ids(self, scope):
        if scope == "mine":
            return [self.env.uid]
        if scope == "team":
            return self._get_team_user_ids()
        return None

    @api.model
    def _scope_domain(self, context, field_name="user_id"):
        """The scope's leaf on the owner field ``field_name`` (nothing for ``all``)."""
        if context["user_ids"] is None:
            return []
        return [(field_name, "in", context["user_ids"])]

    # ------------------------------------------------------------
    # Counters
    # ------------------------------------------------------------

    @api.model
    def _prepare_action(self, name, res_model, domain, views=None, context=None):
        """The window action listing ``domain`` of ``res_model``: what a click on a counter opens (as the
        dashboard's figures)."""
        return self.env["sales_admin.dashboard"]._prepare_action(name, res_model, domain, views=views, context=context)

    @api.model
    def _prepare_item(self, record, detail=""):
        return {"id": record.id, "res_model": record._name, "name": record.display_name, "detail": detail}

    @api.model
    def _counter(self, key, label, res_model, domain, severity="info", order=None, detail=None, views=None):
        """A counter over ``domain`` of ``res_model``: its count, the first records (``order``) and the action
        listing them; ``False`` when the user cannot read the model. ``detail(record)`` gives each listed
        record's second line."""
        Model = self.env[res_model]
        if not Model.has_access("read"):
            return False
        count = Model.search_count(domain)
        records = Model.search(domain, order=order, limit=LIST_LIMIT) if count else Model
        return {
            "key": key,
            "label": label,
            "count": count,
            "severity": severity if count else "muted",
            "items": [self._prepare_item(record, detail(record) if detail else "") for record in records],
            "action": self._prepare_action(label, res_model, domain, views=views),
        }

    @api.model
    def _get_sections(self, context):
        """``[{key, title, icon, counters}]`` in the order the cockpit shows them; counters the user cannot read
        are left out."""
        sections = [
            {
                "key": "visits",
                "title": self.env._("Visits"),
                "icon": "fa-car",
                "counters": [
                    self._get_visits_today(context),
                    self._get_visits_to_book(context),
                    self._get_visits_to_confirm(context),
                    self._get_visits_paperwork(context),
                ],
            },
            {
                "key": "sales",
                "title": self.env._("Quotations and Orders"),
                "icon": "fa-shopping-cart",
                "counters": [
                    self._get_quotations_requested(context),
                    self._get_quotations_expiring(context),
                    self._get_orders_late(context),
                    self._get_orders_notice(context),
                ],
            },
            {
                "key": "tickets",
                "title": self.env._("Requests and Complaints"),
                "icon": "fa-life-ring",
                "counters": [
                    self._get_tickets_open(context),
                    self._get_tickets_sla_breached(context),
                    self._get_tickets_due_today(context),
                ],
            },
            {
                "key": "collections",
                "title": self.env._("Collections"),
                "icon": "fa-money",
                "counters": [
                    self._get_collection_due(context),
                    self._get_reminders_to_send(context),
                    self._get_promises_broken(context),
                ],
            },
            {
                "key": "day",
                "title": self.env._("My Day"),
                "icon": "fa-calendar-check-o",
                "counters": [self._get_reception_today(context), self._get_my_activities(context)],
            },
        ]
        for section in sections:
            section["counters"] = [counter for counter in section["counters"] if counter]
        return sections

    @api.model
    def _view_id(self, xmlid):
        """The id of the view ``xmlid`` (cached by the registry after the first call)."""
        return self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False) or False

    @api.model
    def _list_views(self, xmlid):
        return [[self._view_id(xmlid), "list"], [False, "form"]]

    @api.model
    def _format_datetime(self, value):
        return format_datetime(self.env, value, dt_format="short") if value else ""

    @api.model
    def _format_date(self, value):
        return format_date(self.env, value) if value else ""

    @api.model
    def _detail(self, *parts):
        """An item's second line: its non-empty parts joined by a dash."""
        return " – ".join(part for part in parts if part)

    @api.model
    def _day_domain(self, context, field_name):
        """Records whose datetime ``field_name`` falls within today in the user's time zone."""
        return [
            (field_name, ">=", fields.Datetime.to_string(context["day_start"])),
            (field_name, "<", fields.Datetime.to_string(context["day_end"])),
        ]

    # visits

    @api.model
    def _get_visit_detail(self, visit):
        return self._detail(visit.partner_id.display_name, self._format_datetime(visit.planned_start))

    @api.model
    def _get_visits_today_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "in", ("planned", "in_progress")),
            *self._day_domain(context, "planned_start"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_visits_today(self, context):
        """The round of the day: visits planned today not finished yet."""
        return self._counter(
            "visits_today",
            self.env._("Today's Visits"),
            "sales_admin.visit",
            self._get_visits_today_domain(context),
            severity="info",
            order="planned_start, id",
            detail=self._get_visit_detail,
        )

    @api.model
    def _get_visits_to_book_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "proposed"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_visits_to_book(self, context):
        return self._counter(
            "visits_to_book",
            self.env._("Visits to Book"),
            "sales_admin.visit",
            self._get_visits_to_book_domain(context),
            severity="warning",
            order="planned_start, id",
            detail=self._get_visit_detail,
        )

    @api.model
    def _get_visits_to_confirm_domain(self, context):
        """Visits planned over the next days (from tomorrow, ``CONFIRM_DAYS`` days): to confirm with the
        customer before the road."""
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "planned"),
            ("planned_start", ">=", fields.Datetime.to_string(context["day_end"])),
            ("planned_start", "<", fields.Datetime.to_string(context["day_end"] + timedelta(days=CONFIRM_DAYS))),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_visits_to_confirm(self, context):
        return self._counter(
            "visits_to_confirm",
            self.env._("Visits to Confirm"),
            "sales_admin.visit",
            self._get_visits_to_confirm_domain(context),
            severity="info",
            order="planned_start, id",
            detail=self._get_visit_detail,
        )

    @api.model
    def _get_visits_paperwork_domain(self, context):
        """Visits done whose paperwork waits: in a scope, those of its salespeople and those whose paperwork its
        users process (the sales administrator the company gives the paperwork to)."""
        scope = []
        if context["user_ids"] is not None:
            scope = ["|", *self._scope_domain(context), *self._scope_domain(context, "paperwork_user_id")]
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "done"),
            ("paperwork_state", "=", "to_process"),
            *scope,
        ]

    @api.model
    def _get_visits_paperwork(self, context):
        return self._counter(
            "visits_paperwork",
            self.env._("Paperwork to Process"),
            "sales_admin.visit",
            self._get_visits_paperwork_domain(context),
            severity="warning",
            order="paperwork_deadline, id",
            detail=lambda visit: self._detail(
                visit.partner_id.display_name,
                visit.paperwork_deadline
                and self.env._("due %(date)s", date=self._format_date(visit.paperwork_deadline)),
            ),
            views=self._list_views("sales_admin_addon.sales_admin_visit_view_list_paperwork"),
        )

    # quotations and orders

    @api.model
    def _get_order_detail(self, order):
        return self._detail(
            order.partner_id.display_name, format_amount(self.env, order.amount_total, order.currency_id)
        )

    @api.model
    def _get_quotations_requested_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("sales_admin_quotation_aging", "=", "requested"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_quotations_requested(self, context):
        """Quotations the customer asked for, not sent yet: the oldest request first."""
        return self._counter(
            "quotations_requested",
            self.env._("Quotations to Send"),
            "sale.order",
            self._get_quotations_requested_domain(context),
            severity="warning",
            order="sales_admin_request_date, id",
            detail=lambda order: self._detail(
                order.partner_id.display_name,
                order.sales_admin_estimate_due_date
                and self.env._("due %(date)s", date=self._format_date(order.sales_admin_estimate_due_date)),
            ),
            views=self._list_views("sales_admin_addon.sale_order_view_list_aging"),
        )

    @api.model
    def _get_quotations_expiring_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("sales_admin_quotation_aging", "=", "expiring"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_quotations_expiring(self, context):
        return self._counter(
            "quotations_expiring",
            self.env._("Quotations Expiring"),
            "sale.order",
            self._get_quotations_expiring_domain(context),
            severity="warning",
            order="validity_date, id",
            detail=lambda order: self._detail(
                order.partner_id.display_name,
                self.env._("valid until %(date)s", date=self._format_date(order.validity_date)),
            ),
            views=self._list_views("sales_admin_addon.sale_order_view_list_aging"),
        )

    @api.model
    def _get_orders_late_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("sales_admin_delivery_state", "in", ("at_risk", "late")),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_orders_late(self, context):
        """Confirmed orders whose delivery promise is at risk or already missed: the late ones first."""
        states = dict(self.env["sale.order"]._fields["sales_admin_delivery_state"]._description_selection(self.env))
        return self._counter(
            "orders_late",
            self.env._("Orders at Risk or Late"),
            "sale.order",
            self._get_orders_late_domain(context),
            severity="danger",
            order="sales_admin_delivery_state desc, sales_admin_promised_date, id",
            detail=lambda order: self._detail(
                order.partner_id.display_name,
                states.get(order.sales_admin_delivery_state),
                self._format_datetime(order.sales_admin_promised_date),
            ),
            views=self._list_views("sales_admin_addon.sale_order_view_list_delivery"),
        )

    @api.model
    def _get_orders_notice_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("sales_admin_notice_pending", "=", True),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_orders_notice(self, context):
        """Orders whose new delivery date waits for approval before the customer is told."""
        return self._counter(
            "orders_notice",
            self.env._("Delivery Notices to Approve"),
            "sale.order",
            self._get_orders_notice_domain(context),
            severity="warning",
            order="sales_admin_notice_date, id",
            detail=lambda order: self._detail(
                order.partner_id.display_name, self._format_datetime(order.sales_admin_notice_date)
            ),
            views=self._list_views("sales_admin_addon.sale_order_view_list_delivery"),
        )

    # tickets

    @api.model
    def _ticket_scope_domain(self, context):
        """Tickets of the scope: assigned to its users or raised by their customers."""
        if context["user_ids"] is None:
            return []
        return self.env["sales_admin.ticket"]._get_owned_domain(context["user_ids"])

    @api.model
    def _get_ticket_detail(self, ticket):
        priorities = dict(ticket._fields["priority"]._description_selection(self.env))
        return self._detail(ticket.partner_id.display_name, priorities.get(ticket.priority))

    @api.model
    def _get_tickets_open_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("is_closed", "=", False),
            *self._ticket_scope_domain(context),
        ]

    @api.model
    def _get_tickets_open(self, context):
        """Open requests and complaints, the most urgent first, with their count per priority."""
        domain = self._get_tickets_open_domain(context)
        counter = self._counter(
            "tickets_open",
            self.env._("Open Requests"),
            "sales_admin.ticket",
            domain,
            severity="info",
            order="priority desc, date_open, id",
            detail=self._get_ticket_detail,
        )
        if not counter:
            return counter
        Ticket = self.env["sales_admin.ticket"]
        counts = dict(Ticket._read_group(domain, ["priority"], ["__count"])) if counter["count"] else {}
        counter["breakdown"] = [
            {
                "key": priority,
                "label": label,
                "count": counts.get(priority, 0),
                "action": self._prepare_action(
                    f"{counter['label']}: {label}", Ticket._name, [*domain, ("priority", "=", priority)]
                ),
            }
            for priority, label in reversed(Ticket._fields["priority"]._description_selection(self.env))
        ]
        if counts.get("3"):
            counter["severity"] = "danger"
        elif counts.get("2"):
            counter["severity"] = "warning"
        return counter

    @api.model
    def _get_tickets_sla_breached_domain(self, context):
        """Open tickets whose response or resolution deadline is missed."""
        return [
            ("company_id", "in", context["companies"].ids),
            *self.env["sales_admin.ticket"]._get_sla_breached_domain(),
            *self._ticket_scope_domain(context),
        ]

    @api.model
    def _get_tickets_sla_breached(self, context):
        return self._counter(
            "tickets_sla_breached",
            self.env._("SLA Breaches"),
            "sales_admin.ticket",
            self._get_tickets_sla_breached_domain(context),
            severity="danger",
            order="priority desc, sla_resolution_deadline, id",
            detail=self._get_ticket_detail,
        )

    @api.model
    def _get_tickets_due_today_domain(self, context):
        """Open tickets to answer (no first response yet) or to resolve within today, in the user's time zone."""
        return [
            ("company_id", "in", context["companies"].ids),
            ("is_closed", "=", False),
            "|",
            "&",
            ("date_first_response", "=", False),
            "&",
            *self._day_domain(context, "sla_response_deadline"),
            "&",
            *self._day_domain(context, "sla_resolution_deadline"),
            *self._ticket_scope_domain(context),
        ]

    @api.model
    def _get_tickets_due_today(self, context):
        return self._counter(
            "tickets_due_today",
            self.env._("Requests Due Today"),
            "sales_admin.ticket",
            self._get_tickets_due_today_domain(context),
            severity="warning",
            order="sla_resolution_deadline, id",
            detail=lambda ticket: self._detail(
                ticket.partner_id.display_name,
                self._format_datetime(
                    ticket.sla_response_deadline if not ticket.date_first_response else ticket.sla_resolution_deadline
                ),
            ),
        )

    # collections

    @api.model
    def _get_case_detail(self, case):
        return self._detail(
            case.partner_id.display_name, format_amount(self.env, case.overdue_amount, case.currency_id)
        )

    @api.model
    def _get_collection_due_domain(self, context):
        """Open collection cases whose next step (promised day, planned activity, next reminder) is today or
        past: the customers to remind or call."""
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "open"),
            ("next_action_date", "<=", fields.Date.to_string(context["today"])),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_collection_due(self, context):
        return self._counter(
            "collection_due",
            self.env._("Customers to Remind or Call"),
            "sales_admin.collection.case",
            self._get_collection_due_domain(context),
            severity="warning",
            order="next_action_date, overdue_amount desc, id",
            detail=self._get_case_detail,
        )

    @api.model
    def _get_reminders_to_send_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "pending"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_reminders_to_send(self, context):
        """Payment reminders planned and not sent yet (letters to post, calls to make, e-mails to check)."""
        return self._counter(
            "reminders_to_send",
            self.env._("Reminders to Send"),
            "sales_admin.reminder",
            self._get_reminders_to_send_domain(context),
            severity="warning",
            order="date, id",
            detail=lambda reminder: self._detail(reminder.partner_id.display_name, reminder.level_id.display_name),
        )

    @api.model
    def _get_promises_broken_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "open"),
            ("promise_state", "=", "broken"),
            *self._scope_domain(context),
        ]

    @api.model
    def _get_promises_broken(self, context):
        return self._counter(
            "promises_broken",
            self.env._("Broken Payment Promises"),
            "sales_admin.collection.case",
            self._get_promises_broken_domain(context),
            severity="danger",
            order="promise_date, id",
            detail=lambda case: self._detail(
                case.partner_id.display_name,
                self.env._("promised for %(date)s", date=self._format_date(case.promise_date)),
            ),
        )

    # the day: reception log, activities

    @api.model
    def _get_reception_today_domain(self, context):
        return [
            ("company_id", "in", context["companies"].ids),
            *self._day_domain(context, "arrival"),
            *self._scope_domain(context, "host_id"),
        ]

    @api.model
    def _get_reception_today(self, context):
        """Today's callers and visitors at the reception desk (for the scope's hosts)."""
        return self._counter(
            "reception_today",
            self.env._("Reception Log of Today"),
            "sales_admin.reception",
            self._get_reception_today_domain(context),
            severity="info",
            order="arrival desc, id desc",
            detail=lambda reception: self._detail(
                reception.visitor_company or reception.purpose,
                format_time(self.env, reception.arrival, time_format="short"),
            ),
        )

    @api.model
    def _get_my_activities_domain(self, context):
        """The user's own activities due today or overdue, whatever the scope."""
        return [("user_id", "=", self.env.uid), ("date_deadline", "<=", fields.Date.to_string(context["today"]))]

    @api.model
    def _get_my_activities(self, context):
        """The user's activities due today or late. Each listed item opens the document the activity is on."""
        counter = self._counter(
            "my_activities",
            self.env._("My Activities"),
            "mail.activity",
            self._get_my_activities_domain(context),
            severity="warning",
            order="date_deadline, id",
            detail=lambda activity: self._detail(activity.res_name, self._format_date(activity.date_deadline)),
            views=self._list_views("mail.mail_activity_view_tree"),
        )
        if counter and counter["count"]:
            activities = self.env["mail.activity"].browse([item["id"] for item in counter["items"]])
            for item, activity in zip(counter["items"], activities, strict=True):
                item.update(
                    {
                        "id": activity.res_id,
                        "res_model": activity.res_model,
                        "name": activity.summary or activity.activity_type_id.display_name or activity.res_name,
                    }
                )
            if any(activity.date_deadline < context["today"] for activity in activities):
                counter["severity"] = "danger"
        return counter

    # ------------------------------------------------------------
    # Weekly figures
    # ------------------------------------------------------------

    @api.model
    def _get_weekly(self, context):
        """This week's ordered and invoiced amounts of the scope against their targets, from the weekly sales
        report the dashboard reads (``sales_admin.dashboard``'s week bounds, rates and domain)."""
        Report = self.env["sales_admin.weekly.report"]
        if not Report.has_access("read"):
            return False
        Dashboard = self.env["sales_admin.dashboard"]
        companies = context["companies"]
        rates = Dashboard._get_rates(companies)
        weeks = Dashboard._get_week_bounds(companies, context["today"])
        domain = [*Dashboard._get_weekly_domain(companies, weeks, 0), *self._scope_domain(context)]
        names = ("ordered", "target_ordered", "invoiced", "target_invoiced")
        totals = dict.fromkeys(names, 0.0)
        groups = Report.with_context(sales_admin_weekly_bounds=Dashboard._get_report_bounds(weeks))._read_group(
            domain, ["company_id"], [f"{name}:sum" for name in names]
        )
        for company, *amounts in groups:
            for name, amount in zip(names, amounts, strict=True):
                totals[name] += Dashboard._convert(amount, company, rates)
        return {
            **totals,
            "attainment_ordered": Dashboard._attainment(totals["ordered"], totals["target_ordered"]),
            "attainment_invoiced": Dashboard._attainment(totals["invoiced"], totals["target_invoiced"]),
            "currency_id": self.env.company.currency_id.id,
            "action": self._prepare_action(self.env._("Weekly Sales"), Report._name, domain),
        }

    # ------------------------------------------------------------
    # Quick actions
    # ------------------------------------------------------------

    @api.model
    def _prepare_form_action(self, name, res_model, context=None, target="current", view_xmlid=None):
        """A window action opening a new ``res_model`` form prefilled by ``context``."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "view_mode": "form",
            "views": [[self._view_id(view_xmlid) if view_xmlid else False, "form"]],
            "context": context or {},
            "target": target,
        }

    @api.model
    def _get_quick_actions(self):
        """``[{key, label, icon, action}]``: the forms the cockpit opens prefilled with the user as salesperson
        and the current company (no customer chosen yet); only those the user may create."""
        defaults = {"default_user_id": self.env.uid, "default_company_id": self.env.company.id}
        actions = []
        if self.env["sales_admin.visit"].has_access("create"):
            actions.append(
                {
                    "key": "plan_visit",
                    "label": self.env._("Plan a Visit"),
                    "icon": "fa-car",
                    "action": self._prepare_form_action(
                        self.env._("Plan a Visit"), "sales_admin.visit", {**defaults, "default_state": "planned"}
                    ),
                }
            )
        if self.env["sales_admin.ticket.log.call"].has_access("create") and self.env["sales_admin.ticket"].has_access(
            "create"
        ):
            actions.append(
                {
                    "key": "log_call",
                    "label": self.env._("Log a Call or Complaint"),
                    "icon": "fa-phone",
                    "action": self._prepare_form_action(
                        self.env._("Log a Phone Call"),
                        "sales_admin.ticket.log.call",
                        {"default_company_id": self.env.company.id},
                        target="new",
                        view_xmlid="sales_admin_addon.sales_admin_ticket_log_call_view_form",
                    ),
                }
            )
        if self.env["sale.order"].has_access("create"):
            actions.append(
                {
                    "key": "new_quotation",
                    "label": self.env._("New Quotation"),
                    "icon": "fa-file-text-o",
                    "action": self._prepare_form_action(self.env._("New Quotation"), "sale.order", defaults),
                }
            )
        if self.env["sales_admin.reminder"].has_access("write"):
            # no single customer here: the reminders planned and waiting to be sent
            actions.append(
                {
                    "key": "send_reminder",
                    "label": self.env._("Send Reminders"),
                    "icon": "fa-envelope",
                    "action": self._prepare_action(
                        self.env._("Reminders to Send"),
                        "sales_admin.reminder",
                        [("company_id", "in", self.env.companies.ids), ("state", "=", "pending")],
                    ),
                }
            )
        if self.env["calendar.event"].has_access("create"):
            actions.append(
                {
                    "key": "book_meeting",
                    "label": self.env._("Book a Meeting"),
                    "icon": "fa-calendar",
                    "action": self._prepare_form_action(
                        self.env._("Book a Meeting"),
                        "calendar.event",
                        {
                            "default_user_id": self.env.uid,
                            "default_partner_ids": [self.env.user.partner_id.id],
                        },
                    ),
                }
            )
        return actions
