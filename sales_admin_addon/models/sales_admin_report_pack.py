"""The management pack: the weekly report mailed to management with its workbook and a PDF summary."""

import logging
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class SalesAdminReportPack(models.Model):
    """A management pack: on its weekday, the last complete weeks of the weekly report (optionally narrowed by a
    saved filter) are mailed to internal recipients, with an HTML summary, the XLSX workbook and a PDF. The figures
    are read with the rights of the pack's responsible, so a pack never shows more than its responsible may see.
    Each sending is a log line; a failed one is retried by the next daily run, up to ``_max_attempts`` times."""

    _name = "sales_admin.report.pack"
    _description = "Management Report Pack"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    _max_attempts = 3

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        help="The figures are read with this user's access rights.",
    )
    recipient_ids = fields.Many2many(
        "res.users",
        string="Recipients",
        domain=[("share", "=", False)],
        help="Internal users who receive the pack.",
    )
    weekday = fields.Selection(WEEKDAYS, required=True, default="0", tracking=True)
    week_count = fields.Integer(
        string="Weeks", default=1, required=True, help="Number of complete weeks before the sending day it covers."
    )
    filter_id = fields.Many2one(
        "ir.filters",
        domain=[("model_id", "=", "sales_admin.weekly.report"), ("user_id", "=", False)],
        help="A shared filter of the weekly report narrowing the figures of the pack.",
    )
    next_run_date = fields.Date(
        compute="_compute_next_run_date", store=True, readonly=False, precompute=True, required=True, tracking=True
    )
    log_ids = fields.One2many("sales_admin.report.pack.log", "pack_id", string="Send Log")
    log_count = fields.Integer(compute="_compute_log_count")
    failed_log_count = fields.Integer(compute="_compute_log_count")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("weekday")
    def _compute_next_run_date(self):
        today = fields.Date.context_today(self)
        for pack in self:
            pack.next_run_date = pack._next_weekday(today)

    def _compute_log_count(self):
        counts = {
            (pack.id, state): count
            for pack, state, count in self.env["sales_admin.report.pack.log"]._read_group(
                [("pack_id", "in", self.ids)], ["pack_id", "state"], ["__count"]
            )
        }
        for pack in self:
            pack.log_count = sum(count for (pack_id, _state), count in counts.items() if pack_id == pack.id)
            pack.failed_log_count = counts.get((pack.id, "failed"), 0)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("recipient_ids", "user_id")
    def _check_internal_users(self):
        for pack in self:
            outsiders = (pack.recipient_ids | pack.user_id).filtered("share")
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "The management pack %(pack)s goes to internal users only: %(users)s cannot receive it.",
                        pack=pack.name,
                        users=", ".join(outsiders.mapped("name")),
                    )
                )

    @api.constrains("week_count")
    def _check_week_count(self):
        if any(pack.week_count < 1 for pack in self):
            raise ValidationError(self.env._("A management pack covers at least one week."))

    @api.constrains("filter_id")
    def _check_filter(self):
        for pack in self.filtered("filter_id"):
            if pack.filter_id.model_id != "sales_admin.weekly.report" or pack.filter_id.user_id:
                raise ValidationError(
                    self.env._(
                        "The filter of a management pack must be a shared filter of the weekly sales report, "
                        "not %(filter)s.",
                        filter=pack.filter_id.name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send the pack of the last complete weeks at once; the schedule is left as it is."""
        self.ensure_one()
        log = self._create_logs(fields.Date.context_today(self))
        log._send()
        return True

    def action_open_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_admin_addon.sales_admin_report_pack_log_action")
        action["domain"] = [("pack_id", "=", self.id)]
        action["context"] = {"default_pack_id": self.id}
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _next_weekday(self, day):
        """The first day on or after ``day`` that falls on the pack's weekday."""
        self.ensure_one()
        return day + timedelta(days=(int(self.weekday or 0) - day.weekday()) % 7)

    def _get_period(self, day):
        """(first day, last day) of the ``week_count`` complete company weeks before ``day``."""
        self.ensure_one()
        week_start, week_end = self.env["sales_admin.weekly.report"]._week_bounds(self.company_id, day - timedelta(7))
        return week_start - timedelta(days=7 * (self.week_count - 1)), week_end

    def _get_domain(self):
        """The report domain of the pack: its company, narrowed by its filter."""
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.filter_id:
            workbook = self.env["sales_admin.weekly.workbook"].with_user(self.user_id)
            domain += workbook._eval_filter_domain(self.filter_id)
        return domain

    def _create_logs(self, day):
        """One pending log per pack for the period of ``day``."""
        vals_list = []
        for pack in self:
            date_from, date_to = pack._get_period(day)
            vals_list.append({"pack_id": pack.id, "date_from": date_from, "date_to": date_to})
        return self.env["sales_admin.report.pack.log"].sudo().create(vals_list)

    @api.model
    def _cron_send_packs(self):
        """Send the packs due today, then retry the failed sendings. One pack (one log) at a time: each is taken
        FOR UPDATE SKIP LOCKED and committed on its own (outside tests), so overlapping runs share the work and a
        pack that fails does not hold back the others."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        packs = self.sudo()
        logs = self.env["sales_admin.report.pack.log"].sudo()
        logs._sync_mail_failures()
        remaining = packs.search_count([("next_run_date", "<=", today)])
        seen_log_ids = [0]
        done = 0
        while True:
            packs.flush_model(["active", "next_run_date"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM sales_admin_report_pack
                     WHERE active AND next_run_date <= %s
                     ORDER BY next_run_date, id
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED
                    """,
                    today,
                )
            )
            if not rows:
                break
            pack = packs.browse(rows[0][0])
            log = pack._create_logs(pack.next_run_date)
            # a run missed for weeks sends the pack once, not once per missed week
            pack.next_run_date = pack._next_weekday(max(pack.next_run_date, today) + timedelta(days=1))
            log._send()
            seen_log_ids.append(log.id)
            done += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        # the sendings that failed on a previous run (up to the maximum attempts) or were left pending by a crash
        while True:
            logs.flush_model(["state", "attempts"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM sales_admin_report_pack_log
                     WHERE (state = 'pending' OR (state = 'failed' AND attempts < %s))
                       AND id != ALL(%s)
                     ORDER BY id
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED
                    """,
                    self._max_attempts,
                    seen_log_ids,
                )
            )
            if not rows:
                break
            log = logs.browse(rows[0][0])
            seen_log_ids.append(log.id)
            log._send()
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
