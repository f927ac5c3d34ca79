"""Sales targets per salesperson / team / category and period, phased into weeks."""

from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

AMOUNT_FIELDS = ("target_ordered", "target_invoiced", "target_collected")
LINE_TRIGGERS = {"date_from", "date_to", "period_type", "phasing", "company_id", *AMOUNT_FIELDS}


def period_end(date_from, period_type, week_start=0):
    """Last day of the calendar period of ``period_type`` containing ``date_from``.

    ``week_start`` is the company's first weekday (0 = Monday ... 6 = Sunday).
    """
    if period_type == "week":
        start = date_from - timedelta(days=(date_from.weekday() - week_start) % 7)
        return start + timedelta(days=6)
    if period_type == "month":
        return date_from + relativedelta(day=31)
    if period_type == "quarter":
        last_month = ((date_from.month - 1) // 3) * 3 + 3
        return date_from + relativedelta(month=last_month, day=31)
    return date_from + relativedelta(month=12, day=31)


class SalesAdminTarget(models.Model):
    """A sales target.

    The user picks the period type and the start date; ``date_to`` is computed as
    the end of that calendar period (end of week / month / quarter / year) but stays
    editable for irregular periods. Weeks follow the *company's* convention (the
    ``week_start`` of the language of the company's partner, Monday when unset) and
    not the user's, so the weekly lines of every user of a company line up with the
    weekly report that joins them on ``(company_id, week_start)``.
    """

    _name = "sales_admin.target"
    _description = "Sales Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", check_company=True, index=True, tracking=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True, index=True, tracking=True)
    categ_id = fields.Many2one("product.category", string="Product Category", tracking=True)
    period_type = fields.Selection(
        [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
        tracking=True,
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(
        compute="_compute_date_to", store=True, precompute=True, readonly=False, required=True, tracking=True
    )
    phasing = fields.Selection(
        [("working_days", "By Working Days"), ("even", "Evenly per Calendar Day")],
        required=True,
        default="working_days",
        help="How the target is split into weeks: by the working days of the company's working schedule "
        "(public holidays excluded) or evenly per calendar day.",
    )
    target_ordered = fields.Monetary(string="Ordered Target", tracking=True)
    target_invoiced = fields.Monetary(string="Invoiced Target", tracking=True)
    target_collected = fields.Monetary(string="Collected Target", tracking=True)
    active = fields.Boolean(default=True)
    line_ids = fields.One2many("sales_admin.target.line", "target_id", string="Weekly Phasing")

    @api.depends("user_id", "team_id", "period_type", "date_from")
    def _compute_name(self):
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            target.name = f"{who} — {target._period_label()}" if target.date_from else who

    def _period_label(self):
        self.ensure_one()
        date = self.date_from
        if self.period_type == "week":
            iso = date.isocalendar()
            return f"{iso[0]}-W{iso[1]:02d}"
        if self.period_type == "month":
            return f"{date.year}-{date.month:02d}"
        if self.period_type == "quarter":
            return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
        return str(date.year)

    def _week_start(self):
        """The company's first weekday (0 = Monday), from its partner's language."""
        self.ensure_one()
        lang_code = self.company_id.partner_id.lang or "en_US"
        lang = self.env["res.lang"]._get_data(code=lang_code)
        return (int(lang.week_start) - 1) % 7 if lang and lang.week_start else 0

    @api.depends("period_type", "date_from", "company_id")
    def _compute_date_to(self):
        for target in self:
            if target.date_from and target.period_type:
                target.date_to = period_end(target.date_from, target.period_type, target._week_start())

    # ------------------------------------------------------------------ constraints
    @api.constrains("date_from", "date_to", "user_id", "team_id", *AMOUNT_FIELDS)
    def _check_values(self):
        for target in self:
            if target.date_to < target.date_from:
                raise ValidationError(self.env._("The end date of target %s is before its start date.", target.name))
            if any(target[f] < 0 for f in AMOUNT_FIELDS):
                raise ValidationError(self.env._("Target %s has a negative amount.", target.name))
            if not any(target[f] for f in AMOUNT_FIELDS):
                raise ValidationError(self.env._("Target %s has no amount: set at least one.", target.name))
            if not target.user_id and not target.team_id:
                raise ValidationError(self.env._("A target needs a salesperson or a sales team."))

    @api.constrains("date_from", "date_to", "user_id", "team_id", "categ_id", "company_id", "active")
    def _check_overlap(self):
        self.env["sales_admin.target"]._raise_overlap(self.filtered("active"))

    @api.model
    def _raise_overlap(self, targets, extra=()):
        """Refuse intersecting active targets of the same dimensions (one query).

        ``extra`` is a list of value dicts not yet written (the copy wizard's).
        """
        items = [
            (t.id, t.company_id.id, t.user_id.id, t.team_id.id, t.categ_id.id, t.date_from, t.date_to, t.name)
            for t in targets
        ]
        items += [
            (None, v["company_id"], v["user_id"], v["team_id"], v["categ_id"], v["date_from"], v["date_to"], v["name"])
            for v in extra
        ]
        if not items:
            return
        others = (
            self.with_context(active_test=True)
            .sudo()
            .search(
                [
                    ("company_id", "in", list({i[1] for i in items})),
                    ("date_from", "<=", max(i[6] for i in items)),
                    ("date_to", ">=", min(i[5] for i in items)),
                ]
            )
        )
        existing = [
            (o.id, o.company_id.id, o.user_id.id, o.team_id.id, o.categ_id.id, o.date_from, o.date_to, o.name)
            for o in others
        ]
        pool = existing + [i for i in items if i[0] is None]
        for item in items:
            for other in pool:
                if other is item or (item[0] and other[0] == item[0]):
                    continue
                if other[1:5] == item[1:5] and other[5] <= item[6] and other[6] >= item[5]:
                    raise ValidationError(
                        self.env._(
                            "Target %(target)s overlaps target %(other)s (same salesperson, team and category).",
                            target=item[7],
                            other=other[7],
                        )
                    )

    # ------------------------------------------------------------------ lines
    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets._generate_lines()
        return targets

    def write(self, vals):
        res = super().write(vals)
        if LINE_TRIGGERS & set(vals):
            self._generate_lines()
        return res

    def _working_weekdays_and_holidays(self, date_from, date_to):
        """Per company calendar: the set of working weekdays and the set of public holidays."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return set(range(5)), set()
        weekdays = {int(a.dayofweek) for a in calendar.attendance_ids if not a.display_type}
        holidays = set()
        tz = pytz.timezone(calendar.tz or "UTC")
        for leave in calendar.global_leave_ids:
            # leaves are stored in UTC: a holiday is a day in the calendar's time zone
            first = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            day = max(first, date_from)
            while day <= min(last, date_to):
                holidays.add(day)
                day += timedelta(days=1)
        return weekdays, holidays

    def _phase(self):
        """Return the week buckets of the target: list of (week_start, week_end, weight)."""
        self.ensure_one()
        week_start = self._week_start()
        weekdays, holidays = set(), set()
        if self.phasing == "working_days":
            weekdays, holidays = self._working_weekdays_and_holidays(self.date_from, self.date_to)
        buckets = {}
        day = self.date_from
        while day <= self.date_to:
            start = day - timedelta(days=(day.weekday() - week_start) % 7)
            cal, work = buckets.get(start, (0, 0))
            is_work = day.weekday() in weekdays and day not in holidays
            buckets[start] = (cal + 1, work + (1 if is_work else 0))
            day += timedelta(days=1)
        use_work = self.phasing == "working_days" and any(w for __, w in buckets.values())
        return [(start, start + timedelta(days=6), w if use_work else c) for start, (c, w) in sorted(buckets.items())]

    def _generate_lines(self):
        """Regenerate the weekly lines of all targets: one unlink, one batch create."""
        self.line_ids.sudo().unlink()
        vals_list = []
        for target in self:
            weeks = target._phase()
            total = sum(w for __, __, w in weeks) or 1
            shares = [w / total for __, __, w in weeks]
            amounts = {}
            for fname in AMOUNT_FIELDS:
                amount = target[fname]
                parts = [target.currency_id.round(amount * s) for s in shares]
                parts[-1] = target.currency_id.round(amount - sum(parts[:-1]))
                amounts[fname] = parts
            for index, (start, end, __) in enumerate(weeks):
                vals_list.append(
                    {
                        "target_id": target.id,
                        "week_start": start,
                        "week_end": end,
                        "share": shares[index],
                        **{fname: amounts[fname][index] for fname in AMOUNT_FIELDS},
                    }
                )
        self.env["sales_admin.target.line"].sudo().create(vals_list)

    def _next_period_start(self):
        """First day of the next period of the same type (the day after the current calendar period)."""
        self.ensure_one()
        return period_end(self.date_from, self.period_type, self._week_start()) + timedelta(days=1)

    def action_copy_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.target.copy",
            "view_mode": "form",
            "target": "new",
            "context": {"default_target_ids": self.ids},
        }
