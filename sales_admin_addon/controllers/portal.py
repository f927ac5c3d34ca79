from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

TICKETS_PER_PAGE = 20
TITLE_MAX = 200
DESCRIPTION_MAX = 20000


class SalesAdminTicketPortal(CustomerPortal):
    """Customers follow, answer and raise the requests of their own company in the portal (/my/requests)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "sales_admin_ticket_count" in counters:
            Ticket = request.env["sales_admin.ticket"]
            values["sales_admin_ticket_count"] = (
                Ticket.search_count(self._get_sales_admin_ticket_domain()) if Ticket.has_access("read") else 0
            )
        return values

    def _get_sales_admin_ticket_domain(self):
        # the record rules restrict too; the domain says what the page shows
        return [("partner_id", "=", request.env.user.partner_id.commercial_partner_id.id)]

    def _get_sales_admin_ticket_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
        }

    def _get_sales_admin_ticket_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_open desc, id desc"},
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "stage": {"label": request.env._("Stage"), "order": "stage_id, date_open desc"},
        }

    @http.route(["/my/requests", "/my/requests/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_sales_admin_tickets(self, page=1, sortby=None, filterby=None, **kw):
        Ticket = request.env["sales_admin.ticket"]
        if not Ticket.has_access("read"):
            return request.redirect("/my")
        filters = self._get_sales_admin_ticket_searchbar_filters()
        sortings = self._get_sales_admin_ticket_searchbar_sortings()
        filterby = filterby if filterby in filters else "open"
        sortby = sortby if sortby in sortings else "date"
        domain = self._get_sales_admin_ticket_domain() + filters[filterby]["domain"]
        count = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/requests",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=TICKETS_PER_PAGE,
        )
        tickets = Ticket.search(domain, order=sortings[sortby]["order"], limit=TICKETS_PER_PAGE, offset=pager["offset"])
        request.session["my_sales_admin_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets.sudo(),
                "page_name": "sales_admin_ticket",
                "pager": pager,
                "default_url": "/my/requests",
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("sales_admin_addon.portal_my_sales_admin_tickets", values)

    @http.route("/my/requests/<int:ticket_id>", type="http", auth="public", website=True)
    def portal_my_sales_admin_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("sales_admin.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {"ticket": ticket_sudo, "page_name": "sales_admin_ticket"},
            "my_sales_admin_tickets_history",
            False,
        )
        return request.render("sales_admin_addon.portal_my_sales_admin_ticket", values)

    @http.route("/my/requests/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_sales_admin_ticket(self, **post):
        if not request.env["sales_admin.ticket"].has_access("read"):
            return request.redirect("/my")
        partner = request.env.user.partner_id
        commercial_partner = partner.commercial_partner_id
        # the customer's types and orders, read for them (sudo): a portal user reads neither model itself
        types = request.env["sales_admin.ticket.type"].sudo().search([])
        orders = (
            request.env["sale.order"]
            .sudo()
            .search([("partner_id", "child_of", commercial_partner.id), ("state", "=", "sale")], limit=50)
        )
        errors, values = {}, {}
        if request.httprequest.method == "POST":
            values, errors = self._parse_sales_admin_ticket_form(post, types, orders)
            if not errors:
                ticket = (
                    request.env["sales_admin.ticket"]
                    .sudo()
                    .create(
                        {
                            **values,
                            "partner_id": commercial_partner.id,
                            "contact_id": partner.id,
                            "channel": "portal",
                            "company_id": (
                                values.get("sale_order_id") and orders.browse(values["sale_order_id"]).company_id.id
                            )
                            or request.env.user.company_id.id,
                        }
                    )
                )
                ticket.message_subscribe(partner_ids=partner.ids)
                return request.redirect(ticket.get_portal_url())
        render_values = self._prepare_portal_layout_values()
        render_values.update(
            {
                "page_name": "sales_admin_ticket_new",
                "ticket_types": types,
                "orders": orders,
                "errors": errors,
                "form": post,
            }
        )
        return request.render("sales_admin_addon.portal_new_sales_admin_ticket", render_values)

    def _parse_sales_admin_ticket_form(self, post, types, orders):
        """The new request's values from the form, and the errors to show (nothing is created with errors)."""
        env = request.env
        errors, values = {}, {}
        title = (post.get("title") or "").strip()
        if not title:
            errors["title"] = env._("Give your request a subject.")
        elif len(title) > TITLE_MAX:
            errors["title"] = env._("The subject is too long (at most %(max)s characters).", max=TITLE_MAX)
        values["title"] = title
        try:
            type_id = int(post.get("ticket_type_id") or 0)
        except ValueError:
            type_id = 0
        if type_id not in types.ids:
            errors["ticket_type_id"] = env._("Choose what kind of request it is.")
        values["ticket_type_id"] = type_id
        order_value = post.get("sale_order_id") or ""
        if order_value:
            try:
                order_id = int(order_value)
            except ValueError:
                order_id = 0
            if order_id not in orders.ids:
                errors["sale_order_id"] = env._("Choose one of your orders, or none.")
            values["sale_order_id"] = order_id
        description = (post.get("description") or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = env._("The description is too long.")
        values["description"] = plaintext2html(description) if description else False
        return values, errors
