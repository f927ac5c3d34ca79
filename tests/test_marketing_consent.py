from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestMarketingConsent(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_manager = new_test_user(
            cls.env, login="sa_consent", name="Contact Manager", groups="base.group_user,base.group_partner_manager"
        )

    @freeze_time("2026-11-02 09:30:00")
    def test_consent_given_is_dated_and_sourced(self):
        Partner = self.env["res.partner"].with_user(self.contact_manager)
        given, not_given, by_phone = Partner.create(
            [
                {"name": "Given", "sales_admin_marketing_consent": True},
                {"name": "Not Given"},
                {"name": "By Phone", "sales_admin_marketing_consent": True, "sales_admin_consent_source": "phone"},
            ]
        )
        self.assertEqual(str(given.sales_admin_consent_date), "2026-11-02 09:30:00")
        self.assertEqual(given.sales_admin_consent_source, "staff")
        self.assertFalse(not_given.sales_admin_consent_date)
        self.assertFalse(not_given.sales_admin_consent_source)
        self.assertEqual(by_phone.sales_admin_consent_source, "phone")

    def test_withdrawal_dated_and_unchanged_value_keeps_date(self):
        with freeze_time("2026-11-02 09:30:00"):
            partner = self.env["res.partner"].create({"name": "Customer", "sales_admin_marketing_consent": True})
        with freeze_time("2026-11-10 12:00:00"):
            # writing the same value again (a re-import, a form save) is no new consent
            partner.write({"sales_admin_marketing_consent": True})
            self.assertEqual(str(partner.sales_admin_consent_date), "2026-11-02 09:30:00")
            partner.write({"sales_admin_marketing_consent": False, "sales_admin_consent_source": "email"})
        self.assertEqual(str(partner.sales_admin_consent_date), "2026-11-10 12:00:00")
        self.assertEqual(partner.sales_admin_consent_source, "email")

    def test_import_records_import_as_source(self):
        result = (
            self.env["res.partner"]
            .with_context(import_file=True)
            .load(["name", "email", "sales_admin_marketing_consent"], [["Imported", "imp@example.com", "True"]])
        )
        self.assertFalse(result["messages"], result["messages"])
        partner = self.env["res.partner"].browse(result["ids"])
        self.assertTrue(partner.sales_admin_marketing_consent)
        self.assertEqual(partner.sales_admin_consent_source, "import")
        self.assertTrue(partner.sales_admin_consent_date)

    def test_consent_change_is_tracked(self):
        partner = (
            self.env["res.partner"].with_context(mail_notrack=False, tracking_disable=False).create({"name": "Tracked"})
        )
        partner.env.cr.precommit.run()  # changes in the creating transaction are not tracked
        partner.with_context(mail_notrack=False, tracking_disable=False).write({"sales_admin_marketing_consent": True})
        partner.env.cr.precommit.run()  # tracking values are written before the commit
        partner.invalidate_recordset(["message_ids"])
        tracked = partner.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("sales_admin_marketing_consent", tracked)
