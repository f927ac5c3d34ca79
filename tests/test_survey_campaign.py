from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import SalesAdminCommon

NOW = "2026-03-10 10:00:00"


@tagged("post_install", "-at_install")
class TestSurveyCampaign(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the person who sends surveys: a salesperson allowed to run surveys, nothing more
        cls.marketer = new_test_user(
            cls.env,
            login="sa_survey_sender",
            name="Monika Ankieta",
            email="monika@firma.example.com",
            groups="sales_team.group_sale_salesman,survey.group_survey_user",
        )
        cls.salesman = new_test_user(
            cls.env, login="sa_survey_salesman", name="Jan Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="sa_survey_salesman2", name="Ewa Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.need_storage = cls.env["sales_admin.need.tag"].create({"name": "Magazynowanie"})
        cls.need_transport = cls.env["sales_admin.need.tag"].create({"name": "Transport"})
        cls.need_training = cls.env["sales_admin.need.tag"].create({"name": "Szkolenia"})
        cls.survey = cls.env["survey.survey"].create(
            {"title": "Potrzeby klientów 2026", "access_mode": "token", "scoring_type": "scoring_without_answers"}
        )
        cls.q_main = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "What do you need most?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create(
                        {"value": "Storage", "answer_score": 10, "sales_admin_need_tag_ids": [cls.need_storage.id]}
                    ),
                    Command.create(
                        {
                            "value": "Transport",
                            "answer_score": 5,
                            "sales_admin_need_tag_ids": [cls.need_transport.id],
                        }
                    ),
                    Command.create({"value": "Nothing", "answer_score": 0}),
                ],
            }
        )
        cls.q_extra = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Anything else?",
                "question_type": "multiple_choice",
                "suggested_answer_ids": [
                    Command.create(
                        {"value": "Training", "answer_score": 0, "sales_admin_need_tag_ids": [cls.need_training.id]}
                    ),
                    Command.create({"value": "Storage too", "sales_admin_need_tag_ids": [cls.need_storage.id]}),
                ],
            }
        )
        cls.category = cls.env["res.partner.category"].create({"name": "Ankieta 2026"})
        Partner = cls.env["res.partner"]
        common = {"is_company": True, "customer_rank": 1, "category_id": [cls.category.id]}
        consent = {"sales_admin_marketing_consent": True}
        cls.customer_a = Partner.create(
            {**common, **consent, "name": "Hurtownia Alfa", "email": "biuro@alfa.example.com",
             "user_id": cls.salesman.id}
        )  # fmt: skip
        cls.customer_b = Partner.create(
            {**common, **consent, "name": "Sklep Beta", "email": "sklep@beta.example.com",
             "user_id": cls.other_salesman.id}
        )  # fmt: skip
        cls.customer_no_email = Partner.create({**common, **consent, "name": "Gamma bez maila"})
        cls.customer_no_consent = Partner.create({**common, "name": "Delta", "email": "delta@delta.example.com"})
        cls.customer_blacklisted = Partner.create(
            {**common, **consent, "name": "Epsilon", "email": "nie@epsilon.example.com"}
        )
        cls.env["mail.blacklist"].sudo()._add("nie@epsilon.example.com")
        # blacklisting withdraws the consent; given again by phone, the address stays blocked
        cls.customer_blacklisted.write({"sales_admin_marketing_consent": True, "sales_admin_consent_source": "phone"})
        cls.segment = cls.env["sales_admin.segment"].create(
            {"name": "Ankieta potrzeb", "category_ids": [cls.category.id], "audience": "customer"}
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _wizard(self, survey=None, segment=None, user=None):
        return (
            self.env["sales_admin.segment.survey"]
            .with_user(user or self.marketer)
            .with_context(default_segment_id=(segment or self.segment).id)
            .create({"survey_id": (survey or self.survey).id})
        )

    def _answers(self, survey=None):
        return self.env["survey.user_input"].search([("survey_id", "=", (survey or self.survey).id)], order="id")

    def _invitation_mails(self, partners):
        return self.env["mail.mail"].search([("recipient_ids", "in", partners.ids)])

    def _answer(self, answer, main, extra=()):
        answer = answer.sudo()
        answer._save_lines(self.q_main, self.q_main.suggested_answer_ids.filtered(lambda a: a.value == main).id)
        if extra:
            answer._save_lines(self.q_extra, self.q_extra.suggested_answer_ids.filtered(lambda a: a.value in extra).ids)
        return answer

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def test_send_invites_members_with_email_only(self):
        wizard = self._wizard()
        self.assertEqual(wizard.template_id, self.env.ref("survey.mail_template_user_input_invite"))
        self.assertEqual(
            (wizard.recipient_count, wizard.no_email_count, wizard.blacklisted_count, wizard.already_invited_count),
            (2, 1, 1, 0),
            "two members to invite; one without an e-mail address and one blacklisted are skipped; the customer "
            "without consent is no member",
        )
        wizard.action_send()
        answers = self._answers()
        self.assertEqual(answers.partner_id, self.customer_a | self.customer_b)
        self.assertEqual(answers.sales_admin_segment_id, self.segment)
        self.assertEqual(set(answers.mapped("state")), {"new"})
        mails = self._invitation_mails(self.customer_a | self.customer_b | self.customer_blacklisted)
        self.assertEqual(len(mails), 2, "one personal invitation per member, none for the blacklisted one")
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued, not sent inline")
        for answer in answers:
            mail = mails.filtered(lambda mail, answer=answer: mail.recipient_ids == answer.partner_id)
            self.assertEqual(len(mail), 1)
            self.assertIn(answer.access_token, mail.body_html, "a personal link")
        self.assertIn("2", self.segment.message_ids[0].body)
        self.assertIn(self.survey.title, self.segment.message_ids[0].body)

    def test_no_double_invitation_and_a_finished_answer_can_be_asked_again(self):
        self._wizard().action_send()
        first = self._answers()
        again = self._wizard()
        self.assertEqual((again.recipient_count, again.already_invited_count), (0, 2))
        with self.assertRaisesRegex(UserError, "Nobody to invite"):
            again.action_send()
        self.assertEqual(self._answers(), first, "nobody invited twice")
        self.assertEqual(len(self._invitation_mails(self.customer_a | self.customer_b)), 2)
        # once Alfa has finished, a new campaign may ask it again; Beta still has its open invitation
        self._answer(first.filtered(lambda a: a.partner_id == self.customer_a), "Storage")._mark_done()
        self._wizard().action_send()
        new = self._answers() - first
        self.assertEqual(new.partner_id, self.customer_a)
        self.assertEqual(len(self._invitation_mails(self.customer_b)), 1)

    def test_survey_without_questions_or_closed_is_refused(self):
        empty = self.env["survey.survey"].create({"title": "Pusta ankieta", "access_mode": "token"})
        with self.assertRaisesRegex(UserError, "no questions"):
            self._wizard(survey=empty).action_send()
        closed = self.survey.copy({"title": "Zamknięta"})
        closed.action_archive()
        with self.assertRaises(UserError):
            self._wizard(survey=closed).action_send()
        login = self.survey.copy({"title": "Tylko zalogowani", "users_login_required": True})
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2b")
        self.assertFalse(login.users_can_signup)
        with self.assertRaisesRegex(UserError, "no user account"):
            self._wizard(survey=login).action_send()
        self.assertFalse(
            self.env["survey.user_input"].search_count([("sales_admin_segment_id", "=", self.segment.id)]),
            "nothing written",
        )
        self.assertFalse(self._invitation_mails(self.customer_a | self.customer_b), "nothing sent")
        self.assertFalse(self.segment.message_ids.filtered(lambda m: "sent" in (m.body or "")))

    def test_no_recipient_is_refused(self):
        segment = self.env["sales_admin.segment"].create(
            {"name": "Bez maili", "audience": "customer", "extra_domain": f"[('id', '=', {self.customer_no_email.id})]"}
        )
        self.assertEqual(segment.member_count, 1)
        with self.assertRaisesRegex(UserError, "1 member"):
            self._wizard(segment=segment).action_send()
        self.assertFalse(self._answers())

    def test_sending_needs_survey_rights(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.salesman)

    # ------------------------------------------------------------
    # Write-back
    # ------------------------------------------------------------

    def test_completed_answer_writes_back_to_the_customer(self):
        self._wizard().action_send()
        answer_a = self._answers().filtered(lambda a: a.partner_id == self.customer_a)
        with freeze_time(NOW):
            self._answer(answer_a, "Storage", extra=("Training",))._mark_done()
        self.assertEqual(self.customer_a.sales_admin_last_survey_id, self.survey)
        self.assertEqual(str(self.customer_a.sales_admin_last_survey_date), NOW)
        self.assertTrue(self.customer_a.sales_admin_last_survey_scored)
        self.assertEqual(self.customer_a.sales_admin_last_survey_score, 100.0, "10 points of the 10 obtainable")
        self.assertEqual(self.customer_a.sales_admin_need_tag_ids, self.need_storage | self.need_training)
        self.assertFalse(self.customer_b.sales_admin_last_survey_date, "Beta has not answered")
        # a later answer of a contact person lands on its company: needs added, never removed
        contact = self.env["res.partner"].create(
            {"name": "Ola Alfa", "email": "ola@alfa.example.com", "parent_id": self.customer_a.id}
        )
        unscored = self.env["survey.survey"].create({"title": "Bez punktów", "access_mode": "token"})
        self.q_main.copy({"survey_id": unscored.id})
        answer = unscored._create_answer(partner=contact)
        question = unscored.question_ids
        answer._save_lines(question, question.suggested_answer_ids.filtered(lambda a: a.value == "Transport").id)
        with freeze_time("2026-03-11 09:00:00"):
            answer._mark_done()
        self.assertEqual(self.customer_a.sales_admin_last_survey_id, unscored)
        self.assertFalse(self.customer_a.sales_admin_last_survey_scored, "no score from an unscored survey")
        self.assertEqual(
            self.customer_a.sales_admin_need_tag_ids, self.need_storage | self.need_training | self.need_transport
        )
        self.assertFalse(contact.sales_admin_need_tag_ids, "the needs are the customer's, not the contact's")

    def test_test_entries_are_ignored(self):
        answer = self.survey._create_answer(partner=self.customer_b, test_entry=True)
        self._answer(answer, "Transport")._mark_done()
        self.assertFalse(self.customer_b.sales_admin_last_survey_date)
        self.assertFalse(self.customer_b.sales_admin_need_tag_ids)
        self.assertFalse(
            self.env["sales_admin.survey.result"].search([("partner_id", "=", self.customer_b.id)]),
            "no test entry in the results",
        )

    def test_write_back_of_a_batch_is_set_based(self):
        """The write-back of many answers costs the same queries as that of a few."""
        Partner = self.env["res.partner"]

        def answers_for(count, name):
            partners = Partner.create(
                [{"name": f"{name} {i}", "email": f"{name}{i}@example.com", "is_company": True} for i in range(count)]
            )
            answers = self.env["survey.user_input"]
            for partner in partners:
                answers |= self._answer(self.survey._create_answer(partner=partner), "Storage", extra=("Training",))
            answers.write({"state": "done", "end_datetime": NOW})
            self.env.flush_all()
            self.env.invalidate_all()
            return answers, partners

        def queries(answers):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Partner._sales_admin_record_survey_answers(answers)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        few, few_partners = answers_for(3, "few")
        many, many_partners = answers_for(15, "many")
        few_queries = queries(few)
        many_queries = queries(many)
        self.assertEqual(many_queries, few_queries, "15 answers cost the queries of 3")
        self.assertLess(few_queries, 40)
        self.assertEqual(set(many_partners.mapped("sales_admin_last_survey_id")), {self.survey})
        for partners in (few_partners, many_partners):
            for partner in partners:
                self.assertEqual(partner.sales_admin_need_tag_ids, self.need_storage | self.need_training)

    # ------------------------------------------------------------
    # Results report and access
    # ------------------------------------------------------------

    def test_results_by_segment_and_access(self):
        self._wizard().action_send()
        answers = self._answers()
        answer_a = answers.filtered(lambda a: a.partner_id == self.customer_a)
        answer_b = answers.filtered(lambda a: a.partner_id == self.customer_b)
        with freeze_time(NOW):
            self._answer(answer_a, "Storage")._mark_done()  # 10 of 10 points: 100 %
        # a survey answered outside the segment, by Beta: 5 of 10 points
        direct = self.survey._create_answer(partner=self.customer_b, check_attempts=False)
        with freeze_time(NOW):
            self._answer(direct, "Transport")._mark_done()
        self.env.flush_all()
        Result = self.env["sales_admin.survey.result"].with_user(self.sales_admin_user)
        rows = Result._read_group(
            [("survey_id", "=", self.survey.id)],
            ["segment_id"],
            ["__count", "answer_count:sum", "done_count:sum", "score:avg"],
        )
        by_segment = {segment: (count, sent, done, round(score or 0, 1)) for segment, count, sent, done, score in rows}
        self.assertEqual(
            by_segment,
            {self.segment: (2, 2, 1, 100.0), self.env["sales_admin.segment"]: (1, 1, 1, 50.0)},
            "the segment: two invitations, one answered at 100 %; outside it: Beta's direct answer at 50 %",
        )
        [(score,)] = Result._read_group([("survey_id", "=", self.survey.id)], [], ["score:avg"])
        self.assertEqual(score, 75.0, "(100 + 50) / 2: the unanswered invitation is left out")
        row_b = Result.search([("user_input_id", "=", answer_b.id)])
        self.assertEqual(
            (row_b.commercial_partner_id, row_b.user_id, row_b.state, row_b.company_id),
            (self.customer_b, self.other_salesman, "new", self.segment.company_id),
        )
        # salespeople read the results of their own customers only
        mine = self.env["sales_admin.survey.result"].with_user(self.salesman).search([])
        self.assertEqual(mine.commercial_partner_id, self.customer_a)
        theirs = self.env["sales_admin.survey.result"].with_user(self.other_salesman).search([])
        self.assertEqual(theirs.commercial_partner_id, self.customer_b)
        self.assertEqual(len(theirs), 2)
        with self.assertRaises(AccessError):
            self.env["sales_admin.survey.result"].with_user(self.salesman).browse(row_b.id).read(["score"])
        # survey users read everything; portal and plain employees nothing
        self.assertEqual(len(self.env["sales_admin.survey.result"].with_user(self.marketer).search([])), 3)
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                self.env["sales_admin.survey.result"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["sales_admin.segment.survey"].with_user(self.portal_user).create(
                {"segment_id": self.segment.id, "survey_id": self.survey.id}
            )
