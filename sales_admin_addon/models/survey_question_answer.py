from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    sales_admin_need_tag_ids = fields.Many2many(
        "sales_admin.need.tag",
        "survey_question_answer_sales_admin_need_tag_rel",
        "answer_id",
        "tag_id",
        string="Customer Needs",
        help="Added to the customer's needs when a customer picks this answer and completes the survey.",
    )
