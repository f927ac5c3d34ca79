from ast import literal_eval
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

ORDERED = datetime(2026, 3, 2, 9, 0)  # a Monday, 10:00 in Warsaw
NOW = datetime(2026, 3, 3, 9, 0)  # between the order and its promised delivery
PROMISED = datetime(2026, 3, 6, 12, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestDeliveryPromise(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.salesman = new_test_user(
            cls.env, login="sa_dlv_salesman", name="Jan", groups="sales_team.group_sale_salesman", tz="Europe/Warsaw"
        )
        cls.storekeeper = new_test_user(cls.env, login="sa_dlv_stock", name="Ewa", groups="stock.group_stock_user")
        cls.sales_admin_user.tz = "Europe/Warsaw"
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia", "email": "zakupy@hurtownia.example"})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.goods = cls.env["product.product"].create(
            {"name": "Pallet of tiles", "type": "consu", "is_storable": True, "sale_delay": 3}
        )
        cls.service = cls.env["product.product"].create({"name": "Installation", "type": "service"})
        cls.env["stock.quant"]._update_available_quantity(cls.goods, cls.warehouse.lot_stock_id, 100_000)

    # helpers

    def _order(self, lines=None, commitment=PROMISED, confirm=True, user=None):
        user = user or self.salesman
        with freeze_time(ORDERED):
            order = (
                self.env["sale.order"]
                .with_user(user)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "user_id": user.id,
                        "commitment_date": commitment,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": qty})
                            for product, qty in (lines or [(self.goods, 10)])
                        ],
                    }
                )
            )
            if confirm:
                order.action_confirm()
            self.env.flush_all()
        return order.with_user(self.env.user)

    def _deliveries(self, order):
        return order.picking_ids.filtered(lambda picking: picking.picking_type_code == "outgoing")

    def _validate(self, picking, when, qty=None, backorder=True):
        with freeze_time(when):
            picking = picking.with_user(self.storekeeper)
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty if qty is None else qty
            picking.move_ids.picked = True
            res = picking.button_validate()
            if res is not True:
                wizard = Form.from_action(self.env, res).save().with_user(self.storekeeper)
                wizard.process() if backorder else wizard.process_cancel_backorder()
            self.env.flush_all()

    def _cron(self, when):
        with freeze_time(when):
            self.env["sale.order"]._cron_sales_admin_delivery_late()

    def _alerts(self, orders):
        # the delivery state is a stored compute: alerts come with its recompute, at the latest on flush
        self.env.flush_all()
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("sales_admin_delivery_alert", "!=", False),
            ]
        )

    def _customer_mails(self, order):
        return self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("recipient_ids", "in", self.customer.ids)]
        )

    # promised and projected dates

    def test_promise_from_commitment_or_lead_time(self):
        order = self._order(commitment=False, confirm=False)
        self.assertTrue(order.sales_admin_has_goods)
        self.assertFalse(order.sales_admin_promised_date, "a quotation without delivery date promises nothing yet")
        self.assertFalse(order.sales_admin_delivery_state)
        with freeze_time(ORDERED + timedelta(hours=2)):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.sales_admin_promised_date, ORDERED + timedelta(hours=2, days=3), "date + lead time")
        self.assertEqual(order.sales_admin_notified_date, order.sales_admin_promised_date)
        self.assertEqual(order.sales_admin_delivery_state, "on_schedule")
        self.assertEqual(order.sales_admin_projected_date, self._deliveries(order).scheduled_date)
        # the promise is frozen: a longer lead time on the product does not move it
        self.goods.sale_delay = 10
        with freeze_time(ORDERED + timedelta(days=1)):
            order.with_user(self.salesman).order_line = [
                Command.create({"product_id": self.goods.id, "product_uom_qty": 1, "customer_lead": 10})
            ]
        self.assertEqual(order.sales_admin_promised_date, ORDERED + timedelta(hours=2, days=3))
        # a delivery date set later becomes the promise, and the customer is to be told
        order.with_user(self.salesman).commitment_date = PROMISED + timedelta(days=7)
        self.assertEqual(order.sales_admin_promised_date, PROMISED + timedelta(days=7))
        self.assertTrue(order.sales_admin_notice_pending)
        self.assertEqual(order.sales_admin_notice_date, PROMISED + timedelta(days=7))

    def test_services_only_excluded(self):
        order = self._order(lines=[(self.service, 2)])
        self.assertFalse(order.sales_admin_has_goods)
        self.assertFalse(order.sales_admin_promised_date)
        self.assertFalse(order.sales_admin_delivery_state)
        self._cron(PROMISED + timedelta(days=5))
        self.assertFalse(order.sales_admin_delivery_state)
        mixed = self._order(lines=[(self.service, 1), (self.goods, 1)])
        self.assertEqual(mixed.sales_admin_delivery_state, "on_schedule")
        orders = self.env["sale.order"].search(
            [("id", "in", (order | mixed).ids), ("sales_admin_delivery_state", "!=", False)]
        )
        self.assertEqual(orders, mixed)

    def test_promised_date_before_order_date_refused(self):
        order = self._order()
        with self.assertRaises(ValidationError) as refusal:
            order.with_user(self.salesman).commitment_date = ORDERED - timedelta(days=1)
        self.assertIn("cannot be before its order date", str(refusal.exception))
        self.assertEqual(order.commitment_date, PROMISED)
        self.assertEqual(order.sales_admin_promised_date, PROMISED)
        self.assertEqual(order.order_line.move_ids.date_deadline, PROMISED, "nothing changed on the moves")
        # an order recorded after its delivery keeps its past delivery date, as in Odoo (sale_stock's
        # test_sale_order_commitment_date); moving it later is the refused case above
        with freeze_time(ORDERED):
            past = (
                self.env["sale.order"]
                .with_user(self.salesman)
                .create({"partner_id": self.customer.id, "commitment_date": ORDERED - timedelta(days=2)})
            )
        self.assertEqual(past.commitment_date, ORDERED - timedelta(days=2))

    # one-step, multi-step, partial, cancelled, rescheduled

    def test_one_step_delivered_on_time_and_late(self):
        on_time, late = self._order(), self._order()
        self.assertEqual((on_time | late).mapped("sales_admin_delivery_state"), ["on_schedule", "on_schedule"])
        self._validate(self._deliveries(on_time), PROMISED - timedelta(days=1))
        self.assertEqual(on_time.sales_admin_delivery_state, "delivered_on_time")
        self.assertEqual(on_time.sales_admin_projected_date, PROMISED - timedelta(days=1))
        self.assertEqual(on_time.sales_admin_days_late, 0)
        self._cron(PROMISED + timedelta(days=2))
        self.assertEqual(late.sales_admin_delivery_state, "late")
        self.assertEqual(on_time.sales_admin_delivery_state, "delivered_on_time", "delivered orders stay")
        self._validate(self._deliveries(late), PROMISED + timedelta(days=3))
        self.assertEqual(late.sales_admin_delivery_state, "delivered_late")
        self.assertEqual(late.sales_admin_days_late, 3)

    def test_multi_step_pick_ship(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._order()
        pick = order.picking_ids
        self.assertEqual(pick.picking_type_code, "internal", "the delivery is created when the pick is done")
        self.assertEqual(order.sales_admin_projected_date, pick.scheduled_date, "the pick is the first step")
        pick.with_user(self.storekeeper).scheduled_date = PROMISED + timedelta(days=4)
        self.assertEqual((order.sales_admin_delivery_state, order.sales_admin_days_late), ("at_risk", 4))
        self._validate(pick, PROMISED - timedelta(days=2))
        ship = self._deliveries(order)
        self.assertEqual((ship.picking_type_code, ship.state), ("outgoing", "assigned"))
        self.assertEqual(order.sales_admin_delivery_state, "on_schedule", "picked, delivery planned in time")
        self.assertEqual(order.sales_admin_projected_date, ship.scheduled_date)
        ship.with_user(self.storekeeper).scheduled_date = PROMISED + timedelta(days=1)
        self.assertEqual(order.sales_admin_delivery_state, "at_risk")
        self._validate(ship, PROMISED - timedelta(days=1))
        self.assertEqual(order.sales_admin_delivery_state, "delivered_on_time")
        self.assertEqual(order.sales_admin_projected_date, PROMISED - timedelta(days=1), "the delivery, not the pick")
        self.assertFalse(order.sales_admin_notice_pending, "nothing to tell once delivered")

    def test_partial_delivery_and_backorder(self):
        order = self._order()
        first = self._deliveries(order)
        self._validate(first, PROMISED - timedelta(days=2), qty=4)
        backorder = self._deliveries(order) - first
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(order.sales_admin_delivery_state, "on_schedule", "the rest is still open")
        self.assertEqual(order.sales_admin_projected_date, backorder.scheduled_date)
        backorder.with_user(self.storekeeper).scheduled_date = PROMISED + timedelta(days=5)
        self.assertEqual(order.sales_admin_delivery_state, "at_risk")
        self.assertEqual(order.sales_admin_days_late, 5)
        self._validate(backorder, PROMISED + timedelta(days=4))
        self.assertEqual(order.sales_admin_delivery_state, "delivered_late", "the last delivery counts, not the first")
        self.assertEqual(order.sales_admin_days_late, 4)
        self.assertEqual(order.effective_date, PROMISED - timedelta(days=2))

    def test_partial_delivery_without_backorder(self):
        order = self._order()
        self._validate(self._deliveries(order), PROMISED - timedelta(days=1), qty=4, backorder=False)
        self.assertEqual(len(self._deliveries(order)), 1)
        self.assertEqual(order.sales_admin_delivery_state, "delivered_on_time")

    def test_cancelled_delivery(self):
        order = self._order()
        delivery = self._deliveries(order)
        delivery.with_user(self.storekeeper).action_cancel()
        self.assertFalse(order.sales_admin_projected_date, "nothing scheduled any more")
        self.assertEqual(order.sales_admin_delivery_state, "on_schedule")
        self._cron(PROMISED + timedelta(days=1))
        self.assertEqual(order.sales_admin_delivery_state, "late", "the promise still stands, nothing was delivered")
        with freeze_time(PROMISED + timedelta(days=1)):
            order.with_user(self.salesman)._action_cancel()
        self.assertFalse(order.sales_admin_delivery_state, "a cancelled order promises nothing")
        self.assertFalse(order.sales_admin_notice_pending)

    def test_reschedule_back_and_forth(self):
        order = self._order()
        delivery = self._deliveries(order).with_user(self.storekeeper)
        delivery.scheduled_date = PROMISED + timedelta(days=2)
        self.assertEqual((order.sales_admin_delivery_state, order.sales_admin_days_late), ("at_risk", 2))
        delivery.scheduled_date = PROMISED + timedelta(hours=3)
        self.assertEqual((order.sales_admin_delivery_state, order.sales_admin_days_late), ("on_schedule", 0))
        self.assertFalse(order.sales_admin_notice_pending, "same day as promised: nothing to tell")

    # the date-driven transition and time zones

    def test_late_counted_in_the_salespersons_time_zone(self):
        # 23:30 UTC on Monday 2 March is 00:30 on Tuesday 3 March in Warsaw
        promised = datetime(2026, 3, 2, 23, 30)
        warsaw = self._order(commitment=promised)
        utc_user = new_test_user(self.env, login="sa_dlv_utc", groups="sales_team.group_sale_salesman", tz="UTC")
        utc = self._order(commitment=promised, user=utc_user)
        (self._deliveries(warsaw) | self._deliveries(utc)).scheduled_date = promised
        self._cron(datetime(2026, 3, 3, 12, 0))
        self.assertEqual(utc.sales_admin_delivery_state, "late", "Monday has passed in UTC")
        self.assertEqual(warsaw.sales_admin_delivery_state, "on_schedule", "still Tuesday, the promised day, in Warsaw")
        self._cron(datetime(2026, 3, 3, 22, 59))
        self.assertEqual(warsaw.sales_admin_delivery_state, "on_schedule", "23:59 on Tuesday in Warsaw")
        self._cron(datetime(2026, 3, 3, 23, 1))
        self.assertEqual(warsaw.sales_admin_delivery_state, "late", "00:01 on Wednesday in Warsaw")
        # a delivery at 23:45 Warsaw time on the promised day is on time
        on_time = self._order(commitment=promised)
        self._validate(self._deliveries(on_time), datetime(2026, 3, 3, 22, 45))
        self.assertEqual(on_time.sales_admin_delivery_state, "delivered_on_time")

    def test_cron_selects_only_the_crossing_orders(self):
        due, later = self._order(), self._order(commitment=PROMISED + timedelta(days=10))
        delivered = self._order()
        self._validate(self._deliveries(delivered), PROMISED - timedelta(days=1))
        with freeze_time(PROMISED + timedelta(days=1)):
            crossing = self.env["sale.order"].search(self.env["sale.order"]._get_sales_admin_late_crossing_domain())
            self.assertIn(due, crossing)
            self.assertNotIn(later, crossing)
            self.assertNotIn(delivered, crossing)
        self._cron(PROMISED + timedelta(days=1))
        self.assertEqual((due | later).mapped("sales_admin_delivery_state"), ["late", "on_schedule"])
        self.assertEqual(due.sales_admin_days_late, 1)
        alerts = self._alerts(due)
        # a late order still open is taken again: its delay grows with the date, without a second to-do
        self._cron(PROMISED + timedelta(days=4))
        self.assertEqual((due.sales_admin_delivery_state, due.sales_admin_days_late), ("late", 4))
        self.assertEqual(self._alerts(due), alerts)
        self._validate(self._deliveries(due), PROMISED + timedelta(days=5))
        self.assertEqual((due.sales_admin_delivery_state, due.sales_admin_days_late), ("delivered_late", 5))
        with freeze_time(PROMISED + timedelta(days=6)):
            crossing = self.env["sale.order"].search(self.env["sale.order"]._get_sales_admin_late_crossing_domain())
            self.assertNotIn(due, crossing, "a delivered order is not taken again")

    # alerts

    def test_alert_once_per_reason_for_the_responsible(self):
        order = self._order()
        delivery = self._deliveries(order).with_user(self.storekeeper)
        delivery.scheduled_date = PROMISED + timedelta(days=2)
        alert = self._alerts(order)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.sales_admin_delivery_alert, "at_risk")
        self.assertEqual(alert.user_id, self.salesman, "no follow-up responsible set: the salesperson")
        self.assertEqual(alert.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        # back on schedule and at risk again while the to-do is open: no second one
        delivery.scheduled_date = PROMISED
        delivery.scheduled_date = PROMISED + timedelta(days=3)
        self.assertEqual(self._alerts(order), alert)
        # the promised day passes: another reason, one more to-do, for the company's responsible
        self.env.company.sales_admin_delivery_user_id = self.sales_admin_user
        self._cron(PROMISED + timedelta(days=1))
        self._cron(PROMISED + timedelta(days=2))
        late_alert = self._alerts(order) - alert
        self.assertEqual(len(late_alert), 1)
        self.assertEqual((late_alert.sales_admin_delivery_alert, late_alert.user_id), ("late", self.sales_admin_user))

    def test_alert_again_after_the_previous_one_is_done(self):
        order = self._order()
        delivery = self._deliveries(order)
        delivery.scheduled_date = PROMISED + timedelta(days=2)
        self._alerts(order).with_user(self.salesman).action_feedback(feedback="Told the customer")
        delivery.scheduled_date = PROMISED
        self.assertFalse(self._alerts(order))
        delivery.scheduled_date = PROMISED + timedelta(days=4)
        self.assertEqual(len(self._alerts(order)), 1)

    # customer notice

    def test_notice_needs_approval_by_a_sales_administrator(self):
        order = self._order()
        self._deliveries(order).scheduled_date = PROMISED + timedelta(days=3)
        self.assertTrue(order.sales_admin_notice_pending)
        self.assertEqual(order.sales_admin_notice_date, PROMISED + timedelta(days=3))
        self.assertFalse(self._customer_mails(order), "never sent without approval")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_sales_admin_approve_delivery_notice()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_sales_admin_dismiss_delivery_notice()
        self.assertTrue(order.sales_admin_notice_pending)
        self.assertFalse(self._customer_mails(order))

        order.with_user(self.sales_admin_user).action_sales_admin_approve_delivery_notice()
        mail = self._customer_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, sent by the mail queue")
        self.assertIn("03/09/2026", mail.body_html)
        message = mail.mail_message_id
        self.assertEqual((message.model, message.res_id), ("sale.order", order.id))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"), "logged in the chatter")
        self.assertIn(order.name, message.subject)
        self.assertFalse(order.sales_admin_notice_pending)
        self.assertEqual(order.sales_admin_notified_date, PROMISED + timedelta(days=3))
        with self.assertRaisesRegex(UserError, "no delivery notice"):
            order.with_user(self.sales_admin_user).action_sales_admin_approve_delivery_notice()

    def test_notice_dismissed(self):
        order = self._order()
        delivery = self._deliveries(order)
        delivery.scheduled_date = PROMISED + timedelta(days=3)
        order.with_user(self.sales_admin_user).action_sales_admin_dismiss_delivery_notice()
        self.assertFalse(order.sales_admin_notice_pending)
        self.assertFalse(self._customer_mails(order))
        self.assertEqual(order.sales_admin_notified_date, PROMISED, "the customer still knows the promised date")
        delivery.scheduled_date = PROMISED + timedelta(days=3, hours=2)
        self.assertFalse(order.sales_admin_notice_pending, "same day as the dismissed one")
        delivery.scheduled_date = PROMISED + timedelta(days=5)
        self.assertTrue(order.sales_admin_notice_pending, "another date: another notice")

    def test_notice_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"].search([("name", "=", "sales_admin_addon")])._update_translations(["pl_PL"])
        self.customer.lang = "pl_PL"
        order = self._order()
        self._deliveries(order).scheduled_date = PROMISED + timedelta(days=3)
        order.with_user(self.sales_admin_user).action_sales_admin_approve_delivery_notice()
        mail = self._customer_mails(order)
        self.assertIn("Termin dostawy Twojego zamówienia", mail.body_html)
        self.assertIn("nowy termin dostawy", mail.subject)

    def test_views_and_buttons_by_group(self):
        order = self._order()
        self._deliveries(order).scheduled_date = PROMISED + timedelta(days=3)
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_admin_addon.sale_order_action_delivery_follow_up")
        Order = self.env["sale.order"].with_user(self.sales_admin_user)
        self.assertIn(order, Order.search(literal_eval(action["domain"])))
        views = Order.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertIn("action_sales_admin_approve_delivery_notice", views["views"]["form"]["arch"])
        self.assertIn("sales_admin_notice_pending", views["views"]["search"]["arch"])
        salesman_form = self.env["sale.order"].with_user(self.salesman).get_views([(False, "form")])
        self.assertNotIn("action_sales_admin_approve_delivery_notice", salesman_form["views"]["form"]["arch"])
        self.assertEqual(Order.search_count([("id", "=", order.id), ("sales_admin_notice_pending", "=", True)]), 1)

    def test_promise_fields_readable_by_salesman(self):
        order = self._order().with_user(self.salesman)
        self.assertEqual(order.sales_admin_delivery_state, "on_schedule")
        self.assertTrue(
            self.env["sale.order"]
            .with_user(self.salesman)
            .search_count([("sales_admin_delivery_state", "=", "on_schedule"), ("id", "=", order.id)])
        )

    # scale

    def test_cron_query_count_does_not_grow_with_the_orders(self):
        def run(count, day):
            with freeze_time(ORDERED):
                orders = self.env["sale.order"].create(
                    [
                        {
                            "partner_id": self.customer.id,
                            "user_id": self.salesman.id,
                            "commitment_date": PROMISED,
                            "order_line": [Command.create({"product_id": self.goods.id, "product_uom_qty": 1})],
                        }
                        for _i in range(count)
                    ]
                )
                orders.action_confirm()
            self.assertEqual(set(orders.mapped("sales_admin_delivery_state")), {"on_schedule"})
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self._cron(PROMISED + timedelta(days=day))
            self.env.flush_all()
            queries = self.cr.sql_log_count - start
            self.assertEqual(set(orders.mapped("sales_admin_delivery_state")), {"late"})
            self.assertEqual(len(self._alerts(orders)), count)
            return queries

        small, large = run(50, 1), run(500, 2)
        # the only growth allowed is the ORM's own chunking of multi-row statements (100 rows each): the update of
        # the orders, the insert of the to-dos, their followers and their stored computes, 4 per 100 orders
        self.assertLessEqual(large, small + 4 * 4, f"{small} queries for 50 orders, {large} for 500")
        self.assertLess(large, 500 / 10, "no query per order")
