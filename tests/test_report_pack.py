"""Management packs: the daily cron queues one e-mail with the workbook and the PDF, logs it, retries failures."""

import io
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .test_weekly_workbook import WeeklyWorkbookCommon

MONDAY = date(2026, 11, 16)  # the pack covers the week before: the week of W2_DAY
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestReportPack(WeeklyWorkbookCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pack = cls.env["sales_admin.report.pack"].with_user(cls.report_manager)
        with freeze_time(date(2026, 11, 13)):
            cls.pack = cls.Pack.create(
                {
                    "name": "Zarząd co tydzień",
                    "recipient_ids": [(6, 0, (cls.report_manager | cls.sales_admin_user).ids)],
                }
            )

    def _cron(self, day):
        with freeze_time(day):
            self.env["sales_admin.report.pack"].with_context(force_report_rendering=True)._cron_send_packs()

    def test_schedule_defaults(self):
        self.assertEqual(self.pack.weekday, "0")
        self.assertEqual(self.pack.user_id, self.report_manager)
        self.assertEqual(self.pack.next_run_date, MONDAY)

    def test_cron_queues_one_mail_with_both_attachments(self):
        self._cron(date(2026, 11, 15))  # not due yet
        self.assertFalse(self.pack.log_ids)
        self._cron(MONDAY)
        log = self.pack.log_ids
        self.assertEqual(len(log), 1)
        self.assertRecordValues(
            log, [{"state": "sent", "attempts": 1, "date_from": self.week2[0], "date_to": self.week2[1]}]
        )
        mail = log.mail_id
        self.assertEqual(mail.state, "outgoing")  # queued in Odoo's mail queue, not sent inline
        self.assertEqual(mail.recipient_ids, (self.report_manager | self.sales_admin_user).partner_id)
        self.assertEqual(sorted(mail.attachment_ids.mapped("mimetype")), ["application/pdf", XLSX])
        self.assertEqual(mail.attachment_ids, log.attachment_ids)
        pdf = mail.attachment_ids.filtered(lambda attachment: attachment.mimetype == "application/pdf")
        self.assertTrue(pdf.raw.startswith(b"%PDF"))
        xlsx = mail.attachment_ids.filtered(lambda attachment: attachment.mimetype == XLSX)
        summary = openpyxl.load_workbook(io.BytesIO(xlsx.raw))["Summary"]
        # week 2: ordered 50, invoiced 0, collected 120
        self.assertEqual([summary.cell(row, 4).value for row in (5, 6, 7)], [50.0, 0.0, 120.0])
        # the PDF's content (its HTML: Debian's wkhtmltopdf draws styled text as shapes)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_admin_addon.action_report_sales_admin_report_pack", log.ids)[0]
            .decode()
        )
        self.assertIn("Zarząd co tydzień", html)
        self.assertEqual(html.count("sales_admin_report_pack_row"), 3)
        # the HTML summary in the body
        self.assertIn("sales_admin_report_pack_row", mail.body_html)
        self.assertIn("Zarząd co tydzień", mail.subject)
        # next Monday; a second run the same day sends nothing more
        self.assertEqual(self.pack.next_run_date, date(2026, 11, 23))
        self._cron(MONDAY)
        self.assertEqual(len(self.pack.log_ids), 1)

    def test_failure_logged_visible_and_retried(self):
        with patch.object(
            type(self.env["sales_admin.weekly.workbook"]), "_build_workbook", side_effect=RuntimeError("disk full")
        ):
            self._cron(MONDAY)
        log = self.pack.log_ids
        self.assertRecordValues(log, [{"state": "failed", "attempts": 1, "mail_id": False}])
        self.assertIn("disk full", log.error_message)
        self.assertFalse(log.attachment_ids)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", log._name), ("res_id", "=", log.id)]))
        # visible: on the pack's chatter, its counter and the "Failures" filters
        self.assertIn("disk full", self.pack.message_ids[0].body)
        self.assertEqual(self.pack.failed_log_count, 1)
        self.assertEqual(self.Pack.search([("log_ids.state", "=", "failed")]), self.pack)
        self.assertEqual(
            self.env["sales_admin.report.pack.log"].with_user(self.report_manager).search([("state", "=", "failed")]),
            log,
        )
        # the next run retries the same sending, which now goes
        self._cron(date(2026, 11, 17))
        self.assertEqual(self.pack.log_ids, log)
        self.assertRecordValues(log, [{"state": "sent", "attempts": 2, "error_message": False}])
        self.assertTrue(log.mail_id)

    def test_undelivered_mail_sent_again(self):
        self._cron(MONDAY)
        log = self.pack.log_ids
        first_mail = log.mail_id.sudo()
        first_mail.write({"state": "exception", "failure_reason": "550 mailbox unavailable"})
        self._cron(date(2026, 11, 17))
        self.assertIn("550 mailbox unavailable", self.pack.message_ids[0].body)
        self.assertRecordValues(log, [{"state": "sent", "attempts": 2}])
        self.assertNotEqual(log.mail_id, first_mail)
        self.assertEqual(log.mail_id.state, "outgoing")

    def test_retried_three_times_at_most(self):
        self.pack.recipient_ids = False  # cannot be sent
        for day in (16, 17, 18, 19, 20):
            self._cron(date(2026, 11, day))
        log = self.pack.log_ids
        self.assertRecordValues(log, [{"state": "failed", "attempts": 3}])
        self.assertIn("no recipients", log.error_message)

    def test_send_now(self):
        with freeze_time(date(2026, 11, 13)):
            self.pack.with_context(force_report_rendering=True).action_send_now()
        log = self.pack.log_ids
        self.assertRecordValues(
            log, [{"state": "sent", "date_from": self.week1[0], "date_to": self.week1[1], "attempts": 1}]
        )
        self.assertEqual(len(log.mail_id.attachment_ids), 2)
        self.assertEqual(self.pack.next_run_date, MONDAY)  # the schedule stands

    def test_recipients_internal_only(self):
        with self.assertRaises(ValidationError):
            self.Pack.create({"name": "Portal", "recipient_ids": [(6, 0, self.portal_user.ids)]})
        with self.assertRaises(ValidationError):
            self.pack.recipient_ids = [(4, self.portal_user.id)]
        self.assertEqual(self.pack.recipient_ids, self.report_manager | self.sales_admin_user)
        self.assertFalse(self.Pack.search([("name", "=", "Portal")]))

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["sales_admin.report.pack"].with_user(self.anna).search([])
        with self.assertRaises(AccessError):
            self.pack.with_user(self.sales_admin_user).action_send_now()
