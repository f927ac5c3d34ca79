from odoo import api, fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    sales_admin_visit_ids = fields.One2many("sales_admin.visit", "calendar_event_id", string="Visits")

    @api.model
    def _get_activity_excluded_models(self):
        # a visit is itself the planned meeting: its event needs no extra "Meeting" activity on the visit
        return [*super()._get_activity_excluded_models(), "sales_admin.visit"]

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("sales_admin_visit_sync") and {"start", "stop", "user_id"} & set(vals):
            # sudo only to learn whether the events are visits' meetings: a calendar user without access to visits
            # moves their other meetings freely; a visit's meeting then moves the visit with the user's own rights
            visits = self.sudo().sales_admin_visit_ids
            if visits:
                self.env["sales_admin.visit"].browse(visits.ids)._sync_from_calendar_event()
        return res
