from odoo import models
from odoo.tools.sql import create_index


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    def init(self):
        res = super().init()
        # the mailings of one partner (partner form, campaign attribution of quotations) are found from the partner
        # and its mailing contacts to their traces: core indexes the traces by mailing only
        create_index(self.env.cr, "mailing_trace_sales_admin_res_index", self._table, ["res_id", "model"])
        return res
