import re

from odoo.tests import HttpCase, new_test_user, tagged

from .segment_common import SegmentCommon


@tagged("post_install", "-at_install")
class TestSegmentUnsubscribe(SegmentCommon, HttpCase):
    """The unsubscribe links of a mailing sent to a segment's list, through Odoo's own controllers over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Hurtownia Ola", "Ola <OLA@example.com>")
        cls.segment = cls._segment(cls.customer)
        cls.segment.with_user(cls.segment_admin)._sync_mailing_list()
        cls.mailing_list = cls.segment.mailing_list_id
        cls.contact = cls.mailing_list.contact_ids
        cls.subscription = cls.mailing_list.subscription_ids

    def _mailing(self, mailing_list):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Nowości",
                "body_html": "<p>Nowości</p>",
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": mailing_list.ids,
            }
        )

    def _assert_withdrawn(self, partner):
        self.assertFalse(partner.sales_admin_marketing_consent)
        self.assertEqual(partner.sales_admin_consent_source, "unsubscribe")
        self.assertTrue(partner.sales_admin_consent_date)

    def test_unsubscribe_link(self):
        self.assertEqual(self.contact.partner_id, self.customer)
        self.assertEqual(self.contact.email, "ola@example.com")
        mailing = self._mailing(self.mailing_list)
        # the link of the e-mail: a confirmation page, then the confirmation form posted
        response = self.url_open(mailing._get_unsubscribe_url(self.contact.email, self.contact.id))
        self.assertEqual(response.status_code, 200)
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.text))
        self.assertEqual(fields["email"], "ola@example.com")
        self.assertFalse(self.subscription.opt_out, "nothing changes before the confirmation")
        response = self.url_open("/mailing/confirm_unsubscribe", data=fields)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Successfully unsubscribed", response.text)
        self.env.invalidate_all()
        self.assertTrue(self.subscription.opt_out)
        # the only list left: the marketing consent is withdrawn
        self._assert_withdrawn(self.customer)
        # the next sync: the partner is no member any more, the opt-out stays on the list
        counts = self.segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual((counts["added"], counts["removed"], self.segment.member_count), (0, 0, 0))
        self.assertTrue(self.subscription.exists().opt_out)
        # even without the consent check, a sync never subscribes them again
        self.segment.require_consent = False
        counts = self.segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual((counts["added"], counts["skipped_opted_out"]), (0, 1))
        self.assertTrue(self.subscription.opt_out)
        self.assertEqual(len(self.mailing_list.subscription_ids), 1)

    def test_unsubscribe_from_one_list_of_two(self):
        other_segment = self._segment(self.customer, name="Promocje")
        other_segment.with_user(self.segment_admin)._sync_mailing_list()
        other_list = other_segment.mailing_list_id
        self.assertEqual(other_list.contact_ids, self.contact, "one contact for the partner, on both lists")
        mailing = self._mailing(self.mailing_list)
        token = mailing._generate_mailing_recipient_token(self.contact.id, self.contact.email)
        response = self.url_open(
            f"/mailing/{mailing.id}/unsubscribe?email={self.contact.email}&document_id={self.contact.id}"
            f"&hash_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.subscription.opt_out)
        # still on the other list: the consent stays
        self.assertTrue(self.customer.sales_admin_marketing_consent)
        counts = self.segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual((counts["added"], counts["skipped_opted_out"]), (0, 1))
        # the one-click unsubscribe (List-Unsubscribe header) from the other list: off every list
        other_mailing = self._mailing(other_list)
        token = other_mailing._generate_mailing_recipient_token(self.contact.id, self.contact.email)
        response = self.url_open(
            f"/mailing/{other_mailing.id}/unsubscribe_oneclick",
            data={"email": self.contact.email, "document_id": self.contact.id, "hash_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(other_list.subscription_ids.opt_out)
        self._assert_withdrawn(self.customer)

    def test_unsubscribe_with_a_wrong_token_changes_nothing(self):
        mailing = self._mailing(self.mailing_list)
        response = self.url_open(
            f"/mailing/{mailing.id}/unsubscribe?email={self.contact.email}&document_id={self.contact.id}"
            "&hash_token=forged"
        )
        # refused (Unauthorized; under tests Odoo answers 418 for a refused public request, as its own tests expect)
        self.assertIn(response.status_code, (401, 418))
        self.env.invalidate_all()
        self.assertFalse(self.subscription.opt_out)
        self.assertTrue(self.customer.sales_admin_marketing_consent)

    def test_blocklist_from_the_unsubscribe_page(self):
        mailing = self._mailing(self.mailing_list)
        token = mailing._generate_mailing_recipient_token(self.contact.id, self.contact.email)
        result = self.make_jsonrpc_request(
            "/mailing/blocklist/add",
            {
                "mailing_id": mailing.id,
                "document_id": self.contact.id,
                "email": self.contact.email,
                "hash_token": token,
            },
        )
        self.assertTrue(result)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "ola@example.com")]))
        self._assert_withdrawn(self.customer)
        # without the consent check the blacklisted address is still left out and leaves the list
        self.segment.require_consent = False
        counts = self.segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual((counts["added"], counts["removed"], counts["skipped_blacklisted"]), (0, 1, 1))

    def test_preference_page(self):
        portal = new_test_user(
            self.env, login="sa_seg_portal_ola", groups="base.group_portal", email="ola.portal@example.com"
        )
        portal.partner_id.sales_admin_marketing_consent = True
        segment = self._segment(portal.partner_id, name="Portal")
        segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual(segment.mailing_list_id.contact_ids.partner_id, portal.partner_id)
        self.authenticate(portal.login, portal.login)
        response = self.url_open("/mailing/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Portal", response.text)
        # all lists unticked and saved
        result = self.make_jsonrpc_request("/mailing/list/update", {"lists_optin_ids": []})
        self.assertEqual(result, 1)
        self.env.invalidate_all()
        self.assertTrue(segment.mailing_list_id.subscription_ids.opt_out)
        self._assert_withdrawn(portal.partner_id)
        self.assertEqual(segment.with_user(self.segment_admin)._sync_mailing_list()["added"], 0)
