from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_USER, BrowserPiecesMixin


@tagged("post_install", "-at_install")
class TestSegmentTour(BrowserPiecesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketer = new_test_user(
            cls.env,
            login="sa_segment_tour",
            name="Tour Marketer",
            email="tour.marketer@example.com",
            groups=f"base.group_user,{GROUP_USER},mass_mailing.group_mass_mailing_user",
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Tour Tiles Tag"})
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "email": email,
                    "category_id": [Command.link(cls.tag.id)],
                    "sales_admin_marketing_consent": True,
                }
                for name, email in (
                    ("Tour Tile Shop", "shop@tiles.example.com"),
                    ("Tour Tile Depot", "depot@tiles.example.com"),
                )
            ]
        )

    def test_segment_tour(self):
        """A segment built in the browser on a tag, and a newsletter created from it."""
        self.start_tour("/odoo", "sales_admin_segment_tour", login=self.marketer.login)
        segment = self.env["sales_admin.segment"].search([("name", "=", "Tour Tile Buyers")])
        self.assertEqual(len(segment), 1)
        self.assertEqual((segment.category_ids, segment.create_uid), (self.tag, self.marketer))
        mailing = self.env["mailing.mailing"].search([("sales_admin_segment_id", "=", segment.id)])
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.subject, "Tiles for spring")
        self.assertEqual(mailing.state, "draft")
        self.assertTrue(segment.mailing_list_id)
        self.assertEqual(mailing.contact_list_ids, segment.mailing_list_id)
        self.assertEqual(segment.mailing_list_id.contact_ids.partner_id, self.customers)
        self.assertEqual(mailing.create_uid, self.marketer)
