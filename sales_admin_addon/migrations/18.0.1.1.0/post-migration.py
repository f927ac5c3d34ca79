"""18.0.1.1.0: the salespeople's rule on tickets reads the stored customer's salesperson (``partner_user_id``)
instead of joining the partners. The rule is ``noupdate``: rewrite it when it still holds the shipped domain (a
domain changed by the administrator is left as it is)."""

from odoo import SUPERUSER_ID, api

OLD_DOMAIN = "['|', '|', ('partner_id.user_id', '=', user.id), ('user_id', '=', user.id), ('create_uid', '=', user.id)]"
NEW_DOMAIN = "['|', '|', ('partner_user_id', '=', user.id), ('user_id', '=', user.id), ('create_uid', '=', user.id)]"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("sales_admin_addon.sales_admin_ticket_rule_salesman", raise_if_not_found=False)
    if rule and rule.domain_force == OLD_DOMAIN:
        rule.domain_force = NEW_DOMAIN
