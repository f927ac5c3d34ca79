"""One sending of a management pack: its period, its state, its attempts, its mail and attachments."""

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..report.sales_admin_weekly_workbook import EXPORT_MIMETYPE

_logger = logging.getLogger(__name__)

PACK_REPORT = "sales_admin_addon.action_report_sales_admin_report_pack"
PACK_TEMPLATE = "sales_admin_addon.mail_template_sales_admin_report_pack"


class SalesAdminReportPackLog(models.Model):
    _name = "sales_admin.report.pack.log"
    _description = "Management Report Pack Sending"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    pack_id = fields.Many2one("sales_admin.report.pack", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="pack_id.company_id", store=True, index=True)
    name = fields.Char(compute="_compute_name")
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    sent_date = fields.Datetime(string="Sent On", readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    error_message = fields.Text(readonly=True)
    mail_id = fields.Many2one("mail.mail", string="E-mail", readonly=True, ondelete="set null")
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments", readonly=True)

    @api.depends("pack_id.name", "date_from", "date_to")
    def _compute_name(self):
        for log in self:
            log.name = self.env._(
                "%(pack)s, %(date_from)s - %(date_to)s",
                pack=log.pack_id.name or "",
                date_from=log.date_from or "",
                date_to=log.date_to or "",
            )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_summary(self):
        """The totals of the period, read with the rights of the pack's responsible (PDF and e-mail body)."""
        self.ensure_one()
        pack = self.pack_id
        workbook = self.env["sales_admin.weekly.workbook"].with_user(pack.user_id).with_company(pack.company_id)
        return workbook._get_summary(pack._get_domain(), self.date_from, self.date_to)

    def _get_measure_labels(self):
        return self.env["sales_admin.weekly.workbook"]._get_measure_labels()

    def _send(self):
        """Build the workbook and the PDF and queue one e-mail with both, per log. A failure (while building or
        queueing) is rolled back to the log's savepoint, recorded on the log with its error and posted on the pack:
        the next run retries it."""
        for log in self:
            log.attempts += 1
            try:
                with self.env.cr.savepoint():
                    mail, attachments = log._queue_mail()
            except Exception as error:  # noqa: BLE001 -- any failure of one pack is recorded, never fatal
                _logger.warning("Management pack sending %s failed: %s", log.id, error, exc_info=True)
                log.write({"state": "failed", "error_message": str(error) or repr(error)})
                log.pack_id.message_post(
                    body=self.env._(
                        "The pack of %(date_from)s - %(date_to)s could not be sent (attempt %(attempt)s): %(error)s",
                        date_from=log.date_from,
                        date_to=log.date_to,
                        attempt=log.attempts,
                        error=log.error_message,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            else:
                log.write(
                    {
                        "state": "sent",
                        "sent_date": fields.Datetime.now(),
                        "error_message": False,
                        "mail_id": mail.id,
                        "attachment_ids": [Command.set(attachments.ids)],
                    }
                )

    def _queue_mail(self):
        """Queue the e-mail of this log through Odoo's mail queue; return it and its attachments."""
        self.ensure_one()
        pack = self.pack_id
        if not pack.recipient_ids:
            raise UserError(self.env._("The management pack %(pack)s has no recipients.", pack=pack.name))
        attachments = self._render_attachments()
        template = self.env.ref(PACK_TEMPLATE)
        mail_id = template.send_mail(
            self.id,
            email_values={
                "recipient_ids": [Command.set(pack.recipient_ids.partner_id.ids)],
                "attachment_ids": [Command.set(attachments.ids)],
                "auto_delete": False,
            },
            email_layout_xmlid="mail.mail_notification_light",
        )
        return self.env["mail.mail"].sudo().browse(mail_id), attachments

    def _render_attachments(self):
        """The workbook (read with the responsible's rights, in his language) and the PDF summary."""
        self.ensure_one()
        pack = self.pack_id
        lang = pack.user_id.lang or self.env.lang
        workbook = (
            self.env["sales_admin.weekly.workbook"]
            .with_user(pack.user_id)
            .with_company(pack.company_id)
            .with_context(lang=lang)
        )
        xlsx = workbook._build_workbook(pack._get_domain(), self.date_from, self.date_to)
        report = self.env["ir.actions.report"].with_context(lang=lang)
        content, report_type = report._render_qweb_pdf(PACK_REPORT, res_ids=self.ids)
        basename = self.with_context(lang=lang).name.replace("/", "-")
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{basename}.xlsx",
                        "raw": xlsx,
                        "mimetype": EXPORT_MIMETYPE,
                        "res_model": self._name,
                        "res_id": self.id,
                    },
                    {
                        "name": f"{basename}.{report_type}",
                        "raw": content,
                        "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                        "res_model": self._name,
                        "res_id": self.id,
                    },
                ]
            )
        )

    def _sync_mail_failures(self):
        """A queued e-mail the mail queue could not deliver turns its log back to failed, to be retried."""
        max_attempts = self.env["sales_admin.report.pack"]._max_attempts
        bounced = self.search(
            [("state", "=", "sent"), ("mail_id.state", "=", "exception"), ("attempts", "<", max_attempts)]
        )
        for log in bounced:
            log.write(
                {
                    "state": "failed",
                    "error_message": log.mail_id.failure_reason or self.env._("The e-mail could not be delivered."),
                }
            )
            log.pack_id.message_post(
                body=self.env._(
                    "The e-mail of %(date_from)s - %(date_to)s could not be delivered: %(error)s",
                    date_from=log.date_from,
                    date_to=log.date_to,
                    error=log.error_message,
                ),
                subtype_xmlid="mail.mt_note",
            )
