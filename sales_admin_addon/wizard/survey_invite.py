from odoo import models


class SurveyInvite(models.TransientModel):
    _inherit = "survey.invite"

    def _get_answers_values(self):
        """Answers created for a segment's invitations keep the segment (see sales_admin.segment.survey)."""
        values = super()._get_answers_values()
        segment_id = self.env.context.get("sales_admin_segment_id")
        if segment_id:
            values["sales_admin_segment_id"] = segment_id
        return values
