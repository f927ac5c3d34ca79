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

    def _mark_done(self):
        res = super()._mark_done()
        answers = self.filtered(lambda answer: answer.sales_admin_ticket_id and not answer.test_entry)
        if answers:
            self.env["sales_admin.ticket"]._sales_admin_record_satisfaction(answers)
        return res
