from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import BrowserPiecesMixin

SALESMAN = "sales_team.group_sale_salesman"


@tagged("post_install", "-at_install")
class TestSalesAdminMobileTour(BrowserPiecesMixin, HttpCase):
    """The salesperson's day on the road, in the web client's phone layout (a 375x667 touch screen)."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="sa_road", name="Road Salesperson", groups=f"base.group_user,{SALESMAN}", tz="UTC"
        )
        cls.colleague = new_test_user(
            cls.env, login="sa_road_other", name="Other Salesperson", groups=f"base.group_user,{SALESMAN}"
        )
        customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Road Customer {name}",
                    "is_company": True,
                    "customer_rank": 1,
                    "street": street,
                    "zip": "30-001",
                    "city": "Kraków",
                    "phone": "+48 12 000 00 00",
                }
                for name, street in (
                    ("Alpha", "ul. Floriańska 1"),
                    ("Beta", "ul. Grodzka 2"),
                    ("Elsewhere", "ul. Szeroka 3"),
                    ("Tomorrow", "ul. Długa 4"),
                )
            ]
        )
        cls.alpha, cls.beta, cls.elsewhere, cls.tomorrow = customers
        # the round's "Today" is the browser's day: Odoo runs in UTC (TZ=UTC) and the tests' Chromium inherits it
        midnight = datetime.combine(fields.Date.today(), time())

        def at(customer, hours, user):
            return {"partner_id": customer.id, "user_id": user.id, "planned_start": midnight + timedelta(hours=hours)}

        cls.visit_alpha, cls.visit_beta, cls.visit_elsewhere, cls.visit_tomorrow = cls.env["sales_admin.visit"].create(
            [
                at(cls.alpha, 9, cls.salesperson),
                at(cls.beta, 13, cls.salesperson),
                at(cls.elsewhere, 10, cls.colleague),
                at(cls.tomorrow, 24 + 9, cls.salesperson),
            ]
        )

    def test_mobile_round_tour(self):
        """Today's Round on a phone: only the user's visits of today; check-in without a position and check-out
        from the form, check-in with the position from the card, and the customer opened from the visit."""
        self.assertFalse(self.salesperson.has_group("sales_admin_addon.sales_admin_addon_group_user"))
        self.start_tour("/odoo", "sales_admin_mobile_tour", login=self.salesperson.login)

        alpha = self.visit_alpha
        self.assertEqual(alpha.state, "done")
        self.assertTrue(alpha.checkin_date and alpha.checkout_date)
        self.assertLessEqual(alpha.checkin_date, alpha.checkout_date)
        self.assertEqual((alpha.checkin_latitude, alpha.checkin_longitude), (0.0, 0.0), "the position was refused")
        self.assertEqual(alpha.paperwork_state, "to_process")
        self.assertTrue(alpha.paperwork_deadline)
        self.assertEqual(alpha.write_uid, self.salesperson)

        beta = self.visit_beta
        self.assertEqual(beta.state, "in_progress")
        self.assertTrue(beta.checkin_date)
        self.assertFalse(beta.checkout_date)
        self.assertAlmostEqual(beta.checkin_latitude, 50.0647)
        self.assertAlmostEqual(beta.checkin_longitude, 19.945)
        self.assertFalse(beta.paperwork_state)

        # the colleague's visit and tomorrow's were neither shown (the tour counts the cards) nor touched
        self.assertEqual((self.visit_elsewhere.state, self.visit_tomorrow.state), ("planned", "planned"))
        self.assertFalse(self.visit_elsewhere.checkin_date or self.visit_tomorrow.checkin_date)

    def test_mobile_action_menu_tour(self):
        """On a phone the form's header buttons are in the action menu, which closes on the tap: the check-in
        from there still reaches the server and the form shows it, when the device never gives its position."""
        visit = self.visit_beta
        self.start_tour(f"/odoo/sales_admin.visit/{visit.id}", "sales_admin_mobile_action_menu_tour", login="sa_road")
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.checkin_date and visit.checkout_date)
        self.assertEqual((visit.checkin_latitude, visit.checkin_longitude), (0.0, 0.0))
        self.assertEqual(visit.paperwork_state, "to_process")
        self.assertEqual(self.visit_alpha.state, "planned", "only the visit opened was touched")
