from odoo.tests import tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestTicketSatisfaction(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env["survey.survey"].create(
            {"title": "Jak nam poszło?", "access_mode": "token", "scoring_type": "scoring_without_answers"}
        )
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Are you satisfied?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    (0, 0, {"value": "Yes", "answer_score": 100}),
                    (0, 0, {"value": "Partly", "answer_score": 50}),
                    (0, 0, {"value": "No", "answer_score": 0}),
                ],
            }
        )
        cls.env.company.sales_admin_ticket_survey_id = cls.survey
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia Lis", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ola Lis", "email": "ola@lis.example.com", "parent_id": cls.customer.id}
        )
        cls.solved = cls.env.ref("sales_admin_addon.ticket_stage_solved")
        cls.cancelled = cls.env.ref("sales_admin_addon.ticket_stage_cancelled")

    def test_unanswered_tickets_stay_out_of_the_average(self):
        self._ticket().stage_id = self.solved
        self._ticket()
        self.env.flush_all()
        [(score,)] = self.env["sales_admin.ticket.report"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["satisfaction_score:avg"]
        )
        self.assertFalse(score)

    def _ticket(self):
        return (
            self.env["sales_admin.ticket"]
            .with_user(self.sales_admin_user)
            .create({"title": "Late delivery", "contact_id": self.contact.id})
        )

    def _answer(self, answer, choice):
        answer = answer.sudo()
        answer._save_lines(self.question, self.question.suggested_answer_ids.filtered(lambda a: a.value == choice).id)
        answer._mark_done()

    def test_solving_sends_the_survey_and_the_answer_scores_the_ticket(self):
        self.assertTrue(self.solved.ask_satisfaction, "Solved asks for satisfaction out of the box")
        ticket = self._ticket()
        ticket.stage_id = self.solved
        self.assertEqual(ticket.satisfaction_state, "sent")
        answer = ticket.sudo().satisfaction_input_id
        self.assertEqual((answer.survey_id, answer.partner_id), (self.survey, self.contact))
        mail = self.env["mail.mail"].search([("model", "=", "survey.user_input"), ("res_id", "=", answer.id)])
        self.assertEqual(len(mail), 1, "one invitation, through the mail queue")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(answer.access_token, mail.body_html, "a personal link")
        self.assertIn(ticket.name, mail.subject)
        # solved again after a reopening: no second survey
        ticket.stage_id = self.env.ref("sales_admin_addon.ticket_stage_in_progress")
        ticket.stage_id = self.solved
        self.assertEqual(ticket.sudo().satisfaction_input_id, answer)
        self.assertEqual(self.env["survey.user_input"].search_count([("sales_admin_ticket_id", "=", ticket.id)]), 1)
        self._answer(answer, "Partly")
        self.assertEqual((ticket.satisfaction_score, ticket.satisfaction_state), (50, "answered"))
        self.assertTrue(ticket.satisfaction_date)
        self.assertIn("50", ticket.message_ids[0].body)
        self.env.flush_all()
        [(score,)] = self.env["sales_admin.ticket.report"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["satisfaction_score:avg"]
        )
        self.assertEqual(score, 50, "the analysis averages the answered surveys only")
        self.assertEqual(
            (self.contact.sales_admin_satisfaction_12m, self.customer.sales_admin_satisfaction_answers_12m),
            (50, 1),
            "the score lands on the customer (its contacts show the company's)",
        )

    def test_no_survey_when_cancelled_unset_or_no_address(self):
        ticket = self._ticket()
        ticket.stage_id = self.cancelled
        self.assertFalse(ticket.satisfaction_state, "a cancelled ticket asks nothing")
        self.contact.email = False
        other = self._ticket()
        other.stage_id = self.solved
        self.assertFalse(other.satisfaction_state, "nobody to write to")
        self.contact.email = "ola@lis.example.com"
        self.env.company.sales_admin_ticket_survey_id = False
        third = self._ticket()
        third.stage_id = self.solved
        self.assertFalse(third.satisfaction_state, "no survey chosen in the settings")
