"""A user's subscription to a saved filter of the weekly report, mailed to him as a workbook."""

import logging
import threading
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..report.sales_admin_weekly_workbook import EXPORT_MIMETYPE

_logger = logging.getLogger(__name__)

REPORT_MODEL = "sales_admin.weekly.report"


class SalesAdminReportSubscription(models.Model):
    """The workbook is built with the subscriber's rights (``with_user``), so nobody receives figures they may not
    read, whatever the filter says. Daily: the current week up to yesterday; weekly: the last complete week;
    monthly: the previous calendar month."""

    _name = "sales_admin.report.subscription"
    _description = "Weekly Report Subscription"
    _order = "user_id, next_date, id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Subscriber",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        index=True,
        ondelete="cascade",
    )
    filter_id = fields.Many2one(
        "ir.filters",
        string="Saved Filter",
        required=True,
        ondelete="cascade",
        domain=[("model_id", "=", REPORT_MODEL)],
        help="A saved filter (favorite) of the weekly sales report: yours or a shared one.",
    )
    frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")], required=True, default="weekly"
    )
    next_date = fields.Date(
        string="Next Sending",
        compute="_compute_next_date",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    last_sent_date = fields.Datetime(string="Last Sent", readonly=True, copy=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    @api.depends("frequency")
    def _compute_next_date(self):
        tomorrow = fields.Date.context_today(self) + timedelta(days=1)
        for subscription in self:
            subscription.next_date = subscription._first_day_on_or_after(tomorrow)

    @api.depends("filter_id.name", "frequency")
    def _compute_display_name(self):
        labels = dict(self._fields["frequency"]._description_selection(self.env))
        for subscription in self:
            subscription.display_name = self.env._(
                "%(filter)s (%(frequency)s)",
                filter=subscription.filter_id.name or "",
                frequency=labels.get(subscription.frequency, ""),
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("filter_id", "user_id")
    def _check_filter_readable(self):
        """Only a filter of the weekly report that the subscriber may read: his own or a shared one."""
        for subscription in self:
            ir_filter = subscription.filter_id.sudo()
            user = subscription.user_id
            if user.share:
                raise ValidationError(self.env._("Only internal users can subscribe to the weekly sales report."))
            if ir_filter.model_id != REPORT_MODEL:
                raise ValidationError(
                    self.env._(
                        "The filter %(filter)s is not a filter of the weekly sales report.", filter=ir_filter.name
                    )
                )
            if ir_filter.user_id not in (user, self.env["res.users"]) or not ir_filter.with_user(user).has_access(
                "read"
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot read the filter %(filter)s: subscribe to your own filters or to shared ones.",
                        user=user.name,
                        filter=ir_filter.name,
                    )
                )
            try:
                domain = self.env["sales_admin.weekly.workbook"].with_user(user)._eval_filter_domain(ir_filter)
                self.env[REPORT_MODEL].with_user(user)._search(domain)
            except Exception as error:  # noqa: BLE001 -- whatever is wrong in it, the filter is refused
                raise ValidationError(
                    self.env._("The filter %(filter)s cannot be used: %(error)s", filter=ir_filter.name, error=error)
                ) from error

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _first_day_on_or_after(self, day):
        """Daily: ``day``; weekly: the company's first weekday; monthly: the first of a month."""
        self.ensure_one()
        if self.frequency == "weekly":
            week_start, _week_end = self.env[REPORT_MODEL]._week_bounds(self.company_id or self.env.company, day)
            return day if week_start == day else week_start + timedelta(days=7)
        if self.frequency == "monthly":
            return day if day.day == 1 else day + relativedelta(months=1, day=1)
        return day

    def _get_period(self, day):
        """(first day, last day) sent on ``day``."""
        self.ensure_one()
        yesterday = day - timedelta(days=1)
        if self.frequency == "monthly":
            last_day = day + relativedelta(day=1) - timedelta(days=1)
            return last_day + relativedelta(day=1), last_day
        company = self.company_id or self.env.company
        if self.frequency == "weekly":
            return self.env[REPORT_MODEL]._week_bounds(company, day - timedelta(days=7))
        return self.env[REPORT_MODEL]._week_bounds(company, yesterday)[0], yesterday

    def _send(self, day):
        """Queue the workbook of this subscription for ``day`` to its user. Built with the user's rights and
        language in the subscription's company; returns the mail.mail."""
        self.ensure_one()
        user = self.user_id
        date_from, date_to = self._get_period(day)
        company = self.company_id if self.company_id in user.company_ids else user.company_id
        workbook = (
            self.env["sales_admin.weekly.workbook"]
            .with_user(user)
            .with_company(company)
            .with_context(lang=user.lang, allowed_company_ids=company.ids)
        )
        domain = workbook._eval_filter_domain(self.filter_id)
        content = workbook._build_workbook(domain, date_from, date_to)
        filename = workbook._get_export_filename(date_from, date_to)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": content,
                    "mimetype": EXPORT_MIMETYPE,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        subject = workbook.env._(
            "%(filter)s: %(date_from)s - %(date_to)s",
            filter=self.filter_id.name,
            date_from=date_from,
            date_to=date_to,
        )
        body = workbook.env["ir.qweb"]._render(
            "sales_admin_addon.sales_admin_report_subscription_mail_body",
            {"subscription": self, "date_from": date_from, "date_to": date_to},
        )
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body,
                    "email_from": self.env.company.partner_id.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [Command.link(user.partner_id.id)],
                    "attachment_ids": [Command.link(attachment.id)],
                    "model": self._name,
                    "res_id": self.id,
                }
            )
        )

    @api.model
    def _cron_send_subscriptions(self, batch_size=50):
        """Send the subscriptions due today. Batches are taken FOR UPDATE SKIP LOCKED and committed one by one
        (outside tests); a subscription that fails is logged and left due, so the next run tries it again."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        subscriptions = self.sudo()
        remaining = subscriptions.search_count([("next_date", "<=", today)])
        seen_ids = [0]
        done = 0
        while True:
            subscriptions.flush_model(["active", "next_date"])
            ids = [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT id FROM sales_admin_report_subscription
                         WHERE active AND next_date <= %s AND id != ALL(%s)
                         ORDER BY id
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED
                        """,
                        today,
                        seen_ids,
                        batch_size,
                    )
                )
            ]
            if not ids:
                break
            seen_ids += ids
            for subscription in subscriptions.browse(ids):
                try:
                    with self.env.cr.savepoint():
                        subscription._send(today)
                        subscription.write(
                            {
                                "last_sent_date": fields.Datetime.now(),
                                "next_date": subscription._first_day_on_or_after(today + timedelta(days=1)),
                            }
                        )
                except Exception:  # noqa: BLE001 -- one subscription must not stop the others
                    _logger.warning("Report subscription %s could not be sent", subscription.id, exc_info=True)
            done += len(ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
