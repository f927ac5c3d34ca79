from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    sales_admin_ticket_id = fields.Many2one(
        "sales_admin.ticket",
        string="Ticket",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The ticket whose satisfaction survey this answer is.",
    )
    sales_admin_visit_id = fields.Many2one(
        "sales_admin.visit",
        string="Visit",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The visit whose satisfaction survey this answer is.",
    )
    sales_admin_segment_id = fields.Many2one(
        "sales_admin.segment",
        string="Customer Segment",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The customer segment the invitation was sent to.",
    )

    def _mark_done(self):
        res = super()._mark_done()
        answers = self.filtered(lambda answer: not answer.test_entry)
        tickets_answers = answers.filtered("sales_admin_ticket_id")
        if tickets_answers:
            self.env["sales_admin.ticket"]._sales_admin_record_satisfaction(tickets_answers)
        visits_answers = answers.filtered("sales_admin_visit_id")
        if visits_answers:
            self.env["sales_admin.visit"]._sales_admin_record_satisfaction(visits_answers)
        # every answer of a known person lands on the customer: last survey, score, needs
        partners_answers = answers.filtered("partner_id")
        if partners_answers:
            self.env["res.partner"]._sales_admin_record_survey_answers(partners_answers)
        return res
