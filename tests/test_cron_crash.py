"""Crash safety of the batched crons: each one dies between two batches, is started again and finishes the work
with nothing done twice and nothing left out.

A cron worker can die at any moment (SIGKILL, out of memory, a deploy). Each batched cron reports its progress
(``ir.cron._notify_progress``) right before it commits a batch, and outside tests it commits there; the tests take
that call as the commit point and make the worker die at a seeded random batch:

- every batch that reached its commit point is kept, as a COMMIT keeps it (pending writes flushed, precommit hooks
  run, then a new savepoint);
- the batch in progress when the worker dies is rolled back (ROLLBACK TO the savepoint of the last commit), and the
  worker's memory is gone with it (caches, pending computations and precommit hooks cleared);

then the cron runs again to the end. Each test checks that the interruption left work undone (the killed batch
rolled back, the committed ones kept), then that after the restart every item due was handled exactly once: no
second proposal, reminder, activity, mail, log or snapshot, and nothing lost. The crash point is drawn from the
seed ``SALES_ADMIN_CRASH_SEED`` (environment, default 18) and the cron's name, and shown in failure messages.

benchmarks/crash_reminders.py kills a real reminder run (SIGKILL) on a copy of the benchmark database.
"""

import math
import os
import random
from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from .collection_common import CollectionCommon
from .common import GROUP_MANAGER, SalesAdminCommon
from .segment_common import SegmentCommon
from .test_reminder import ReminderCommon
from .test_ticket_sla import FRIDAY, TestTicketSlaCommon

SEED = os.environ.get("SALES_ADMIN_CRASH_SEED", "18")
SAVEPOINT = "sales_admin_cron_crash"


class WorkerKilled(BaseException):
    """The worker process dies: no ``except Exception`` of the cron may catch it."""


class CronCrashMixin:
    """Run a cron until its worker dies after a seeded random batch; keep what the committed batches did."""

    def _crash_point(self, cron, batches):
        """The number of batches committed before the worker dies: at least one, and at least one left."""
        self.assertGreaterEqual(batches, 3, "the fixtures make at least 3 batches")
        return random.Random(f"{SEED}:{cron}").randint(1, batches - 1)

    def _run_killed(self, run, cron, batches):
        """Call ``run`` (the cron) and kill its worker after the seeded batch.

        :return: the progress (``done``) the last committed batch reported
        """
        crash_after = self._crash_point(cron, batches)
        self.crash_msg = f"{cron}: seed {SEED}, worker killed after batch {crash_after} of {batches} or more"
        cr = self.env.cr
        IrCron = type(self.env["ir.cron"])
        notify = IrCron._notify_progress
        committed = {"batches": 0, "done": 0}

        def notify_then_commit(cron_record, *, done, remaining, deactivate=False):
            if committed["batches"] == crash_after:
                raise WorkerKilled(self.crash_msg)
            notify(cron_record, done=done, remaining=remaining, deactivate=deactivate)
            # the batch's COMMIT: what it wrote is kept whatever happens next
            cr.flush()
            cr.execute(f'RELEASE SAVEPOINT "{SAVEPOINT}"')
            cr.execute(f'SAVEPOINT "{SAVEPOINT}"')
            committed["batches"] += 1
            committed["done"] = done

        self.env.flush_all()
        cr.execute(f'SAVEPOINT "{SAVEPOINT}"')
        # not self.assertRaises: Odoo's opens a savepoint of its own, which the commits above would release
        try:
            with patch.object(IrCron, "_notify_progress", notify_then_commit):
                run()
        except WorkerKilled:
            pass
        else:
            self.fail(f"the run ended before the crash point; {self.crash_msg}")
        # the worker is gone: its open transaction is rolled back, its memory lost
        cr.execute(f'ROLLBACK TO SAVEPOINT "{SAVEPOINT}"')
        cr.execute(f'RELEASE SAVEPOINT "{SAVEPOINT}"')
        cr.clear()
        self.assertEqual(committed["batches"], crash_after, self.crash_msg)
        return committed["done"]

    def _count(self, query):
        return self.env.execute_query(query)[0][0]


# ------------------------------------------------------------
# Customers: visit proposals, visit cadence, product preferences
# ------------------------------------------------------------

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestPartnerCronsCrash(CronCrashMixin, SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="sa_crash_sales", name="Jan Crash", groups="sales_team.group_sale_salesman"
        )
        cls.env["ir.config_parameter"].sudo().set_param("sales_admin_addon.visit_horizon_days", "7")
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Klient Awaria {index}",
                    "is_company": True,
                    "customer_rank": 1,
                    "user_id": cls.salesperson.id,
                    "visit_frequency": 30,
                }
                for index in range(7)
            ]
        )
        # one visit each, a day apart: due again from 3 to 9 March
        for index, customer in enumerate(cls.customers):
            when = datetime(2026, 2, 1, 9) + timedelta(days=index)
            visit = cls.env["sales_admin.visit"].create(
                {"partner_id": customer.id, "user_id": cls.salesperson.id, "planned_start": when}
            )
            with freeze_time(when):
                visit.action_check_in()
            with freeze_time(when + timedelta(hours=1)):
                visit.action_check_out()

    def _open_visits_per_partner(self):
        groups = self.env["sales_admin.visit"]._read_group(
            [("partner_id", "in", self.customers.ids), ("state", "in", ("proposed", "planned", "in_progress"))],
            ["partner_id"],
            ["__count"],
        )
        return {partner: count for partner, count in groups}

    def test_propose_visits(self):
        Visit = self.env["sales_admin.visit"]
        with freeze_time(TODAY):
            self.env.flush_all()
            due = [
                row[0]
                for row in self.env.execute_query(
                    self.env["res.partner"]._get_visit_due_query(TODAY + timedelta(days=7))
                )
            ]
        self.assertLessEqual(set(self.customers.ids), set(due))

        def run():
            with freeze_time(TODAY):
                return Visit._cron_propose_visits(batch_size=2)

        done = self._run_killed(run, "propose_visits", math.ceil(len(due) / 2))
        proposed = Visit.search([("partner_id", "in", due), ("state", "=", "proposed")]).partner_id
        self.assertEqual(set(proposed.ids), set(due[:done]), f"the committed batches only; {self.crash_msg}")
        self.assertEqual(run(), len(due) - done, f"the restart proposes what was left; {self.crash_msg}")
        per_partner = self._open_visits_per_partner()
        self.assertEqual(per_partner, dict.fromkeys(self.customers, 1), f"one proposal each; {self.crash_msg}")
        self.assertEqual(run(), 0, "nothing left")

    def test_refresh_visit_cadence_state(self):
        Partner = self.env["res.partner"]
        with freeze_time(TODAY):
            Partner._cron_refresh_visit_cadence_state()
        # three days later every visited customer's figures move, and the first two are overdue
        day = TODAY + timedelta(days=3)
        days_since, overdue = Partner._get_visit_cadence_state_sql(day)
        stale = SQL(
            "SELECT count(*) FROM res_partner WHERE days_since_last_visit IS DISTINCT FROM %s"
            " OR visit_overdue IS DISTINCT FROM %s",
            days_since,
            overdue,
        )
        self.env.flush_all()
        total = self._count(stale)
        self.assertGreaterEqual(total, len(self.customers))

        def run():
            with freeze_time(day):
                return Partner._cron_refresh_visit_cadence_state(batch_size=2)

        done = self._run_killed(run, "refresh_visit_cadence_state", math.ceil(total / 2))
        self.assertEqual(self._count(stale), total - done, f"the killed batch rolled back; {self.crash_msg}")
        self.assertEqual(run(), total - done, f"the restart does what was left; {self.crash_msg}")
        self.assertEqual(self._count(stale), 0)
        expected = [(day - (date(2026, 2, 1) + timedelta(days=index))).days for index in range(7)]
        self.assertEqual(self.customers.mapped("days_since_last_visit"), expected)
        self.assertEqual(self.customers.mapped("visit_overdue"), [True, True, False, False, False, False, False])

    def test_refresh_product_preferences(self):
        Partner = self.env["res.partner"]
        service = self.env["product.product"].create({"name": "Usługa Awaria", "type": "service"})
        for when in ("2026-02-01 10:00:00", "2026-02-11 10:00:00"):
            with freeze_time(when):
                self.env["sale.order"].create(
                    [
                        {"partner_id": customer.id, "order_line": [Command.create({"product_id": service.id})]}
                        for customer in self.customers
                    ]
                ).action_confirm()
        with freeze_time(TODAY):
            self.env.flush_all()
            todo = [
                row[0]
                for row in self.env.execute_query(
                    SQL("%s ORDER BY id", Partner._get_product_preferences_todo_query(TODAY))
                )
            ]
        self.assertLessEqual(set(self.customers.ids), set(todo))

        def run():
            with freeze_time(TODAY):
                return Partner._cron_refresh_product_preferences(batch_size=2)

        def refreshed():
            return set(Partner.search([("id", "in", todo), ("product_preferences_date", "=", TODAY)]).ids)

        done = self._run_killed(run, "refresh_product_preferences", math.ceil(len(todo) / 2))
        self.assertEqual(refreshed(), set(todo[:done]), f"the committed batches only; {self.crash_msg}")
        self.assertEqual(run(), len(todo) - done, f"the restart refreshes what was left; {self.crash_msg}")
        self.assertEqual(refreshed(), set(todo))
        self.assertEqual(set(self.customers.mapped("last_purchase_date")), {date(2026, 2, 11)})
        self.assertEqual(run(), 0, "done for today")


# ------------------------------------------------------------
# Collections: reminders, collection cases, promises to pay
# ------------------------------------------------------------

REMINDER_DAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
class TestReminderCronCrash(CronCrashMixin, ReminderCommon):
    def test_send_reminders(self):
        customers = [self._customer(f"Dłużnik Awaria {index}") for index in range(7)]
        for customer in customers:
            self._invoice(customer, date(2026, 5, 20), 100)  # 12 days overdue: the first e-mail level
        Reminder = self.Reminder
        sent_before = Reminder.search_count([("state", "=", "sent")])

        def run():
            with freeze_time(REMINDER_DAY):
                return Reminder._cron_send_reminders(batch_size=2)

        done = self._run_killed(run, "send_reminders", math.ceil(len(customers) / 2))
        self.assertEqual(Reminder.search_count([("state", "=", "sent")]) - sent_before, done, self.crash_msg)
        pending = Reminder.search_count([("state", "=", "pending")])
        self.assertGreater(pending, 0, f"the killed batch is pending again; {self.crash_msg}")
        self.assertEqual(run(), pending, f"the restart sends what was left; {self.crash_msg}")
        for customer in customers:
            reminders = Reminder.search([("partner_id", "=", customer.id)])
            self.assertEqual(len(reminders), 1, f"one reminder of one level for {customer.name}; {self.crash_msg}")
            self.assertEqual((reminders.state, reminders.level_id), ("sent", self.level_1))
            self.assertEqual(len(self._mails(customer)), 1, f"one e-mail queued for {customer.name}; {self.crash_msg}")
        self.assertEqual(run(), 0, "nothing left")


@tagged("post_install", "-at_install")
class TestCollectionCronsCrash(CronCrashMixin, CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sales_admin_collection_escalation_user_id = cls.sales_admin_manager
        cls.debtors = cls.env["res.partner"]
        with freeze_time(date(2026, 1, 1)):
            for index in range(7):
                customer, __ = cls._customer(f"Windykacja Awaria {index}")
                cls._invoice(customer, date(2026, 2, 10), 100 + index)
                cls.debtors |= customer

    def _open_cases_per_partner(self):
        groups = self.Case._read_group(
            [("partner_id", "in", self.debtors.ids), ("state", "=", "open")], ["partner_id"], ["__count"]
        )
        return {partner: count for partner, count in groups}

    def test_refresh_collection_cases(self):
        with freeze_time(TODAY):
            self.env.flush_all()
            todo = [
                row[0] for row in self.env.execute_query(SQL("%s ORDER BY 1", self.Case._get_collection_todo_query()))
            ]
        self.assertLessEqual(set(self.debtors.ids), set(todo))

        def run():
            with freeze_time(TODAY):
                return self.Case._cron_refresh_collection_cases(batch_size=2)

        done = self._run_killed(run, "refresh_collection_cases", math.ceil(len(todo) / 2))
        opened = self.Case.search([("partner_id", "in", todo), ("state", "=", "open")]).partner_id
        self.assertEqual(set(opened.ids), set(todo[:done]), f"the committed batches only; {self.crash_msg}")
        self.assertEqual(run(), len(todo), f"the restart refreshes every customer again; {self.crash_msg}")
        self.assertEqual(self._open_cases_per_partner(), dict.fromkeys(self.debtors, 1), self.crash_msg)
        opened_messages = self.env["mail.message"].search_count(
            [("model", "=", self.Case._name), ("res_id", "in", self.Case.search([("partner_id", "in", todo)]).ids)]
        )
        run()
        self.assertEqual(self._open_cases_per_partner(), dict.fromkeys(self.debtors, 1), "a refresh is idempotent")
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", self.Case._name), ("res_id", "in", self.Case.search([("partner_id", "in", todo)]).ids)]
            ),
            opened_messages,
            "no second 'case opened' message",
        )

    def test_check_promises(self):
        with freeze_time(TODAY):
            self.Case._refresh_collection_cases(self.debtors)
            cases = self.Case.search([("partner_id", "in", self.debtors.ids), ("state", "=", "open")])
            self.assertEqual(len(cases), len(self.debtors))
            for case in cases:
                self.env["sales_admin.collection.promise"].with_user(self.accountant).create(
                    {"case_id": case.id, "promise_date": date(2026, 3, 5), "promise_amount": 50}
                ).action_record_promise()
        self.env.flush_all()
        total = self.Case.search_count([("promise_state", "=", "pending"), ("promise_date", "<", date(2026, 3, 6))])
        self.assertGreaterEqual(total, len(cases))

        def run():
            with freeze_time(date(2026, 3, 6)):
                return self.Case._cron_check_promises(batch_size=2)

        def escalations(case):
            return case.activity_ids.filtered(lambda activity: activity.summary == "Broken promise to pay")

        done = self._run_killed(run, "check_promises", math.ceil(total / 2))
        broken = cases.filtered(lambda case: case.promise_state == "broken")
        self.assertEqual(broken, cases.sorted("id")[:done], f"the committed batches only; {self.crash_msg}")
        self.assertFalse((cases - broken).activity_ids, f"the killed batch left no to-do; {self.crash_msg}")
        self.assertEqual(run(), total - done, f"the restart settles what was left; {self.crash_msg}")
        self.assertEqual(set(cases.mapped("promise_state")), {"broken"})
        for case in cases:
            self.assertEqual(len(escalations(case)), 1, f"one escalation for {case.display_name}; {self.crash_msg}")
            notes = case.message_ids.filtered(lambda message: "Promise broken" in (message.body or ""))
            self.assertEqual(len(notes), 1, f"one note for {case.display_name}; {self.crash_msg}")
        self.assertEqual(run(), 0, "nothing left")


# ------------------------------------------------------------
# Tickets: SLA escalation and the nightly SLA refresh
# ------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestTicketCronsCrash(CronCrashMixin, TestTicketSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(FRIDAY):
            cls.tickets = cls.env["sales_admin.ticket"].create(
                [
                    {
                        "title": f"Awaria {index}",
                        "partner_id": cls.customer.id,
                        "team_id": cls.team.id,
                        "ticket_type_id": cls.type_complaint.id,
                    }
                    for index in range(7)
                ]
            )

    def test_sla_escalate(self):
        now = datetime(2026, 3, 10, 9, 0)  # the 4 business hours to answer are gone, the resolution is not yet late
        Ticket = self.Ticket
        with freeze_time(now):
            self.env.flush_all()
            candidates = Ticket.search(Ticket._get_sla_escalation_domain(now), order="id")
        self.assertLessEqual(self.tickets, candidates)

        def run():
            with freeze_time(now):
                return Ticket._cron_sla_escalate(batch_size=2)

        def activities(tickets):
            return self.env["mail.activity"].search([("res_model", "=", Ticket._name), ("res_id", "in", tickets.ids)])

        done = self._run_killed(run, "sla_escalate", math.ceil(len(candidates) / 2))
        escalated = candidates.filtered("sla_response_escalated")
        self.assertEqual(escalated, candidates[:done], f"the committed batches only; {self.crash_msg}")
        self.assertEqual(activities(candidates).mapped("res_id"), escalated.ids, self.crash_msg)
        self.assertEqual(run(), len(candidates) - done, f"the restart escalates what was left; {self.crash_msg}")
        for ticket in self.tickets:
            self.assertTrue(ticket.sla_response_escalated and not ticket.sla_resolution_escalated)
            self.assertEqual(len(activities(ticket)), 1, f"one activity for {ticket.title}; {self.crash_msg}")
        self.assertEqual(run(), 0, "nothing left")

    def test_refresh_sla(self):
        Ticket = self.Ticket
        old_deadline, new_deadline = datetime(2026, 3, 9, 10, 0), datetime(2026, 3, 6, 17, 0)
        self.assertEqual(set(self.tickets.mapped("sla_response_deadline")), {old_deadline})
        # the policy's hours change: the nightly refresh brings the open tickets to the new deadline
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sales_admin_ticket_sla SET response_hours = 2 WHERE id = %s", [self.sla_complaint.id]
        )
        self.env.invalidate_all()
        open_tickets = Ticket.search([("is_closed", "=", False)], order="id")

        def run():
            with freeze_time(FRIDAY):
                return Ticket._cron_refresh_sla(batch_size=2)

        def refreshed():
            return self.tickets.filtered(lambda ticket: ticket.sla_response_deadline == new_deadline)

        activities = self.env["mail.activity"].search_count([("res_model", "=", Ticket._name)])
        done = self._run_killed(run, "refresh_sla", math.ceil(len(open_tickets) / 2))
        self.assertEqual(refreshed(), self.tickets & open_tickets[:done], f"committed only; {self.crash_msg}")
        self.assertLess(len(refreshed()), len(self.tickets), f"the killed batch rolled back; {self.crash_msg}")
        self.assertEqual(run(), len(open_tickets), "the restart refreshes every open ticket")
        self.assertEqual(refreshed(), self.tickets, self.crash_msg)
        self.assertEqual(self.env["mail.activity"].search_count([("res_model", "=", Ticket._name)]), activities)


# ------------------------------------------------------------
# Sales orders: follow-up activities, late deliveries
# ------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestOrderCronsCrash(CronCrashMixin, SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.salesperson = new_test_user(
            cls.env, login="sa_crash_orders", name="Ewa Crash", groups="sales_team.group_sale_salesman", tz="UTC"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia Awaria", "is_company": True})
        cls.env.company.write({"sales_admin_renewal_days": 30, "sales_admin_quotation_reminder_days": 3})

    def test_order_followup(self):
        with freeze_time(datetime(2026, 2, 20, 9)):
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": self.customer.id,
                        "user_id": self.salesperson.id,
                        "sales_admin_request_date": datetime(2026, 2, 20, 8),
                        "sales_admin_estimate_due_date": date(2026, 2, 25),
                        "validity_date": date(2026, 3, 3),
                    }
                    for __ in range(5)
                ]
            )
        Order = self.env["sale.order"]

        def run():
            with freeze_time(TODAY):
                return Order._cron_sales_admin_order_followup(batch_size=2)

        def kinds(order):
            return sorted("expires" if "expires" in activity.summary else "estimate" for activity in order.activity_ids)

        # 5 orders by 2: 3 batches of expiring quotations, 3 of late estimates, 3 or more of quotation aging
        self._run_killed(run, "order_followup", 9)
        for order in orders:
            flagged = [
                kind
                for kind, flag in (
                    ("estimate", order.sales_admin_estimate_late_notified),
                    ("expires", order.sales_admin_validity_reminded),
                )
                if flag
            ]
            self.assertEqual(
                kinds(order), sorted(flagged), f"an activity with its flag, both or none; {self.crash_msg}"
            )
        run()
        for order in orders:
            self.assertEqual(kinds(order), ["estimate", "expires"], f"one of each, none twice; {self.crash_msg}")
            self.assertEqual(order.sales_admin_quotation_aging, "expiring")
        run()
        self.assertEqual(len(orders.activity_ids), 2 * len(orders), "a third run adds nothing")

    def test_delivery_late(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        goods = self.env["product.product"].create(
            {"name": "Paleta Awaria", "type": "consu", "is_storable": True, "sale_delay": 3}
        )
        self.env["stock.quant"]._update_available_quantity(goods, warehouse.lot_stock_id, 1000)
        promised = datetime(2026, 3, 6, 12, 0)
        with freeze_time(datetime(2026, 3, 2, 9, 0)):
            orders = (
                self.env["sale.order"]
                .with_user(self.salesperson)
                .create(
                    [
                        {
                            "partner_id": self.customer.id,
                            "user_id": self.salesperson.id,
                            "commitment_date": promised,
                            "order_line": [Command.create({"product_id": goods.id, "product_uom_qty": 1})],
                        }
                        for __ in range(7)
                    ]
                )
            )
            orders.action_confirm()
            self.env.flush_all()
        Order = self.env["sale.order"]
        day = promised + timedelta(days=1)
        with freeze_time(day):
            candidates = Order.search(Order._get_sales_admin_late_crossing_domain(), order="id")
        self.assertLessEqual(orders, candidates)

        def run():
            with freeze_time(day):
                return Order._cron_sales_admin_delivery_late(batch_size=2)

        def alerts(order):
            self.env.flush_all()
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("sales_admin_delivery_alert", "!=", False),
                ]
            )

        done = self._run_killed(run, "delivery_late", math.ceil(len(candidates) / 2))
        late = candidates.filtered(lambda order: order.sales_admin_delivery_state == "late")
        self.assertEqual(late, candidates[:done], f"the committed batches only; {self.crash_msg}")
        self.assertEqual([len(alerts(order)) for order in orders], [int(order in late) for order in orders])
        self.assertEqual(run(), len(candidates), "late orders are taken again (their days late grow)")
        for order in orders:
            self.assertEqual((order.sales_admin_delivery_state, order.sales_admin_days_late), ("late", 1))
            self.assertEqual(len(alerts(order)), 1, f"one alert for {order.name}; {self.crash_msg}")


# ------------------------------------------------------------
# Reports: management packs, subscriptions, weekly snapshots
# ------------------------------------------------------------

MONDAY = date(2026, 11, 16)


@tagged("post_install", "-at_install")
class TestReportCronsCrash(CronCrashMixin, SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report_manager = new_test_user(
            cls.env, login="sa_crash_reports", name="Zarząd Awaria", groups=f"base.group_user,{GROUP_MANAGER}"
        )

    def test_send_packs(self):
        Pack = self.env["sales_admin.report.pack"]
        with freeze_time(date(2026, 11, 13)):
            packs = Pack.with_user(self.report_manager).create(
                [
                    {"name": f"Pakiet Awaria {index}", "recipient_ids": [Command.set(self.report_manager.ids)]}
                    for index in range(4)
                ]
            )
        self.assertEqual(set(packs.mapped("next_run_date")), {MONDAY})
        total = Pack.search_count([("next_run_date", "<=", MONDAY)])

        def run():
            with freeze_time(MONDAY):
                return Pack._cron_send_packs()

        done = self._run_killed(run, "send_packs", total)
        self.assertEqual(Pack.search_count([("next_run_date", "<=", MONDAY)]), total - done, self.crash_msg)
        sent = packs.filtered(lambda pack: pack.next_run_date > MONDAY)
        self.assertEqual(packs.log_ids.pack_id, sent, f"a log goes with its schedule; {self.crash_msg}")
        self.assertLess(len(sent), len(packs), f"the killed pack rolled back; {self.crash_msg}")
        self.assertEqual(run(), total - done, f"the restart sends what was left; {self.crash_msg}")
        for pack in packs:
            self.assertEqual(len(pack.log_ids), 1, f"one sending of {pack.name}; {self.crash_msg}")
            self.assertEqual(pack.log_ids.state, "sent")
            mails = self.env["mail.mail"].search([("id", "=", pack.log_ids.mail_id.id)])
            self.assertEqual(len(mails), 1)
            self.assertEqual(pack.next_run_date, MONDAY + timedelta(days=7))
        self.assertEqual(run(), 0, "nothing left")

    def test_send_subscriptions(self):
        Filter = self.env["ir.filters"]
        Subscription = self.env["sales_admin.report.subscription"]
        filters = Filter.create(
            [
                {
                    "name": f"Filtr Awaria {index}",
                    "model_id": "sales_admin.weekly.report",
                    "domain": "[]",
                    "user_id": self.report_manager.id,
                }
                for index in range(5)
            ]
        )
        with freeze_time(date(2026, 11, 20)):
            subscriptions = Subscription.with_user(self.report_manager).create(
                [{"filter_id": ir_filter.id, "frequency": "monthly"} for ir_filter in filters]
            )
        day = date(2026, 12, 1)
        self.assertEqual(set(subscriptions.mapped("next_date")), {day})
        total = Subscription.search_count([("next_date", "<=", day)])

        def run():
            with freeze_time(day):
                return Subscription._cron_send_subscriptions(batch_size=2)

        def mails(subscription):
            return self.env["mail.mail"].search([("model", "=", Subscription._name), ("res_id", "=", subscription.id)])

        done = self._run_killed(run, "send_subscriptions", math.ceil(total / 2))
        self.assertEqual(Subscription.search_count([("next_date", "<=", day)]), total - done, self.crash_msg)
        self.assertEqual(
            [len(mails(subscription)) for subscription in subscriptions],
            [int(bool(subscription.last_sent_date)) for subscription in subscriptions],
            f"a mail goes with its sending date; {self.crash_msg}",
        )
        self.assertEqual(run(), total - done, f"the restart sends what was left; {self.crash_msg}")
        for subscription in subscriptions:
            self.assertEqual(len(mails(subscription)), 1, f"one mail per subscription; {self.crash_msg}")
            self.assertEqual(subscription.next_date, date(2027, 1, 1))
        self.assertEqual(run(), 0, "nothing left")

    def test_take_snapshots(self):
        Snapshot = self.env["sales_admin.weekly.snapshot"]
        company = self.env.company
        # the latest frozen week is four weeks back: three weeks are due (on the company's week grid)
        first_start = self.env["sales_admin.weekly.report"]._week_bounds(company, date(2026, 11, 4))[0]
        self.assertTrue(Snapshot._take_snapshot(company, first_start))
        today = date(2026, 12, 1)
        companies = self.env["res.company"].search([("active", "=", True)])
        todo = [(each, week) for each in companies for week in Snapshot._weeks_due(each, today)]
        weeks = [week for each, week in todo if each == company]
        self.assertEqual(weeks, [first_start + timedelta(weeks=n) for n in (1, 2, 3)])

        def frozen():
            return {(snapshot.company_id, snapshot.week_start) for snapshot in Snapshot.search([])}

        before = frozen()
        done = self._run_killed(lambda: Snapshot._cron_take_snapshots(today=today), "take_snapshots", len(todo))
        self.assertEqual(frozen() - before, set(todo[:done]), f"the committed weeks only; {self.crash_msg}")
        taken = Snapshot._cron_take_snapshots(today=today)
        self.assertEqual(len(taken), len(todo) - done, f"the restart freezes what was left; {self.crash_msg}")
        self.assertEqual(frozen() - before, set(todo))
        groups = Snapshot._read_group([], ["company_id", "week_start:day"], ["__count"], having=[("__count", ">", 1)])
        self.assertFalse(groups, f"a week frozen once; {self.crash_msg}")
        lines = self.env["sales_admin.weekly.snapshot.line"].search([("snapshot_id.company_id", "=", company.id)])
        keys = [(line.snapshot_id, line.user_id, line.team_id, line.categ_id) for line in lines]
        self.assertEqual(len(keys), len(set(keys)), f"no line twice; {self.crash_msg}")
        self.assertFalse(Snapshot._cron_take_snapshots(today=today), "nothing left")


# ------------------------------------------------------------
# Segments: the nightly mailing-list sync
# ------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestSegmentCronCrash(CronCrashMixin, SegmentCommon):
    def test_sync_mailing_lists(self):
        segments = self.Segment
        members = {}
        for index in range(4):
            partners = self.Partner.browse()
            for number in range(2):
                partners |= self._partner(f"Odbiorca {index}-{number}", f"awaria.{index}.{number}@example.com")
            segment = self._segment(partners, name=f"Segment Awaria {index}")
            members[segment] = partners
            segments |= segment
        total = self.Segment.search_count([("auto_sync", "=", True)])

        def synced():
            return segments.filtered("mailing_list_id")

        done = self._run_killed(self.Segment._cron_sync_mailing_lists, "sync_mailing_lists", total)
        self.assertLessEqual(len(synced()), done, self.crash_msg)
        self.assertLess(len(synced()), len(segments), f"the killed segment rolled back; {self.crash_msg}")
        self.assertEqual(synced(), segments.filtered("last_sync_date"), self.crash_msg)
        self.assertGreaterEqual(self.Segment._cron_sync_mailing_lists(), total - done, self.crash_msg)
        for segment, partners in members.items():
            mailing_list = segment.mailing_list_id
            self.assertTrue(mailing_list, f"{segment.name} synced; {self.crash_msg}")
            self.assertEqual(mailing_list.contact_ids.partner_id, partners)
            self.assertEqual(len(mailing_list.contact_ids), len(partners), f"no contact twice; {self.crash_msg}")
            self.assertEqual(
                len(mailing_list.subscription_ids), len(partners), f"no subscription twice; {self.crash_msg}"
            )
        self.assertEqual(len(segments.mailing_list_id), len(segments), "one list per segment")
