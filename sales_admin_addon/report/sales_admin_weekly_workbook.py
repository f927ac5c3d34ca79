"""The weekly report as an XLSX workbook: summary, then one sheet per salesperson, team, category and customer.

The workbook is streamed: xlsxwriter runs in ``constant_memory`` mode (each row goes to a temporary file as soon as
the next one starts, so rows are written in order and the sheet is never held in memory), and the groups are read
with ``_read_group`` in pages of ``_page_size`` groups, in the caller's environment so that the record rules of the
user apply (a salesperson's workbook holds his own figures only).

The summary and the sheets by salesperson, team and category read ``sales_admin.weekly.report`` (actual figures,
targets, last year; the snapshot rows are left out); the sheet by customer reads
``sales_admin.weekly.customer.report``, the same actual figures at customer grain (targets are not set per
customer, so that sheet has the actual figures only). The detail sheets have one row per group and week (company,
group, week, week start, the measures), ordered by group then week: a pivot of the same groups in a spreadsheet is
one click away, the other way round is not.
"""

import io
from datetime import timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval
from odoo.tools.safe_eval import time as safe_time

ACTUALS = ("ordered", "invoiced", "collected")
REPORT = "sales_admin.weekly.report"
CUSTOMER_REPORT = "sales_admin.weekly.customer.report"
EXPORT_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOMAIN_OPERATORS = ("&", "|", "!")


def _is_domain(domain):
    """Whether ``domain`` (sent by the browser) has the shape of a domain: a list of operators and 3-item leaves
    whose field path is text (the ORM checks the rest, with its own message)."""
    if not domain:
        return domain is None or isinstance(domain, (list, tuple))
    return isinstance(domain, (list, tuple)) and all(
        item in DOMAIN_OPERATORS
        if isinstance(item, str)
        else isinstance(item, (list, tuple))
        and len(item) == 3
        and (isinstance(item[0], str) or tuple(item) in (expression.TRUE_LEAF, expression.FALSE_LEAF))
        for item in domain
    )


class SalesAdminWeeklyWorkbook(models.AbstractModel):
    _name = "sales_admin.weekly.workbook"
    _description = "Weekly Sales Report Workbook"

    _page_size = 20000  # groups read per _read_group (bounds the memory of a sheet, not its length)

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _get_measure_labels(self):
        return {
            "ordered": self.env._("Ordered"),
            "invoiced": self.env._("Invoiced"),
            "collected": self.env._("Collected"),
        }

    def _get_detail_sheets(self):
        """(sheet title, report model, group-by field, column title) of each detail sheet, in order."""
        return [
            (self.env._("By Salesperson"), REPORT, "user_id", self.env._("Salesperson")),
            (self.env._("By Team"), REPORT, "team_id", self.env._("Sales Team")),
            (self.env._("By Category"), REPORT, "categ_id", self.env._("Product Category")),
            (self.env._("By Customer"), CUSTOMER_REPORT, "partner_id", self.env._("Customer")),
        ]

    def _get_aggregates(self, model_name):
        """Sums read per group: actual, target and last year of each measure (actual only at customer grain);
        variance and attainment are derived from them (attainment is a ratio of sums, never a sum of ratios)."""
        if model_name == CUSTOMER_REPORT:
            return [f"{measure}:sum" for measure in ACTUALS]
        return [
            f"{prefix}{measure}{suffix}:sum"
            for prefix, suffix in (("", ""), ("target_", ""), ("", "_last_year"))
            for measure in ACTUALS
        ]

    def _get_model_domain(self, model_name, domain):
        """``domain`` (a search of the weekly report) for ``model_name``: the weekly report without its frozen
        snapshot rows; the customer report follows the conditions on the fields it shares with the weekly report
        (company, week, salesperson, team, category), the others (targets, source...) do not apply to it."""
        domain = list(domain or [])
        if model_name == REPORT:
            return expression.AND([domain, [("source", "!=", "snapshot")]])
        fields_ = self.env[model_name]._fields
        return [
            expression.TRUE_LEAF
            if expression.is_leaf(leaf) and leaf[0] not in (0, 1) and str(leaf[0]).split(".")[0] not in fields_
            else leaf
            for leaf in expression.normalize_domain(domain)
        ]

    def _get_period_domain(self, date_from, date_to):
        """The weeks of [date_from, date_to]: a week belongs to the period that holds its fourth day, as an ISO
        week belongs to the year of its Thursday. A period made of whole weeks gets exactly those weeks, and a
        week that straddles two months is counted in one of them only."""
        domain = []
        if date_from:
            domain.append(("week_start", ">=", fields.Date.to_date(date_from) - timedelta(days=3)))
        if date_to:
            domain.append(("week_start", "<=", fields.Date.to_date(date_to) - timedelta(days=3)))
        return domain

    @api.model
    def _eval_filter_domain(self, ir_filter):
        """The domain of a saved filter of the weekly report for the environment's user, evaluated as the web client
        does (``uid``, ``context_today()``, ``relativedelta``): a favorite saved from "My Figures" or "Last 13
        Weeks" follows its user and the day it is sent."""
        today = fields.Date.context_today(self)
        return safe_eval(
            ir_filter.sudo().domain or "[]",
            {
                "uid": self.env.uid,
                "user": self.env.user,
                "context_today": lambda: today,
                "relativedelta": dateutil.relativedelta.relativedelta,
                "datetime": safe_datetime,
                "time": safe_time,
            },
        )

    # ------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------

    @api.model
    def _read_group_pages(self, model_name, domain, groupby, order=None):
        """Yield the groups of a report model in pages of ``_page_size``, as lists of (groupby values...,
        sums...) tuples: a sheet of any length holds one page in memory at a time."""
        report = self.env[model_name]
        domain = self._get_model_domain(model_name, domain)
        aggregates = self._get_aggregates(model_name)
        offset = 0
        while True:
            rows = report._read_group(domain, groupby, aggregates, order=order, offset=offset, limit=self._page_size)
            if rows:
                yield rows
            if len(rows) < self._page_size:
                return
            offset += self._page_size

    @api.model
    def _read_groups(self, model_name, domain, groupby, order=None):
        for rows in self._read_group_pages(model_name, domain, groupby, order=order):
            yield from rows

    @api.model
    def _get_group_labels(self, records):
        """{id: label} of the groups of a page. The stored ``complete_name`` when the model has one (customers,
        categories): one query for the page and that column only, where ``display_name`` would load and compute
        every field of 100k customers."""
        field = records._fields.get("complete_name")
        if field is not None and field.store:
            records.fetch(["complete_name"])
            return {record.id: record.complete_name for record in records}
        return {record.id: record.display_name for record in records}

    @staticmethod
    def _figures(sums):
        """Actual, target, variance, attainment (a fraction, None without target) and last year of each measure
        from the sums of ``_get_aggregates`` (the actual ones only: no target, no last year)."""
        sums = list(sums) + [0.0] * (9 - len(sums))
        figures = {}
        for index, measure in enumerate(ACTUALS):
            actual = sums[index] or 0.0
            target = sums[3 + index] or 0.0
            figures[measure] = {
                "actual": actual,
                "target": target,
                "variance": actual - target,
                "attainment": actual / target if target else None,
                "last_year": sums[6 + index] or 0.0,
            }
        return figures

    @api.model
    def _get_summary(self, domain, date_from=None, date_to=None):
        """Totals per company of the report lines matching ``domain`` in the period: a list of
        ``{"company": ..., "currency": ..., "figures": {measure: {actual, target, variance, attainment,
        last_year}}}``, read with the caller's rights. Used by the workbook, the pack's PDF and its e-mail."""
        full_domain = list(domain or []) + self._get_period_domain(date_from, date_to)
        return [
            {"company": company, "currency": company.currency_id, "figures": self._figures(sums)}
            for company, *sums in self._read_groups(REPORT, full_domain, ["company_id"], order="company_id")
        ]

    # ------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------

    @api.model
    def _build_workbook(self, domain, date_from=None, date_to=None, output=None):
        """Write the workbook of the weekly report lines matching ``domain`` in [date_from, date_to] (both
        optional) into ``output`` (a binary file object), or return it as bytes when no ``output`` is given."""
        stream = output if output is not None else io.BytesIO()
        workbook = xlsxwriter.Workbook(stream, {"constant_memory": True, "remove_timezone": True})
        try:
            styles = _Styles(workbook)
            full_domain = list(domain or []) + self._get_period_domain(date_from, date_to)
            self._write_summary(workbook, styles, full_domain, date_from, date_to)
            for title, model_name, field_name, column in self._get_detail_sheets():
                self._write_detail_sheet(workbook, styles, full_domain, title, model_name, field_name, column)
        finally:
            workbook.close()
        if output is None:
            return stream.getvalue()
        return None

    def _measure_columns(self, model_name=REPORT):
        labels = self._get_measure_labels()
        columns = [(measure, "actual", labels[measure]) for measure in ACTUALS]
        if model_name == CUSTOMER_REPORT:
            return columns
        columns += [
            (measure, "target", self.env._("Target %(measure)s", measure=labels[measure])) for measure in ACTUALS
        ]
        columns += [
            (measure, "variance", self.env._("Variance %(measure)s", measure=labels[measure])) for measure in ACTUALS
        ]
        columns += [
            (measure, "attainment", self.env._("Attainment %(measure)s (%%)", measure=labels[measure]))
            for measure in ACTUALS
        ]
        columns += [
            (measure, "last_year", self.env._("%(measure)s Last Year", measure=labels[measure])) for measure in ACTUALS
        ]
        return columns

    def _write_summary(self, workbook, styles, domain, date_from, date_to):
        sheet = workbook.add_worksheet(self.env._("Summary"))
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 2, 14)
        sheet.set_column(3, 7, 16)
        sheet.set_column(6, 6, 16, styles.percent)
        if not (date_from and date_to):
            # the export of the report's current search: the period is the weeks it holds
            [(first_week, last_week)] = self.env[REPORT]._read_group(
                self._get_model_domain(REPORT, domain), [], ["week_start:min", "week_start:max"]
            )
            date_from = date_from or first_week
            date_to = date_to or (last_week and last_week + timedelta(days=6))
        sheet.write_string(0, 0, self.env._("Weekly Sales Report"), styles.title)
        sheet.write_string(1, 0, self.env._("Period"), styles.bold)
        if date_from:
            sheet.write_datetime(1, 1, fields.Date.to_date(date_from), styles.date)
        if date_to:
            sheet.write_datetime(1, 2, fields.Date.to_date(date_to), styles.date)
        headers = [
            self.env._("Company"),
            self.env._("Currency"),
            self.env._("Measure"),
            self.env._("Actual"),
            self.env._("Target"),
            self.env._("Variance"),
            self.env._("Attainment (%)"),
            self.env._("Last Year"),
        ]
        header_row = 3
        for col, header in enumerate(headers):
            sheet.write_string(header_row, col, header, styles.header)
        sheet.freeze_panes(header_row + 1, 0)
        labels = self._get_measure_labels()
        row = header_row + 1
        for company, *sums in self._read_groups(REPORT, domain, ["company_id"], order="company_id"):
            money = styles.money(company.currency_id)
            for measure, figures in self._figures(sums).items():
                sheet.write_string(row, 0, company.name)
                sheet.write_string(row, 1, company.currency_id.name)
                sheet.write_string(row, 2, labels[measure])
                sheet.write_number(row, 3, figures["actual"], money)
                sheet.write_number(row, 4, figures["target"], money)
                sheet.write_number(row, 5, figures["variance"], money)
                self._write_attainment(sheet, row, 6, figures["attainment"], styles)
                sheet.write_number(row, 7, figures["last_year"], money)
                row += 1

    def _write_detail_sheet(self, workbook, styles, domain, title, model_name, field_name, column):
        sheet = workbook.add_worksheet(title)
        measure_columns = self._measure_columns(model_name)
        headers = [self.env._("Company"), column, self.env._("Week"), self.env._("Week Start")]
        headers += [label for _measure, _kind, label in measure_columns]
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 3, 12)
        sheet.set_column(4, len(headers) - 1, 16)
        attainment_cols = [col for col, (_m, kind, _l) in enumerate(measure_columns, start=4) if kind == "attainment"]
        if attainment_cols:
            sheet.set_column(attainment_cols[0], attainment_cols[-1], 16, styles.percent)
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, styles.header)
        sheet.freeze_panes(1, 2)
        undefined = self.env._("None")
        groupby = ["company_id", field_name, "week_start:day", "week_label"]
        order = f"company_id, {field_name}, week_start:day"
        comodel = self.env[model_name]._fields[field_name].comodel_name
        row = 1
        for rows in self._read_group_pages(model_name, domain, groupby, order=order):
            groups = self.env[comodel].browse({group.id for _company, group, *_rest in rows} - {False})
            labels = self._get_group_labels(groups)
            for company, group, week_start, week_label, *sums in rows:
                money = styles.money(company.currency_id)
                sheet.write_string(row, 0, company.name)
                sheet.write_string(row, 1, labels.get(group.id) or undefined)
                sheet.write_string(row, 2, week_label or "")
                if week_start:
                    sheet.write_datetime(row, 3, week_start, styles.date)
                figures = self._figures(sums)
                for col, (measure, kind, _label) in enumerate(measure_columns, start=4):
                    value = figures[measure][kind]
                    if kind == "attainment":
                        self._write_attainment(sheet, row, col, value, styles)
                    else:
                        sheet.write_number(row, col, value, money)
                row += 1
            # the page's names are written: drop them from the cache, the next page brings its own
            groups.invalidate_recordset()
        sheet.autofilter(0, 0, max(row - 1, 0), len(headers) - 1)

    @staticmethod
    def _write_attainment(sheet, row, col, value, styles):
        """A fraction shown in percent; no cell at all without a target (the column carries the format)."""
        if value is not None:
            sheet.write_number(row, col, value, styles.percent)

    # ------------------------------------------------------------
    # Export into an attachment (for RPC clients; the button of the report's pivot and list views downloads from
    # the read-only route of controllers/weekly_report.py, which stores nothing and is served by the replica)
    # ------------------------------------------------------------

    @api.model
    def action_export_xlsx(self, domain=None):
        """Build the workbook of ``domain`` (a search of the report) with the user's rights and hand it over through
        a private attachment (readable by its creator only, deleted by the daily vacuum). It writes: the primary
        serves it."""
        if not _is_domain(domain):
            raise UserError(self.env._("The search to export is not valid: export the report from its view."))
        content = self._build_workbook(domain or [])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._get_export_filename(),
                "raw": content,
                "mimetype": EXPORT_MIMETYPE,
                "res_model": self._name,
                "res_id": False,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    @api.model
    def _get_export_filename(self, date_from=None, date_to=None):
        if date_from and date_to:
            return self.env._(
                "Weekly Sales Report %(date_from)s - %(date_to)s.xlsx", date_from=date_from, date_to=date_to
            )
        return self.env._("Weekly Sales Report %(date)s.xlsx", date=fields.Date.context_today(self))

    @api.autovacuum
    def _gc_exports(self):
        """Exports are downloaded at once: those older than a day are removed."""
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("create_date", "<", fields.Datetime.now() - timedelta(days=1)),
            ]
        ).unlink()


class _Styles:
    """The cell formats of one workbook; one money format per currency, made on first use."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.percent = workbook.add_format({"num_format": "0.0%"})
        self._money = {}

    def money(self, currency):
        if currency.id not in self._money:
            digits = "0" * (currency.decimal_places or 0)
            number = f"#,##0.{digits}" if digits else "#,##0"
            symbol = '"{}"'.format((currency.symbol or currency.name).replace('"', ""))
            num_format = f"{symbol} {number}" if currency.position == "before" else f"{number} {symbol}"
            self._money[currency.id] = self.workbook.add_format({"num_format": num_format})
        return self._money[currency.id]
