from odoo import fields, models
from odoo.tools import SQL


class SalesAdminSurveyResult(models.Model):
    """One row per survey invitation or answer of a customer (test entries left out), with where it came from
    (segment, visit, ticket), for the pivot and graph of survey results.

    The score is the answer's scoring percentage, on completed answers of scored surveys only (the average
    leaves the others out); the company is the one of the segment, visit or ticket, else the customer's.
    """

    _name = "sales_admin.survey.result"
    _description = "Survey Results"
    _auto = False
    _rec_name = "survey_id"
    _order = "date desc, id desc"

    user_input_id = fields.Many2one("survey.user_input", string="Answer", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    segment_id = fields.Many2one("sales_admin.segment", string="Customer Segment", readonly=True)
    visit_id = fields.Many2one("sales_admin.visit", readonly=True)
    ticket_id = fields.Many2one("sales_admin.ticket", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(
        [("new", "Not Started"), ("in_progress", "In Progress"), ("done", "Completed")], readonly=True
    )
    score = fields.Float(string="Score (%)", readonly=True, aggregator="avg", digits=(16, 1))
    date = fields.Datetime(readonly=True, help="When the answer was completed, else sent.")
    answer_count = fields.Integer(string="Invitations", readonly=True, aggregator="sum")
    done_count = fields.Integer(string="Completed", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT ui.id AS id,
                   ui.id AS user_input_id,
                   ui.survey_id,
                   ui.sales_admin_segment_id AS segment_id,
                   ui.sales_admin_visit_id AS visit_id,
                   ui.sales_admin_ticket_id AS ticket_id,
                   ui.partner_id,
                   contact.commercial_partner_id,
                   customer.user_id,
                   COALESCE(segment.company_id, visit.company_id, ticket.company_id, customer.company_id) AS company_id,
                   ui.state,
                   CASE WHEN ui.state = 'done' AND survey.scoring_type != 'no_scoring'
                        THEN ui.scoring_percentage END AS score,
                   COALESCE(ui.end_datetime, ui.create_date) AS date,
                   1 AS answer_count,
                   CASE WHEN ui.state = 'done' THEN 1 ELSE 0 END AS done_count
            """
        )

    def _from(self):
        return SQL(
            """
              FROM survey_user_input ui
              JOIN survey_survey survey ON survey.id = ui.survey_id
              JOIN res_partner contact ON contact.id = ui.partner_id
              JOIN res_partner customer ON customer.id = contact.commercial_partner_id
         LEFT JOIN sales_admin_segment segment ON segment.id = ui.sales_admin_segment_id
         LEFT JOIN sales_admin_visit visit ON visit.id = ui.sales_admin_visit_id
         LEFT JOIN sales_admin_ticket ticket ON ticket.id = ui.sales_admin_ticket_id
            """
        )

    def _where(self):
        return SQL("WHERE NOT ui.test_entry")
