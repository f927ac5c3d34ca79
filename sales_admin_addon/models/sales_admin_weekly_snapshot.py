import logging
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..report.sales_admin_weekly_report import week_label

_logger = logging.getLogger(__name__)


class SalesAdminWeeklySnapshot(models.Model):
    """The weekly figures of one company week as they stood when the week was over: what management saw. Taken by
    the weekly cron, never rewritten; the live report shows them next to the live figures."""

    _name = "sales_admin.weekly.snapshot"
    _description = "Weekly Sales Snapshot"
    _order = "week_start desc, company_id"
    _rec_name = "week_label"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    week_start = fields.Date(required=True, readonly=True)
    week_end = fields.Date(required=True, readonly=True)
    week_label = fields.Char(string="Week", required=True, readonly=True)
    date_taken = fields.Datetime(string="Taken On", required=True, readonly=True)
    line_ids = fields.One2many("sales_admin.weekly.snapshot.line", "snapshot_id", string="Figures", readonly=True)
    ordered = fields.Monetary(compute="_compute_totals")
    invoiced = fields.Monetary(compute="_compute_totals")
    collected = fields.Monetary(compute="_compute_totals")
    target_ordered = fields.Monetary(string="Ordered Target", compute="_compute_totals")
    target_invoiced = fields.Monetary(string="Invoiced Target", compute="_compute_totals")
    target_collected = fields.Monetary(string="Collected Target", compute="_compute_totals")

    _sql_constraints = [
        ("company_week_uniq", "unique(company_id, week_start)", "A week of a company is frozen once."),
    ]

    @api.depends("line_ids")
    def _compute_totals(self):
        fnames = ["ordered", "invoiced", "collected", "target_ordered", "target_invoiced", "target_collected"]
        totals = {
            snapshot.id: values
            for snapshot, *values in self.env["sales_admin.weekly.snapshot.line"]._read_group(
                [("snapshot_id", "in", self.ids)], ["snapshot_id"], [f"{fname}:sum" for fname in fnames]
            )
        }
        for snapshot in self:
            values = totals.get(snapshot.id, [0.0] * len(fnames))
            for fname, value in zip(fnames, values, strict=True):
                snapshot[fname] = value or 0.0

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A weekly snapshot is the record of what was reported: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A weekly snapshot is the record of what was reported: it cannot be deleted."))

    def action_open_report(self):
        """The weekly report of this snapshot's week: live figures next to the frozen ones."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_admin_addon.sales_admin_weekly_report_action")
        action["domain"] = [("company_id", "=", self.company_id.id), ("week_start", "=", self.week_start)]
        action["context"] = {"pivot_measures": ["ordered", "snapshot_ordered", "invoiced", "snapshot_invoiced"]}
        return action

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _weeks_due(self, company, today):
        """The completed weeks of ``company`` not frozen yet: from the week after its latest snapshot (the last
        completed week when it has none) up to the last completed week."""
        report = self.env["sales_admin.weekly.report"]
        last_start, __ = report._week_bounds(company, today - timedelta(days=7))
        latest = self.sudo().search([("company_id", "=", company.id)], order="week_start desc", limit=1)
        start = last_start
        if latest:
            # the week after the latest frozen one (on the company's current grid, should its first weekday change)
            start = report._week_bounds(company, latest.week_end + timedelta(days=1))[0]
            if start <= latest.week_end:
                start += timedelta(days=7)
        weeks = []
        while start <= last_start:
            weeks.append(start)
            start += timedelta(days=7)
        return weeks

    @api.model
    def _take_snapshot(self, company, week_start):
        """Freeze one company week: the header (skipped when another run froze it meanwhile) and its lines, one
        per salesperson, team and category, in two statements. Return the snapshot or an empty recordset."""
        report = self.env["sales_admin.weekly.report"]
        week_end = week_start + timedelta(days=6)
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO sales_admin_weekly_snapshot
                       (company_id, week_start, week_end, week_label, date_taken, create_uid, create_date,
                        write_uid, write_date)
                VALUES (%(company)s, %(start)s, %(end)s, %(label)s, now() at time zone 'UTC', %(uid)s,
                        now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (company_id, week_start) DO NOTHING
             RETURNING id
                """,
                company=company.id,
                start=week_start,
                end=week_end,
                label=week_label(week_start),
                uid=self.env.uid,
            )
        )
        if not rows:
            return self.browse()
        snapshot_id = rows[0][0]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sales_admin_weekly_snapshot_line
                       (snapshot_id, company_id, week_start, user_id, team_id, categ_id, ordered, invoiced,
                        collected, target_ordered, target_invoiced, target_collected, create_uid, create_date,
                        write_uid, write_date)
                SELECT %(snapshot)s, r.company_id, r.week_start, r.user_id, r.team_id, r.categ_id,
                       COALESCE(SUM(r.ordered), 0), COALESCE(SUM(r.invoiced), 0), COALESCE(SUM(r.collected), 0),
                       COALESCE(SUM(r.target_ordered), 0), COALESCE(SUM(r.target_invoiced), 0),
                       COALESCE(SUM(r.target_collected), 0), %(uid)s, now() at time zone 'UTC', %(uid)s,
                       now() at time zone 'UTC'
                  FROM (%(report)s) r
                 WHERE r.company_id = %(company)s
                   AND r.week_start = %(start)s
                   AND r.source IN ('ordered', 'invoiced', 'collected', 'target')
              GROUP BY r.company_id, r.week_start, r.user_id, r.team_id, r.categ_id
                """,
                snapshot=snapshot_id,
                report=report._query(week_start, week_end),
                company=company.id,
                start=week_start,
                uid=self.env.uid,
            )
        )
        return self.browse(snapshot_id)

    @api.model
    def _cron_take_snapshots(self, today=None):
        """Freeze every completed week not frozen yet, company by company, one commit per week (outside tests):
        a run killed midway is resumed by the next; two overlapping runs freeze a week once (unique key)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = today or fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        todo = [(company, week) for company in companies for week in self._weeks_due(company, today)]
        taken = self.browse()
        for done, (company, week) in enumerate(todo, start=1):
            taken |= self.sudo()._take_snapshot(company, week)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Weekly snapshots: %d week(s) frozen", len(taken))
        return taken
