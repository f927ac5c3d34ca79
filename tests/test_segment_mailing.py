from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .segment_mailing_common import SegmentMailingCommon


@tagged("post_install", "-at_install")
class TestMailingResults(SegmentMailingCommon):
    """A newsletter sent through the mail queue to a segment's list, and a mailing to contacts, read back per partner
    and per segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment = cls.env["sales_admin.segment"].create({"name": "Tile Buyers", "category_ids": cls.tag.ids})
        cls.mailing_list = cls._make_list("Tile Buyers", cls.customer_a | cls.contact_a1 | cls.customer_b)

    def _send_segment_newsletter(self):
        mailing = self._send(
            self._make_mailing(
                "Spring tiles",
                self.mailing_list,
                campaign_id=self.campaign.id,
                sales_admin_segment_id=self.segment.id,
            )
        )
        contact_a, contact_a1, contact_b = (
            self._contact(self.mailing_list, partner) for partner in (self.customer_a, self.contact_a1, self.customer_b)
        )
        self.gateway_mail_trace_open(mailing, contact_a)
        self.gateway_mail_trace_click(mailing, contact_a, "See the tiles")
        self.gateway_mail_trace_reply(mailing, contact_a1)
        self.gateway_mail_trace_bounce(mailing, contact_b)
        return mailing

    def test_results_per_segment_and_partner(self):
        mailing = self._send_segment_newsletter()
        self.assertEqual(
            sorted(mailing.mailing_trace_ids.mapped("trace_status")), ["bounce", "open", "reply"], "Odoo's own view"
        )
        direct = self._send(self._make_mailing("Price list", partners=self.customer_a))
        Result = self.env["sales_admin.mailing.result"]

        # per segment: what the "Results" button of the segment opens
        [row] = Result._read_group(
            [("segment_id", "=", self.segment.id)],
            ["segment_id"],
            [
                "recipient_count:sum",
                "sent:sum",
                "delivered:sum",
                "opened:sum",
                "clicked:sum",
                "replied:sum",
                "bounced:sum",
                "opened_rate:avg",
                "bounced_rate:avg",
            ],
        )
        self.assertEqual(row, (self.segment, 3, 3, 2, 2, 1, 1, 1, 100.0, 100.0 / 3))

        # per partner: one row per e-mail, with the customer, its salesperson, the campaign and segment
        rows = Result.search([("mailing_id", "=", mailing.id)])
        by_partner = {row.partner_id: row for row in rows}
        self.assertEqual(set(by_partner), {self.customer_a, self.contact_a1, self.customer_b})
        row_a1 = by_partner[self.contact_a1]
        self.assertEqual(
            (row_a1.commercial_partner_id, row_a1.user_id, row_a1.campaign_id, row_a1.segment_id, row_a1.trace_status),
            (self.customer_a, self.salesman, self.campaign, self.segment, "reply"),
        )
        row_a = by_partner[self.customer_a]
        self.assertEqual((row_a.opened, row_a.clicked, row_a.replied, row_a.bounced), (1, 1, 0, 0))
        self.assertTrue(row_a.click_datetime)
        self.assertEqual((by_partner[self.customer_b].bounced, by_partner[self.customer_b].delivered), (1, 0))

        # the partner form: a customer sees its own e-mails and its contacts'; a contact person only its own
        customer_rows = self.customer_a.sales_admin_mailing_result_ids
        self.assertEqual(customer_rows.mailing_id, mailing | direct)
        self.assertEqual(len(customer_rows), 3)
        self.assertEqual(self.customer_a.sales_admin_mailing_count, 3)
        self.assertEqual(self.contact_a1.sales_admin_mailing_result_ids, row_a1)
        self.assertEqual(self.customer_b.sales_admin_mailing_count, 1)
        [direct_row] = customer_rows.filtered(lambda row: row.mailing_id == direct)
        self.assertEqual(direct_row.partner_id, self.customer_a)
        self.assertEqual((direct_row.segment_id, direct_row.delivered), (Result.segment_id, 1))
        action = self.customer_a.action_view_sales_admin_mailing_results()
        self.assertEqual(Result.search(action["domain"]), customer_rows)

    def test_partner_form_reads_in_one_query(self):
        self._send_segment_newsletter()
        partners = self.customer_a | self.contact_a1 | self.customer_b
        partners.mapped("commercial_partner_id")  # the form has read the partner itself
        partners.invalidate_recordset(["sales_admin_mailing_result_ids", "sales_admin_mailing_count"])
        self.env["sales_admin.mailing.result"].invalidate_model()
        with self.assertQueryCount(1):
            counts = partners.mapped("sales_admin_mailing_count")
        self.assertEqual(counts, [2, 1, 1])

    def test_salesman_reads_own_customers_only(self):
        mailing = self._send_segment_newsletter()
        Result = self.env["sales_admin.mailing.result"]
        as_salesman = Result.with_user(self.salesman).search([("mailing_id", "=", mailing.id)])
        self.assertEqual(as_salesman.partner_id, self.customer_a | self.contact_a1)
        as_other = Result.with_user(self.other_salesman).search([("mailing_id", "=", mailing.id)])
        self.assertEqual(as_other.partner_id, self.customer_b)
        self.assertEqual(self.customer_b.with_user(self.salesman).sales_admin_mailing_count, 0)
        self.assertEqual(self.customer_a.with_user(self.salesman).sales_admin_mailing_count, 2)
        # the pivot of a salesperson sums only their customers
        [(opened,)] = Result.with_user(self.salesman)._read_group([("mailing_id", "=", mailing.id)], [], ["opened:sum"])
        self.assertEqual(opened, 2)
        # what the partner form and the report's views read for a salesperson, who cannot read mailings themselves
        spec = {"display_name": {}}
        [partner_data] = self.customer_a.with_user(self.salesman).web_read(
            {
                "sales_admin_mailing_count": {},
                "sales_admin_mailing_result_ids": {
                    "fields": {"mailing_id": {"fields": spec}, "campaign_id": {"fields": spec}, "trace_status": {}}
                },
            }
        )
        self.assertEqual(partner_data["sales_admin_mailing_count"], 2)
        self.assertEqual(
            {row["mailing_id"]["display_name"] for row in partner_data["sales_admin_mailing_result_ids"]},
            {"Spring tiles"},
        )
        groups = Result.with_user(self.salesman).web_read_group([], ["mailing_id"], ["mailing_id"])
        self.assertEqual([group["mailing_id"][1] for group in groups["groups"]], ["Spring tiles"])
        for user in (self.marketing_user, self.sales_admin_user):
            self.assertEqual(len(Result.with_user(user).search([("mailing_id", "=", mailing.id)])), 3, user.name)
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                Result.with_user(user).search([])

    def test_segment_results_action(self):
        mailing = self._send_segment_newsletter()
        self._send(self._make_mailing("Not this segment", self.mailing_list))
        action = self.env.ref("sales_admin_addon.sales_admin_mailing_result_action")
        self.assertEqual(action.res_model, "sales_admin.mailing.result")
        rows = self.env["sales_admin.mailing.result"].search([("segment_id", "=", self.segment.id)])
        self.assertEqual(rows.mailing_id, mailing)


@tagged("post_install", "-at_install")
class TestSegmentMailingWizard(SegmentMailingCommon):
    """Create Mailing from a segment: the list is synced, the mailing made on it from a favourite design, with a
    campaign, as a draft or scheduled through Odoo's queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment = cls.env["sales_admin.segment"].create({"name": "Tile Buyers", "category_ids": cls.tag.ids})
        cls.favorite = cls.env["mailing.mailing"].create(
            {
                "subject": "Our house design",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body_arch": '<div class="o_layout"><p>House design <a href="https://www.example.com/tiles">'
                "See the tiles</a></p></div>",
                "body_html": '<div class="o_layout"><p>House design <a href="https://www.example.com/tiles">'
                "See the tiles</a></p></div>",
                "favorite": True,
            }
        )

    def _run_wizard(self, **values):
        wizard = (
            self.env["sales_admin.segment.mailing"]
            .with_user(self.marketing_user)
            .with_context(default_segment_id=self.segment.id)
            .create({"subject": "Spring tiles", **values})
        )
        action = wizard.action_create_mailing()
        self.assertEqual((action["res_model"], action["view_mode"]), ("mailing.mailing", "form"))
        return self.env["mailing.mailing"].browse(action["res_id"])

    def test_draft_mailing_on_segment_list_then_results(self):
        mailing = self._run_wizard(template_id=self.favorite.id)
        mailing_list = self.segment.mailing_list_id
        self.assertTrue(mailing_list, "the wizard synced the segment's list first")
        self.assertEqual(mailing_list.contact_ids.partner_id, self.customer_a | self.customer_b)
        self.assertEqual(
            (mailing.state, mailing.mailing_model_real, mailing.contact_list_ids, mailing.sales_admin_segment_id),
            ("draft", "mailing.contact", mailing_list, self.segment),
        )
        self.assertEqual(mailing.subject, "Spring tiles")
        self.assertIn("House design", mailing.body_arch)
        self.assertEqual(mailing.campaign_id.title, "Tile Buyers", "no campaign chosen: the segment's")
        self.assertEqual(self._run_wizard().campaign_id, mailing.campaign_id, "the segment's campaign is reused")

        # sent from the mailing as marketing does, the results land on the segment and the partners
        self._send(mailing)
        self.gateway_mail_trace_open(mailing, self._contact(mailing_list, self.customer_a))
        [(recipients, opened)] = self.env["sales_admin.mailing.result"]._read_group(
            [("segment_id", "=", self.segment.id)], [], ["recipient_count:sum", "opened:sum"]
        )
        self.assertEqual((recipients, opened), (2, 1))
        self.assertEqual(self.customer_a.sales_admin_mailing_result_ids.opened, 1)

    def test_scheduled_mailing(self):
        with freeze_time("2026-03-02 09:00:00"):
            mailing = self._run_wizard(campaign_id=self.campaign.id, schedule_date=datetime(2026, 3, 5, 8, 0))
            self.assertEqual(
                (mailing.state, mailing.schedule_type, mailing.schedule_date, mailing.campaign_id),
                ("in_queue", "scheduled", datetime(2026, 3, 5, 8, 0), self.campaign),
            )
            # the queue does not send it before its date
            self.env["mailing.mailing"]._process_mass_mailing_queue()
            self.assertEqual(mailing.state, "in_queue")
        with freeze_time("2026-03-05 08:00:01"), self.mock_mail_gateway():
            self.env["mailing.mailing"]._process_mass_mailing_queue()
            self.assertEqual(mailing.state, "done")
            self.assertEqual(len(mailing.mailing_trace_ids), 2)

    def test_refusals(self):
        Mailing = self.env["mailing.mailing"]
        before = Mailing.search_count([])
        with freeze_time("2026-03-02 09:00:00"):
            with self.assertRaisesRegex(UserError, "in the past"):
                self._run_wizard(schedule_date=fields.Datetime.now() - timedelta(hours=1))
        nobody = self.env["res.partner.category"].create({"name": "No E-mail"})
        self.env["res.partner"].create(
            {
                "name": "Postal Only",
                "is_company": True,
                "category_id": [Command.link(nobody.id)],
                "sales_admin_marketing_consent": True,
            }
        )
        self.segment.category_ids = nobody
        with self.assertRaisesRegex(UserError, "no member with an e-mail address"):
            self._run_wizard()
        # members who all have blacklisted addresses (blacklisting withdraws the consent: a segment without the
        # consent check still has them): the synced list has no one to write to
        self.segment.write({"category_ids": self.tag.ids, "require_consent": False})
        for partner in self.customer_a | self.customer_b:
            self.env["mail.blacklist"]._add(partner.email)
        with self.assertRaisesRegex(UserError, "has no one to write to"):
            self._run_wizard()
        self.assertFalse(self.segment.mailing_list_id, "the sync is undone with the refusal")
        self.assertEqual(Mailing.search_count([]), before, "nothing made")
        # salespeople do not send newsletters
        with self.assertRaises(AccessError):
            self.env["sales_admin.segment.mailing"].with_user(self.salesman).create(
                {"segment_id": self.segment.id, "subject": "Nope"}
            )


@tagged("post_install", "-at_install")
class TestMailingViews(SegmentMailingCommon):
    """Who sees the Mailings tab of the partner form and the segment's newsletter buttons."""

    def _arch(self, model, user):
        return self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]

    def test_partner_form_tab(self):
        for user in (self.salesman, self.marketing_user, self.sales_admin_user):
            arch = self._arch("res.partner", user)
            self.assertIn('name="sales_admin_mailings"', arch, user.name)
            self.assertIn('name="action_view_sales_admin_mailing_results"', arch, user.name)
        self.assertNotIn('name="sales_admin_mailings"', self._arch("res.partner", self.internal_user))

    def test_segment_form_buttons(self):
        create_action = self.env.ref("sales_admin_addon.sales_admin_segment_mailing_action")
        results_action = self.env.ref("sales_admin_addon.sales_admin_mailing_result_action")
        arch = self._arch("sales_admin.segment", self.marketing_user)
        self.assertIn(f'name="{create_action.id}"', arch)
        self.assertIn(f'name="{results_action.id}"', arch)
        # Sales Administration users without e-mail marketing rights see the results, not the newsletter button
        arch = self._arch("sales_admin.segment", self.sales_admin_user)
        self.assertNotIn(f'name="{create_action.id}"', arch)
        self.assertIn(f'name="{results_action.id}"', arch)
