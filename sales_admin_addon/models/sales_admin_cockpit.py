from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError

SALES_ADMIN_USER = "sales_admin_addon.sales_admin_addon_group_user"
# how many records a counter lists under its figure
LIST_LIMIT = 5


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
        """The window action listing ``domain`` of ``res_model``: what a click on a counter opens."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "views": views or [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": context or {},
            "target": "current",
        }

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
                "counters": [self._get_visits_to_book(context), self._get_visits_paperwork(context)],
            },
        ]
        for section in sections:
            section["counters"] = [counter for counter in section["counters"] if counter]
        return sections

    # visits

    @api.model
    def _get_visits_to_book(self, context):
        domain = [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "proposed"),
            *self._scope_domain(context),
        ]
        return self._counter(
            "visits_to_book",
            self.env._("Visits to Book"),
            "sales_admin.visit",
            domain,
            severity="warning",
            order="planned_start, id",
            detail=lambda visit: visit.partner_id.display_name,
        )

    @api.model
    def _get_visits_paperwork(self, context):
        domain = [
            ("company_id", "in", context["companies"].ids),
            ("state", "=", "done"),
            ("paperwork_state", "=", "to_process"),
            *self._scope_domain(context),
        ]
        return self._counter(
            "visits_paperwork",
            self.env._("Paperwork to Process"),
            "sales_admin.visit",
            domain,
            severity="warning",
            order="paperwork_deadline, id",
            detail=lambda visit: visit.partner_id.display_name,
        )

    # ------------------------------------------------------------
    # Quick actions
    # ------------------------------------------------------------

    @api.model
    def _get_quick_actions(self):
        """``[{key, label, icon, action}]``: the forms the cockpit opens prefilled (no customer chosen yet)."""
        return []
