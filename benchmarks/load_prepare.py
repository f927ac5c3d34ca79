"""Prepare a copy of the benchmark database for ``load.py``: the people who work in it and the data they need.

Run by ``load.py`` on its own copy (never on ``sales_admin_bench`` itself); commits. Makes:

- ``--users`` users (default 50) in three roles, each with a password written to ``--credentials`` (a JSON file,
  mode 600): salespeople (60 %, Sales / own documents, members of the existing sales teams, each the salesperson
  of a share of the customers), Sales Administration users (24 %, the addon's User group and Inventory / User: they
  validate deliveries, process visit paperwork, log calls, solve requests) and billing users (the rest, Invoicing /
  Billing and Sales / all documents: they invoice delivered orders and register payments). The administrator is the
  operator who triggers the crons.
- a visit cadence (14, 30 or 60 days) for three customers in five, so the proposal cron has work;
- stock on hand for every storable product, so confirmed orders reserve and their deliveries can be validated;
- no SMS confirmation of deliveries (the company's one-time question answered "no": no SMS credits here);
- ``web.base.url`` on the first server (the reminder letters' PDF fetches its styles there);
- every scheduled action due before the end of the run moved to tomorrow, except the ticket SLA escalation (every 15
  minutes, part of the day): a run is a working day, the nightly jobs do not run in it; the outgoing mail queue
  waits too (no mail server here), so the reminders' e-mails stay queued.
"""

import json
import os
import secrets
from datetime import timedelta

from _common import environment, parse_args

from odoo import fields
from odoo.fields import Command

ROLES = ("sales", "admin", "billing")
GROUPS = {
    "sales": ["base.group_user", "sales_team.group_sale_salesman"],
    "admin": ["base.group_user", "sales_admin_addon.sales_admin_addon_group_user", "stock.group_stock_user"],
    "billing": ["base.group_user", "account.group_account_invoice", "sales_team.group_sale_salesman_all_leads"],
}
KEEP_CRONS = ("sales_admin_addon.ir_cron_sales_admin_ticket_sla_escalate",)
FREQUENCIES = (14, 30, 60)


def role_counts(users):
    sales = max(1, round(users * 0.6))
    admin = max(1, round(users * 0.24))
    billing = max(1, users - sales - admin)
    return {"sales": sales, "admin": admin, "billing": billing}


def add_arguments(parser):
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--credentials", required=True, help="JSON file written with the logins and passwords")
    parser.add_argument("--base-url", required=True, help="URL of the first server (web.base.url)")
    parser.add_argument("--hours", type=float, default=2.0, help="crons due within this many hours move to tomorrow")


def make_users(env, counts):
    company = env.company
    teams = env["crm.team"].search([("user_id", "!=", False), ("company_id", "in", [company.id, False])])
    users = {role: env["res.users"] for role in ROLES}
    credentials = []
    for role in ROLES:
        groups = [env.ref(xmlid).id for xmlid in GROUPS[role]]
        for number in range(1, counts[role] + 1):
            login = f"load_{role}_{number:02d}"
            password = secrets.token_urlsafe(12)
            user = (
                env["res.users"]
                .with_context(no_reset_password=True, mail_create_nosubscribe=True, tracking_disable=True)
                .create(
                    {
                        "name": f"Load {role.capitalize()} {number:02d}",
                        "login": login,
                        "email": f"{login}@load.example.com",
                        "password": password,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set(groups)],
                        "tz": "Europe/Warsaw",
                    }
                )
            )
            users[role] |= user
            credentials.append({"login": login, "password": password, "role": role, "uid": user.id})
    for index, user in enumerate(users["sales"]):
        if teams:
            teams[index % len(teams)].write({"member_ids": [Command.link(user.id)]})
    return users, credentials


def spread_customers(env, salespeople):
    customers = env["res.partner"].search(
        [("parent_id", "=", False), ("customer_rank", ">", 0), ("active", "=", True)], order="id"
    )
    by_user = {}
    by_frequency = {}
    for index, customer in enumerate(customers):
        by_user.setdefault(salespeople[index % len(salespeople)], []).append(customer.id)
        if index % 5 < 3:
            by_frequency.setdefault(FREQUENCIES[index % len(FREQUENCIES)], []).append(customer.id)
    partners = env["res.partner"].with_context(tracking_disable=True)
    for user, ids in by_user.items():
        partners.browse(ids).write({"user_id": user.id})
    for frequency, ids in by_frequency.items():
        partners.browse(ids).write({"visit_frequency": frequency})
    return len(customers), sum(len(ids) for ids in by_frequency.values())


def stock_up(env):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    products = env["product.product"].search([("is_storable", "=", True)])
    quants = env["stock.quant"].sudo()
    for product in products:
        quants._update_available_quantity(product, warehouse.lot_stock_id, 100000)
    return len(products)


def quiet_crons(env, hours):
    keep = {env.ref(xmlid).id for xmlid in KEEP_CRONS if env.ref(xmlid, raise_if_not_found=False)}
    limit = fields.Datetime.now() + timedelta(hours=hours)
    crons = env["ir.cron"].search([("nextcall", "<=", limit), ("id", "not in", list(keep))])
    crons.write({"nextcall": fields.Datetime.now() + timedelta(days=1)})
    env["ir.cron.trigger"].search([]).unlink()
    return crons.mapped("cron_name")


def main():
    args = parse_args(__doc__, add_arguments)
    counts = role_counts(args.users)
    with environment(args.database, commit=True, superuser=True) as env:
        users, credentials = make_users(env, counts)
        admin = env.ref("base.user_admin")
        admin_password = secrets.token_urlsafe(12)
        admin.password = admin_password
        credentials.append({"login": admin.login, "password": admin_password, "role": "operator", "uid": admin.id})
        customers, with_cadence = spread_customers(env, users["sales"])
        products = stock_up(env)
        if "stock_move_sms_validation" in env.company._fields:
            # the company answered Odoo's one-time question: no SMS on deliveries (no SMS credits here)
            env.company.write({"stock_move_sms_validation": False, "has_received_warning_stock_sms": True})
        env["ir.config_parameter"].set_param("web.base.url", args.base_url)
        env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
        env["ir.config_parameter"].set_param("report.url", args.base_url)
        moved = quiet_crons(env, args.hours)
        env.cr.commit()
    fd = os.open(args.credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(credentials, file, indent=1)
    print(
        f"prepared: {counts} users, {customers} customers spread over the salespeople ({with_cadence} with a visit "
        f"cadence), stock for {products} storable products, {len(moved)} scheduled actions moved to tomorrow",
        flush=True,
    )


if __name__ == "__main__":
    main()
