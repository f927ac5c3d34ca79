from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_USER, BrowserPiecesMixin

SALESMAN = "sales_team.group_sale_salesman"


def hoot_id(name):
    """The id HOOT gives a suite or test (see web/tests/test_js.py): its ``&id=`` filter runs only that."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


class CockpitTourCommon(HttpCase):
    """Three visits to book: the salesperson's, their team member's and the sales administrator's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login="sa_cockpit_tour_admin", name="Cockpit Tour Admin", groups=f"base.group_user,{GROUP_USER}"
        )
        cls.salesperson = new_test_user(
            cls.env, login="sa_cockpit_tour_sales", name="Cockpit Tour Seller", groups=f"base.group_user,{SALESMAN}"
        )
        cls.colleague = new_test_user(
            cls.env, login="sa_cockpit_tour_mate", name="Cockpit Tour Mate", groups=f"base.group_user,{SALESMAN}"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Cockpit Tour Team",
                "user_id": cls.salesperson.id,
                "member_ids": [Command.link(cls.colleague.id)],
            }
        )
        customers = cls.env["res.partner"].create(
            [
                {"name": f"Cockpit Tour Customer {number}", "is_company": True, "customer_rank": 1}
                for number in ("One", "Two", "Three")
            ]
        )
        start = fields.Datetime.now() + timedelta(days=2)
        owners = [(cls.salesperson, cls.team), (cls.colleague, cls.team), (cls.sales_admin, cls.env["crm.team"])]
        cls.visits = cls.env["sales_admin.visit"].create(
            [
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "state": "proposed",
                    "planned_start": start + timedelta(hours=index),
                }
                for index, (customer, (user, team)) in enumerate(zip(customers, owners, strict=True))
            ]
        )

    def _visits_to_book(self, user, scope):
        data = self.env["sales_admin.cockpit"].with_user(user).get_cockpit_data(scope=scope)
        counters = {counter["key"]: counter for section in data["sections"] for counter in section["counters"]}
        return counters["visits_to_book"]

    def assertVisitsToBook(self, user, scope, visits):
        """What the tour reads on the counter, read through the server first: the count and its list."""
        counter = self._visits_to_book(user, scope)
        self.assertEqual(counter["count"], len(visits))
        found = self.env["sales_admin.visit"].with_user(user).search(counter["action"]["domain"])
        self.assertEqual(found, visits)


@tagged("post_install", "-at_install")
class TestCockpitUnit(BrowserPiecesMixin, HttpCase):
    def test_cockpit_unit(self):
        """The component's unit tests (static/tests/cockpit, HOOT): whatever sections, counters, breakdowns,
        weekly figures and quick actions the server sends are rendered, and each click runs its action."""
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_id('@sales_admin_addon')}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )


@tagged("post_install", "-at_install")
class TestCockpitTour(CockpitTourCommon):
    def test_app_opens_on_cockpit(self):
        """The app's root menu and its first item open the "Today" cockpit, for salespeople too."""
        cockpit = self.env.ref("sales_admin_addon.sales_admin_cockpit_action")
        root = self.env.ref("sales_admin_addon.sales_admin_addon_menu_root")
        self.assertEqual(root.action, cockpit)
        self.assertEqual(cockpit.tag, "sales_admin_addon.cockpit")
        menus = self.env["ir.ui.menu"].with_user(self.salesperson).search([("parent_id", "=", root.id)])
        self.assertEqual(menus[:1], self.env.ref("sales_admin_addon.sales_admin_cockpit_menu"))

    def test_cockpit_tour(self):
        """A sales administrator lands on everyone's visits to book, opens them and one of them, then their own."""
        self.assertVisitsToBook(self.sales_admin, "all", self.visits)
        self.assertVisitsToBook(self.sales_admin, "mine", self.visits[2])
        self.start_tour("/odoo", "sales_admin_cockpit_tour", login=self.sales_admin.login)


@tagged("post_install", "-at_install")
class TestCockpitTourPhone(CockpitTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_cockpit_tour_phone(self):
        """On a phone, a salesperson leading a team lands on their own visits to book, then the team's."""
        self.assertVisitsToBook(self.salesperson, "mine", self.visits[0])
        self.assertVisitsToBook(self.salesperson, "team", self.visits[:2])
        self.start_tour("/odoo", "sales_admin_cockpit_salesperson_tour", login=self.salesperson.login)
