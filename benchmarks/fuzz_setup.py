"""The fuzz database's actors and records, made inside ``odoo-bin shell`` (``benchmarks/fuzz.py setup`` pipes it in).

Two companies (A: the demo's main company, B: the demo's second company), and in each: two customers (a company
with one contact who has a portal login), a confirmed order, a visit, a ticket, a reception entry, a collection
case, a target and a segment per company; one user per group of the app, restricted to their company (Sales Admin
manager, Sales Admin user, salesperson, billing, receptionist = plain employee). Passwords are the logins. The ids
go to the JSON file named by ``FUZZ_SETUP_OUT``. Run it once on a fresh copy of a demo database.
"""

# ruff: noqa: F821  (``env`` comes from odoo-bin shell)
import json
import os

from odoo import Command

GROUPS = {
    "sa_manager": ["base.group_user", "sales_admin_addon.sales_admin_addon_group_manager"],
    "sa_user": ["base.group_user", "sales_admin_addon.sales_admin_addon_group_user"],
    "salesman": ["base.group_user", "sales_team.group_sale_salesman"],
    "billing": ["base.group_user", "account.group_account_invoice"],
    "receptionist": ["base.group_user"],
}

env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, no_reset_password=True))  # noqa
Users = env["res.users"].with_context(no_reset_password=True)
alias_domain = env["mail.alias.domain"].search([("name", "=", "fuzz.example")], limit=1) or env[
    "mail.alias.domain"
].create({"name": "fuzz.example"})
companies = {"A": env.ref("base.main_company"), "B": env["res.company"].search([("id", "!=", env.company.id)], limit=1)}
companies["B"] = companies["B"] or env["res.company"].create({"name": "Fuzz Company B"})
for company in companies.values():
    company.alias_domain_id = alias_domain
alias = env.ref("sales_admin_addon.mail_alias_sales_admin_ticket")
alias.alias_domain_id = alias_domain
product = env["product.product"].create({"name": "Fuzz Widget", "type": "consu", "list_price": 10.0})
ticket_type = env["sales_admin.ticket.type"].search([], limit=1)
out = {"alias": f"{alias.alias_name}@{alias_domain.name}", "companies": {}, "users": {}, "product": product.id}

for key, company in companies.items():
    cenv = env(context=dict(env.context, allowed_company_ids=[company.id]))
    users = {}
    for role, groups in GROUPS.items():
        login = f"fuzz_{role}_{key.lower()}"
        user = Users.search([("login", "=", login)]) or Users.create(
            {
                "name": f"Fuzz {role} {key}",
                "login": login,
                "password": login,
                "email": f"{login}@fuzz.example",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref(g).id for g in groups])],
            }
        )
        users[role] = user
        out["users"][login] = {"uid": user.id, "role": role, "company": key, "password": login}
    customers = []
    for index in (1, 2):
        customer = cenv["res.partner"].create(
            {
                "name": f"Fuzz Customer {key}{index}",
                "is_company": True,
                "customer_rank": 1,
                "company_id": company.id,
                "email": f"customer{key.lower()}{index}@fuzz-customer.example",
                "user_id": users["salesman"].id,
            }
        )
        contact = cenv["res.partner"].create(
            {
                "name": f"Fuzz Contact {key}{index}",
                "parent_id": customer.id,
                "company_id": company.id,
                "email": f"contact{key.lower()}{index}@fuzz-customer.example",
            }
        )
        login = f"fuzz_portal_{key.lower()}{index}"
        portal = Users.search([("login", "=", login)]) or Users.create(
            {
                "name": contact.name,
                "login": login,
                "password": login,
                "partner_id": contact.id,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref("base.group_portal").id])],
            }
        )
        out["users"][login] = {"uid": portal.id, "role": f"portal{index}", "company": key, "password": login}
        order = (
            cenv["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "user_id": users["salesman"].id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
                }
            )
        )
        order.action_confirm()
        visit = cenv["sales_admin.visit"].create(
            {"partner_id": customer.id, "user_id": users["salesman"].id, "company_id": company.id}
        )
        ticket = cenv["sales_admin.ticket"].create(
            {
                "title": f"Fuzz ticket {key}{index}",
                "partner_id": customer.id,
                "contact_id": contact.id,
                "ticket_type_id": ticket_type.id,
                "company_id": company.id,
                "sale_order_id": order.id,
                "description": f"<p>secret of customer {key}{index}</p>",
            }
        )
        reception = cenv["sales_admin.reception"].create(
            {"partner_id": contact.id, "company_id": company.id, "host_id": users["salesman"].id, "purpose": "fuzz"}
        )
        case = cenv["sales_admin.collection.case"].create({"partner_id": customer.id, "company_id": company.id})
        customers.append(
            {
                "partner": customer.id,
                "contact": contact.id,
                "portal_login": login,
                "order": order.id,
                "order_line": order.order_line.id,
                "visit": visit.id,
                "ticket": ticket.id,
                "ticket_name": ticket.name,
                "ticket_token": ticket._portal_ensure_token(),
                "reception": reception.id,
                "case": case.id,
            }
        )
    target = cenv["sales_admin.target"].create(
        {"company_id": company.id, "user_id": users["salesman"].id, "target_ordered": 1000.0}
    )
    segment = cenv["sales_admin.segment"].create({"name": f"Fuzz segment {key}", "company_id": company.id})
    out["companies"][key] = {
        "id": company.id,
        "customers": customers,
        "target": target.id,
        "segment": segment.id,
        "ticket_type": ticket_type.id,
    }
env.cr.commit()
with open(os.environ["FUZZ_SETUP_OUT"], "w", encoding="utf-8") as handle:
    json.dump(out, handle, indent=1)
print("fuzz setup done")
