import json

from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import content_disposition, request

from ..report.sales_admin_weekly_workbook import EXPORT_MIMETYPE, REPORT


class SalesAdminWeeklyReport(http.Controller):
    @http.route(
        "/sales_admin/weekly_report/export.xlsx", type="http", auth="user", methods=["GET", "POST"], readonly=True
    )
    def export_weekly_report_xlsx(self, domain="[]", **kw):
        """The management workbook of the weekly report's search (``domain``, JSON), built with the user's rights and
        streamed to the browser. It only reads: Odoo serves it from the database replica when one is set
        (``db_replica_host``), and nothing is stored."""
        Report = request.env[REPORT]
        try:
            domain = json.loads(domain)
            if not isinstance(domain, list):
                raise ValueError(domain)
            Report._search(domain)  # an unknown field or operator is refused here, before any work
        except (ValueError, TypeError, KeyError) as error:
            raise BadRequest(request.env._("The export's search is not valid.")) from error
        Workbook = request.env["sales_admin.weekly.workbook"]
        content = Workbook._build_workbook(domain)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", EXPORT_MIMETYPE),
                ("Content-Disposition", content_disposition(Workbook._get_export_filename())),
                ("Content-Length", len(content)),
            ],
        )
