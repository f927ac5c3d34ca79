from odoo import api, fields, models

# what a done answer writes on as superuser, and the right its author needs on it: the satisfaction score of the
# ticket or visit, the last survey and need tags of the customer
SALES_ADMIN_WRITTEN_LINKS = {"sales_admin_ticket_id": "write", "sales_admin_visit_id": "write", "partner_id": "read"}


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

    @api.model_create_multi
    def create(self, vals_list):
        self._check_sales_admin_links(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_sales_admin_links([vals])
        return super().write(vals)

    @api.model
    def _check_sales_admin_links(self, vals_list):
        """Only who may edit a ticket or a visit links an answer to it, and only to a customer he may read: when the
        survey is done, the answer's score lands on them as superuser (satisfaction, last survey, need tags). Our
        satisfaction surveys and the public survey pages create the answers as superuser."""
        if self.env.su:
            return
        for field_name, operation in SALES_ADMIN_WRITTEN_LINKS.items():
            ids = {vals[field_name] for vals in vals_list if vals.get(field_name)}
            if ids:
                self.env[self._fields[field_name].comodel_name].browse(ids).check_access(operation)

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
