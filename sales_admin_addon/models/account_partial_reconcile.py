from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._refresh_sales_admin_collection_cases()
        return partials

    def unlink(self):
        # the customers are read before the partials go
        receivable_lines = self._get_sales_admin_receivable_lines()
        partners, companies = receivable_lines.partner_id, receivable_lines.company_id
        res = super().unlink()
        if partners:
            self.env["sales_admin.collection.case"]._refresh_collection_cases(partners, companies)
        return res

    def _get_sales_admin_receivable_lines(self):
        lines = (self.debit_move_id | self.credit_move_id).sudo()
        return lines.filtered(lambda line: line.partner_id and line.account_id.account_type == "asset_receivable")

    def _refresh_sales_admin_collection_cases(self):
        """A payment or a credit note matched with (or unmatched from) customer invoices changes what the
        customers owe: bring their collection cases up to date (figures, promises kept, cases closed)."""
        lines = self._get_sales_admin_receivable_lines()
        if lines:
            self.env["sales_admin.collection.case"]._refresh_collection_cases(lines.partner_id, lines.company_id)
