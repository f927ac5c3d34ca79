from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import SalesAdminCommon

NOW = "2026-04-14 12:00:00"


@tagged("post_install", "-at_install")
class TestVisitSurvey(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sa_visit_survey_salesman",
            name="Jan Handlowiec",
            email="jan@firma.example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_visit_survey_salesman2", name="Ewa Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.need_delivery = cls.env["sales_admin.need.tag"].create({"name": "Szybsze dostawy"})
        cls.survey = cls.env["survey.survey"].create(
            {"title": "Jak minęła wizyta?", "access_mode": "token", "scoring_type": "scoring_without_answers"}
        )
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Was the visit useful?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": "Very", "answer_score": 100}),
                    Command.create(
                        {"value": "Somewhat", "answer_score": 40, "sales_admin_need_tag_ids": [cls.need_delivery.id]}
                    ),
                    Command.create({"value": "Not at all", "answer_score": 0}),
                ],
            }
        )
        cls.env.company.sales_admin_visit_survey_id = cls.survey
        cls.customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Kowalski", "is_company": True, "customer_rank": 1, "user_id": cls.salesperson.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Piotr Kowalski", "email": "piotr@kowalski.example.com", "parent_id": cls.customer.id}
        )
        cls.visit_type = cls.env.ref("sales_admin_addon.visit_type_presentation")

    def _visit(self):
        return (
            self.env["sales_admin.visit"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "visit_type_id": self.visit_type.id,
                    "planned_start": NOW,
                }
            )
        )

    def _done_visit(self):
        visit = self._visit()
        visit.action_check_in()
        visit.action_check_out()
        return visit

    def _answer(self, answer, choice):
        answer = answer.sudo()
        answer._save_lines(self.question, self.question.suggested_answer_ids.filtered(lambda a: a.value == choice).id)
        answer._mark_done()
        return answer

    def _mails(self, answers):
        return self.env["mail.mail"].search([("model", "=", "survey.user_input"), ("res_id", "in", answers.ids)])

    def test_done_visit_sends_one_invitation(self):
        visit = self._visit()
        visit.action_check_in()
        self.assertFalse(visit.satisfaction_state, "nothing before the visit is done")
        visit.action_check_out()
        self.assertEqual(visit.satisfaction_state, "sent")
        answer = visit.sudo().satisfaction_input_id
        self.assertEqual(
            (answer.survey_id, answer.partner_id, answer.sales_admin_visit_id), (self.survey, self.contact, visit)
        )
        mail = self._mails(answer)
        self.assertEqual(len(mail), 1, "one invitation, through the mail queue")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(answer.access_token, mail.body_html, "a personal link")
        self.assertIn(visit.name, mail.subject)
        self.assertIn("Satisfaction survey sent", visit.message_ids[0].body)
        # done again after a reset: no second survey
        visit.sudo().write({"state": "in_progress"})
        visit.sudo().write({"state": "done"})
        self.assertEqual(self.env["survey.user_input"].search_count([("sales_admin_visit_id", "=", visit.id)]), 1)
        self.assertEqual(len(self._mails(answer)), 1)

    def test_several_visits_checked_out_together(self):
        visits = self._visit() | self._visit() | self._visit()
        visits.action_check_in()
        visits.action_check_out()
        answers = visits.sudo().satisfaction_input_id
        self.assertEqual(len(answers), 3)
        self.assertEqual(answers.sales_admin_visit_id, visits)
        self.assertEqual(len(self._mails(answers)), 3)

    def test_no_survey_when_unset_no_address_or_cancelled(self):
        self.env.company.sales_admin_visit_survey_id = False
        self.assertFalse(self._done_visit().satisfaction_state, "no survey chosen in the settings")
        self.env.company.sales_admin_visit_survey_id = self.survey
        self.contact.email = False
        self.assertFalse(self._done_visit().satisfaction_state, "nobody to write to")
        self.contact.email = "piotr@kowalski.example.com"
        visit = self._visit()
        visit.action_cancel()
        self.assertFalse(visit.satisfaction_state, "a cancelled visit asks nothing")
        self.assertFalse(self.env["survey.user_input"].search_count([("survey_id", "=", self.survey.id)]))

    def test_answer_updates_visit_partner_and_report(self):
        visit = self._done_visit()
        with freeze_time(NOW):
            self._answer(visit.sudo().satisfaction_input_id, "Somewhat")
        self.assertEqual((visit.satisfaction_state, visit.satisfaction_score), ("answered", 40))
        self.assertEqual(str(visit.satisfaction_date), NOW)
        self.assertIn("40", visit.message_ids[0].body)
        # the customer (not only the contact met): last survey, score, needs
        self.assertEqual(self.customer.sales_admin_last_survey_id, self.survey)
        self.assertEqual(str(self.customer.sales_admin_last_survey_date), NOW)
        self.assertEqual(self.customer.sales_admin_last_survey_score, 40)
        self.assertEqual(self.customer.sales_admin_need_tag_ids, self.need_delivery)
        # the result in the analysis, read by the customer's salesperson, opened from the visit
        action = visit.action_view_survey_results()
        self.env.flush_all()
        results = self.env["sales_admin.survey.result"].with_user(self.salesperson).search(action["domain"])
        self.assertEqual(len(results), 1)
        self.assertEqual(
            (results.visit_id, results.commercial_partner_id, results.user_id, results.state, results.score),
            (visit, self.customer, self.salesperson, "done", 40),
        )
        self.assertFalse(
            self.env["sales_admin.survey.result"].with_user(self.other_salesperson).search(action["domain"]),
            "another salesperson does not read this customer's answers",
        )

    def test_partner_satisfaction_counts_visits_and_tickets(self):
        """The customer's 12-month satisfaction averages the answers after visits and after tickets; the
        ticket answers write back to the customer through the same path."""
        ticket_survey = self.survey.copy({"title": "Jak obsłużyliśmy zgłoszenie?"})
        self.env.company.sales_admin_ticket_survey_id = ticket_survey
        with freeze_time(NOW):
            first = self._done_visit()
            self._answer(first.sudo().satisfaction_input_id, "Very")  # 100
            second = self._done_visit()
            self._answer(second.sudo().satisfaction_input_id, "Not at all")  # 0
            unanswered = self._done_visit()
            ticket = (
                self.env["sales_admin.ticket"]
                .with_user(self.sales_admin_user)
                .create({"title": "Late delivery", "contact_id": self.contact.id})
            )
            ticket.stage_id = self.env.ref("sales_admin_addon.ticket_stage_solved")
        with freeze_time("2026-04-15 08:00:00"):
            ticket_answer = ticket.sudo().satisfaction_input_id
            ticket_answer._save_lines(
                ticket_answer.survey_id.question_ids,
                ticket_answer.survey_id.question_ids.suggested_answer_ids.filtered(lambda a: a.value == "Somewhat").id,
            )
            ticket_answer._mark_done()  # 40
            self.customer.invalidate_recordset()
            self.assertEqual(unanswered.satisfaction_state, "sent")
            self.assertEqual(ticket.satisfaction_score, 40)
            self.assertEqual(self.customer.sales_admin_satisfaction_answers_12m, 3, "two visits and a ticket")
            self.assertAlmostEqual(self.customer.sales_admin_satisfaction_12m, (100 + 0 + 40) / 3, places=1)
            self.assertEqual(self.contact.sales_admin_satisfaction_12m, self.customer.sales_admin_satisfaction_12m)
        self.assertEqual(self.customer.sales_admin_last_survey_id, ticket_survey, "the ticket answer is the last")
        self.assertEqual(str(self.customer.sales_admin_last_survey_date), "2026-04-15 08:00:00")
        self.assertEqual(self.customer.sales_admin_last_survey_score, 40)
        self.assertEqual(self.customer.sales_admin_need_tag_ids, self.need_delivery)
