from odoo import fields, models


class SalesAdminVisitOutcome(models.Model):
    _name = "sales_admin.visit.outcome"
    _description = "Visit Outcome"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_positive = fields.Boolean(string="Positive", help="Counts as a successful visit in the reports.")
