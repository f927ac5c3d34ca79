from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

ORDERED = datetime(2026, 3, 2, 9, 0)  # a Monday
PROMISED = datetime(2026, 3, 6, 12, 0)  # Friday, 13:00 in Warsaw
NOW = datetime(2026, 3, 20, 9, 0)  # two weeks after the promised day
OLD_ORDERED = datetime(2025, 1, 6, 9, 0)  # more than 12 months before NOW
OLD_PROMISED = datetime(2025, 1, 10, 12, 0)

MEASURES = ["otif:avg", "on_time:avg", "in_full:avg", "days_late:avg", "__count"]


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestOtifReport(SalesAdminCommon):
    """Customer A: on time in full; late but in full; on time but short on one line (cancelled backorder).
    Customer B: still open after the promised day; services only, a quotation and a future order (excluded).

    Lines in the report: ontime/tiles 100; late/cement 0 (in full); short/tiles 0 (short); short/cement 100;
    open_late/tiles 0 (not delivered).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        salesman_groups = "sales_team.group_sale_salesman,stock.group_stock_user"
        cls.salesman = new_test_user(
            cls.env, login="sa_otif_jan", name="Jan", groups=salesman_groups, tz="Europe/Warsaw"
        )
        cls.salesman_2 = new_test_user(
            cls.env, login="sa_otif_ola", name="Ola", groups=salesman_groups, tz="Europe/Warsaw"
        )
        cls.storekeeper = new_test_user(cls.env, login="sa_otif_stock", name="Ewa", groups="stock.group_stock_user")
        cls.sales_admin_user.tz = "Europe/Warsaw"
        cls.customer_a = cls.env["res.partner"].create({"name": "Hurtownia A", "is_company": True})
        cls.contact_a = cls.env["res.partner"].create({"name": "Piotr", "parent_id": cls.customer_a.id})
        cls.customer_b = cls.env["res.partner"].create({"name": "Budowa B", "is_company": True})
        cls.tiles = cls.env["product.category"].create({"name": "Tiles"})
        cls.cement = cls.env["product.category"].create({"name": "Cement"})
        cls.tile = cls._product("Pallet of tiles", cls.tiles)
        cls.bag = cls._product("Bag of cement", cls.cement)
        cls.service = cls.env["product.product"].create({"name": "Installation", "type": "service"})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for product in cls.tile | cls.bag:
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10_000)

        cls.ontime = cls._order(cls.customer_a, cls.salesman, [(cls.tile, 10), (cls.service, 1)])
        cls._validate(cls.ontime, PROMISED - timedelta(days=1))
        cls.late = cls._order(cls.customer_a, cls.salesman, [(cls.bag, 5)])
        cls._validate(cls.late, PROMISED + timedelta(days=3))
        cls.short = cls._order(cls.contact_a, cls.salesman_2, [(cls.tile, 10), (cls.bag, 4)])
        cls._validate(cls.short, PROMISED - timedelta(days=1), {cls.tile: 6}, backorder=False)
        cls.open_late = cls._order(cls.customer_b, cls.salesman_2, [(cls.tile, 3)])
        cls.services_only = cls._order(cls.customer_b, cls.salesman, [(cls.service, 2)])
        cls.quotation = cls._order(cls.customer_b, cls.salesman, [(cls.tile, 1)], confirm=False)
        cls.future = cls._order(cls.customer_b, cls.salesman, [(cls.tile, 1)], commitment=NOW + timedelta(days=10))
        # outside the 12 months of the partner's rate: delivered late
        cls.old = cls._order(
            cls.customer_a, cls.salesman, [(cls.tile, 2)], ordered=OLD_ORDERED, commitment=OLD_PROMISED
        )
        cls._validate(cls.old, OLD_PROMISED + timedelta(days=5))
        with freeze_time(NOW):
            cls.env["sale.order"]._cron_sales_admin_delivery_late()
        cls.env.flush_all()
        cls.orders = cls.ontime | cls.late | cls.short | cls.open_late | cls.services_only | cls.quotation | cls.future
        cls.Report = cls.env["sales_admin.otif.report"]

    @classmethod
    def _product(cls, name, categ):
        return cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "categ_id": categ.id}
        )

    @classmethod
    def _order(cls, partner, user, lines, confirm=True, ordered=ORDERED, commitment=PROMISED):
        with freeze_time(ordered):
            order = (
                cls.env["sale.order"]
                .with_user(user)
                .create(
                    {
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "commitment_date": commitment,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": qty}) for product, qty in lines
                        ],
                    }
                )
            )
            if confirm:
                order.action_confirm()
            cls.env.flush_all()
        return order.with_user(cls.env.user)

    @classmethod
    def _validate(cls, order, when, quantities=None, backorder=True):
        """Deliver the order's open delivery at ``when``: every move in full, or the given quantity per product."""
        quantities = quantities or {}
        with freeze_time(when):
            picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).with_user(cls.storekeeper)
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = quantities.get(move.product_id, move.product_uom_qty)
            picking.move_ids.picked = True
            res = picking.button_validate()
            if res is not True:
                wizard = Form.from_action(cls.env, res).save().with_user(cls.storekeeper)
                wizard.process() if backorder else wizard.process_cancel_backorder()
            cls.env.flush_all()

    def _rates(self, groupby, user=None, domain=None):
        report = self.Report.with_user(user or self.sales_admin_user)
        groups = report._read_group([("order_id", "in", self.orders.ids), *(domain or [])], groupby, MEASURES)
        rates = {}
        for *key, otif, on_time, in_full, days_late, count in groups:
            rates[key[0] if len(key) == 1 else tuple(key)] = (
                round(otif, 2),
                round(on_time, 2),
                round(in_full, 2),
                round(days_late, 2),
                count,
            )
        return rates

    # the outcome of each line

    def test_outcomes_per_line(self):
        self.assertEqual(self.ontime.sales_admin_delivery_state, "delivered_on_time")
        self.assertEqual(self.late.sales_admin_delivery_state, "delivered_late")
        self.assertEqual(self.short.sales_admin_delivery_state, "delivered_on_time", "the backorder was cancelled")
        self.assertEqual(self.open_late.sales_admin_delivery_state, "late")
        self.assertEqual(self.future.sales_admin_delivery_state, "on_schedule")
        rows = self.Report.with_user(self.sales_admin_user).search([("order_id", "in", self.orders.ids)])
        got = {(row.order_id, row.product_id): (row.on_time, row.in_full, row.otif, row.days_late) for row in rows}
        self.assertEqual(
            got,
            {
                (self.ontime, self.tile): (100, 100, 100, 0),
                (self.late, self.bag): (0, 100, 0, 3),
                (self.short, self.tile): (100, 0, 0, 0),
                (self.short, self.bag): (100, 100, 100, 0),
                (self.open_late, self.tile): (0, 0, 0, 14),
            },
            "services, quotations and orders not due yet are left out; a short line is not in full",
        )
        short_tile = rows.filtered(lambda row: row.order_id == self.short and row.product_id == self.tile)
        self.assertEqual((short_tile.product_uom_qty, short_tile.qty_delivered), (10, 6))
        self.assertEqual(short_tile.partner_id, self.customer_a, "the commercial partner, not the contact")
        self.assertEqual(short_tile.categ_id, self.tiles)
        self.assertEqual(short_tile.date, PROMISED)

    def test_in_full_in_the_lines_unit(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        orders = self.env["sale.order"]
        for delivered in (2, 1):
            with freeze_time(ORDERED):
                order = self.env["sale.order"].create(
                    {
                        "partner_id": self.customer_b.id,
                        "user_id": self.salesman.id,
                        "commitment_date": PROMISED,
                        "order_line": [
                            Command.create({"product_id": self.bag.id, "product_uom_qty": 2, "product_uom": dozen.id})
                        ],
                    }
                )
                order.action_confirm()
            # the delivery counts bags (the product's unit): 24 or 12
            self._validate(order, PROMISED - timedelta(days=1), {self.bag: delivered * 12}, backorder=False)
            orders |= order
        rows = self.Report.search([("order_id", "in", orders.ids)], order="qty_delivered desc")
        # 2 dozen ordered (24 bags): 2 dozen delivered is in full, 1 dozen (12 bags) is not
        self.assertEqual(
            [(row.product_uom, row.product_uom_qty, row.qty_delivered, row.in_full) for row in rows],
            [(dozen, 2, 2, 100), (dozen, 2, 1, 0)],
        )

    # rates

    def test_rates_per_customer_category_salesperson(self):
        by_customer = self._rates(["partner_id"])
        # (otif, on time, in full, days late, lines)
        # on time: 3 lines of 4 (the short order was on time); in full: 3 of 4 (its tiles are short)
        self.assertEqual(by_customer[self.customer_a], (50.0, 75.0, 75.0, 0.75, 4))
        self.assertEqual(by_customer[self.customer_b], (0.0, 0.0, 0.0, 14.0, 1))
        self.assertNotIn(self.contact_a, by_customer)
        by_category = self._rates(["categ_id"])
        self.assertEqual(by_category[self.tiles][0], 33.33)
        self.assertEqual(by_category[self.cement][0], 50.0)
        by_salesperson = self._rates(["user_id"])
        self.assertEqual(by_salesperson[self.salesman][:2], (50.0, 50.0))
        self.assertEqual(by_salesperson[self.salesman_2][0], 33.33)
        by_month = self._rates(["date:month", "user_id"])
        self.assertEqual({key[1] for key in by_month}, {self.salesman, self.salesman_2})
        self.assertEqual(sum(values[4] for values in by_month.values()), 5)

    def test_views_and_menu(self):
        views = self.Report.with_user(self.sales_admin_user).get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        self.assertIn('name="otif"', views["views"]["pivot"]["arch"])
        self.assertIn('type="line"', views["views"]["graph"]["arch"])
        self.assertIn("last_12_months", views["views"]["search"]["arch"])
        menu = self.env.ref("sales_admin_addon.sales_admin_otif_report_menu")
        self.assertEqual(menu.parent_id, self.env.ref("sales_admin_addon.sales_admin_addon_menu_reporting"))

    # partner

    def test_partner_rate_and_counts(self):
        for partner in (self.customer_a, self.contact_a):
            partner = partner.with_user(self.sales_admin_user)
            self.assertEqual(partner.sales_admin_otif_lines_12m, 4, "the old order is more than 12 months back")
            self.assertEqual(partner.sales_admin_otif_rate_12m, 50.0)
            # open: confirmed, not yet delivered and invoiced (delivered but not invoiced is still open)
            self.assertEqual(partner.sales_admin_open_order_count, 4)
            self.assertEqual(partner.sales_admin_late_order_count, 0)
        customer_b = self.customer_b.with_user(self.sales_admin_user)
        self.assertEqual((customer_b.sales_admin_otif_rate_12m, customer_b.sales_admin_otif_lines_12m), (0.0, 1))
        self.assertEqual(customer_b.sales_admin_open_order_count, 3, "late, services only and future; no quotation")
        self.assertEqual(customer_b.sales_admin_late_order_count, 1)
        self.open_late.with_user(self.salesman_2)._action_cancel()
        self.env.invalidate_all()
        self.assertEqual((customer_b.sales_admin_open_order_count, customer_b.sales_admin_late_order_count), (2, 0))

    def test_partner_buttons(self):
        partner = self.contact_a.with_user(self.sales_admin_user)
        action = partner.action_open_sales_admin_otif_report()
        self.assertEqual(action["res_model"], "sales_admin.otif.report")
        self.assertEqual(len(self.Report.with_user(self.sales_admin_user).search(action["domain"])), 5)
        open_orders = self.env["sale.order"].search(partner.action_open_sales_admin_open_orders()["domain"])
        self.assertEqual(open_orders, self.ontime | self.late | self.short | self.old)
        late = self.customer_b.with_user(self.sales_admin_user).action_open_sales_admin_late_orders()
        self.assertEqual(self.env["sale.order"].search(late["domain"]), self.open_late)
        form = self.env["res.partner"].with_user(self.sales_admin_user).get_views([(False, "form")])
        self.assertIn("action_open_sales_admin_otif_report", form["views"]["form"]["arch"])

    def test_partner_fields_query_count_does_not_grow(self):
        partners = self.env["res.partner"].create([{"name": f"Customer {i}", "is_company": True} for i in range(50)])
        orders = self.env["sale.order"]
        for partner in partners:
            orders |= self._order(partner, self.salesman, [(self.tile, 1)])
        self.env["sale.order"]._cron_sales_admin_delivery_late()
        self.env.flush_all()

        def read(count):
            records = partners[:count].with_user(self.sales_admin_user)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.read(
                [
                    "sales_admin_otif_rate_12m",
                    "sales_admin_otif_lines_12m",
                    "sales_admin_open_order_count",
                    "sales_admin_late_order_count",
                ]
            )
            return self.env.cr.sql_log_count - before

        read(5)  # warm-up: access rules and the like are cached once
        self.assertEqual(read(50), read(5))
        self.assertEqual(partners[49].with_user(self.sales_admin_user).sales_admin_late_order_count, 1)
        self.assertEqual(partners[49].with_user(self.sales_admin_user).sales_admin_otif_lines_12m, 1)
        with self.assertQueryCount(read(5)):
            partners[:50].with_user(self.sales_admin_user).read(["sales_admin_otif_rate_12m"])

    # access

    def test_salesman_sees_own_rows_only(self):
        own = self.Report.with_user(self.salesman).search([("order_id", "in", self.orders.ids)])
        self.assertEqual(own.order_id, self.ontime | self.late)
        self.assertEqual(set(self._rates(["user_id"], user=self.salesman_2)), {self.salesman_2})
        # the customer's rate, as the salesman sees it: his own lines of A (on time, late)
        self.assertEqual(self.customer_a.with_user(self.salesman).sales_admin_otif_rate_12m, 50.0)
        self.assertEqual(self.customer_a.with_user(self.salesman_2).sales_admin_otif_lines_12m, 2)
        with self.assertRaises(AccessError):
            self.Report.with_user(self.internal_user).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.sales_admin_user).browse(own[:1].id).write({"otif": 100})

    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "Oddział Kraków"})
        self.salesman.write({"company_ids": [Command.link(company_2.id)]})
        self.sales_admin_user.write({"company_ids": [Command.link(company_2.id)]})
        with freeze_time(ORDERED):
            order = (
                self.env["sale.order"]
                .with_company(company_2)
                .create(
                    {
                        "partner_id": self.customer_a.id,
                        "user_id": self.salesman.id,
                        "company_id": company_2.id,
                        "commitment_date": PROMISED,
                        "order_line": [Command.create({"product_id": self.tile.id, "product_uom_qty": 1})],
                    }
                )
            )
            order.action_confirm()
        self.env["sale.order"]._cron_sales_admin_delivery_late()
        self.assertEqual(order.sales_admin_delivery_state, "late")
        orders = self.orders | order
        Report = self.Report.with_user(self.sales_admin_user)
        one_company = Report.with_context(allowed_company_ids=[self.env.company.id])
        both = Report.with_context(allowed_company_ids=[self.env.company.id, company_2.id])
        self.assertNotIn(order, one_company.search([("order_id", "in", orders.ids)]).order_id)
        self.assertIn(order, both.search([("order_id", "in", orders.ids)]).order_id)
        customer = self.customer_a.with_user(self.sales_admin_user)
        self.assertEqual(customer.with_context(allowed_company_ids=[self.env.company.id]).sales_admin_otif_lines_12m, 4)
        self.env.invalidate_all()
        both_customer = customer.with_context(allowed_company_ids=[self.env.company.id, company_2.id])
        self.assertEqual(both_customer.sales_admin_otif_lines_12m, 5)
        self.assertEqual(both_customer.sales_admin_otif_rate_12m, 40.0)
