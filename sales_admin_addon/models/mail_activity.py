from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def unlink_w_meeting(self):
        # Odoo deletes the meeting of a deleted activity: never the event of a visit
        visit_events = self.calendar_event_id.filtered("sales_admin_visit_ids")
        self.filtered(lambda activity: activity.calendar_event_id in visit_events).calendar_event_id = False
        return super().unlink_w_meeting()
