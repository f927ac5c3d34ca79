from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    sales_admin_delivery_alert = fields.Selection(
        [("at_risk", "Delivery at Risk"), ("late", "Delivery Late")],
        string="Delivery Alert",
        index="btree_not_null",
        readonly=True,
        help="Set on the to-dos raised by an order's delivery promise, so that one reason never raises two.",
    )

    def unlink_w_meeting(self):
        # Odoo deletes the meeting of a deleted activity: never the event of a visit
        visit_events = self.calendar_event_id.filtered("sales_admin_visit_ids")
        self.filtered(lambda activity: activity.calendar_event_id in visit_events).calendar_event_id = False
        return super().unlink_w_meeting()
