"""Batched crons meeting users who write the same rows (benchmarks/load.py found it: the reminder run failed when
customers it was sending to were written by salespeople at the same time, a serialization failure Odoo retries
for a request but never for a cron job)."""

import logging
from datetime import date
from unittest.mock import MagicMock, patch

from psycopg2 import OperationalError
from psycopg2.errors import SerializationFailure

from odoo.tests import freeze_time, tagged

from odoo.addons.sales_admin_addon import tools
from odoo.addons.sales_admin_addon.models.sales_admin_reminder import SalesAdminReminder

from .test_reminder import TODAY, ReminderCommon

# by number: Odoo names level 25 "INFO" too
TOOLS_LOGGER = "odoo.addons.sales_admin_addon.tools"


@tagged("post_install", "-at_install")
class TestReminderRunConcurrency(ReminderCommon):
    def test_batch_failing_on_a_concurrent_write_is_run_again_and_sends_once(self):
        customers = [self._customer(f"Współbieżny {index}") for index in range(4)]
        for customer in customers:
            self._invoice(customer, date(2026, 5, 20), 100)
        original = SalesAdminReminder._send_reminders
        calls = []

        def send_then_fail_once(records):
            calls.append(records.ids)
            sent = original(records)
            if len(calls) == 1:
                # the first try wrote everything, then met a customer written by someone else
                raise SerializationFailure("could not serialize access due to concurrent update")
            return sent

        with (
            freeze_time(TODAY),
            patch.object(SalesAdminReminder, "_send_reminders", send_then_fail_once),
            self.assertLogs(TOOLS_LOGGER, logging.INFO) as logs,
        ):
            sent = self.Reminder._cron_send_reminders(batch_size=2)
        self.assertEqual(sent, 4)
        self.assertEqual(len(calls), 3, "the first batch twice, the second once")
        self.assertEqual(calls[0], calls[1], "the same batch was run again")
        self.assertIn("SerializationFailure in a batch, 4 tries left", logs.output[0])
        reminders = self.Reminder.search([("partner_id", "in", [customer.id for customer in customers])])
        self.assertEqual(len(reminders), 4, "one reminder per customer")
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        for customer in customers:
            self.assertEqual(len(self._mails(customer)), 1, "the rolled-back try left no e-mail behind")
            case = self.env["sales_admin.collection.case"].search([("partner_id", "=", customer.id)])
            self.assertLessEqual(len(case), 1, "no case opened twice")

    def test_plan_failing_on_a_concurrent_write_is_run_again(self):
        customers = [self._customer(f"Plan {index}") for index in range(2)]
        for customer in customers:
            self._invoice(customer, date(2026, 5, 20), 100)
        original = SalesAdminReminder._plan_reminders
        calls = []

        def plan_then_fail_once(model, *args, **kwargs):
            calls.append(1)
            planned = original(model, *args, **kwargs)
            if len(calls) == 1:
                raise SerializationFailure("could not serialize access due to concurrent update")
            return planned

        with (
            freeze_time(TODAY),
            patch.object(SalesAdminReminder, "_plan_reminders", plan_then_fail_once),
            self.assertLogs(TOOLS_LOGGER, logging.INFO),
        ):
            self.assertEqual(self.Reminder._cron_send_reminders(), 2, "the job goes on instead of failing")
        self.assertEqual(len(calls), 2)
        reminders = self.Reminder.search([("partner_id", "in", [customer.id for customer in customers])])
        self.assertEqual(len(reminders), 2, "planned once each: the failed try was rolled back")
        self.assertEqual(set(reminders.mapped("state")), {"sent"})

    def test_batch_failing_every_time_gives_up(self):
        self._invoice(self._customer("Zawsze zajęty"), date(2026, 5, 20), 100)
        calls = []

        def always_fail(records):
            calls.append(records.ids)
            raise SerializationFailure("could not serialize access due to concurrent update")

        raised = None
        with (
            freeze_time(TODAY),
            patch.object(SalesAdminReminder, "_send_reminders", always_fail),
            self.assertLogs(TOOLS_LOGGER, logging.INFO),
        ):
            # not assertRaises: it would roll back what the run committed before the batch (the planned reminder)
            try:
                self.Reminder._cron_send_reminders()
            except SerializationFailure as error:
                raised = error
        self.assertIsInstance(raised, SerializationFailure, "the job fails after the last try, as a request would")
        self.assertEqual(len(calls), tools.BATCH_TRIES)
        self.env.invalidate_all()
        reminder = self.Reminder.search([("partner_id.name", "=", "Zawsze zajęty")])
        self.assertEqual(reminder.state, "pending", "left for the next run, nothing half-sent")


@tagged("post_install", "-at_install")
class TestRetryBatch(ReminderCommon):
    """The helper itself, in a real run's mode (``auto_commit``): the transaction is rolled back and the batch run
    again on a new snapshot; a cursor of a test cannot roll back for real, hence a stand-in environment."""

    def test_concurrency_error_rolls_back_and_runs_again(self):
        env = MagicMock()
        results = [SerializationFailure("concurrent update"), 7]

        def func():
            result = results.pop(0)
            if isinstance(result, Exception):
                raise result
            return result

        with patch.object(tools.time, "sleep") as sleep, self.assertLogs(TOOLS_LOGGER, logging.INFO):
            self.assertEqual(tools.retry_batch(env, func, auto_commit=True), 7)
        env.cr.rollback.assert_called_once_with()
        env.cr.savepoint.assert_not_called()
        env.flush_all.assert_called_once_with()
        sleep.assert_called_once()
        self.assertLessEqual(sleep.call_args.args[0], 2.0, "random back-off, at most 2 s after the first try")

    def test_other_errors_are_not_retried(self):
        env = MagicMock()
        func = MagicMock(side_effect=OperationalError("server closed the connection"))
        with self.assertRaises(OperationalError):
            tools.retry_batch(env, func, auto_commit=True)
        func.assert_called_once_with()
        env.cr.rollback.assert_not_called()
