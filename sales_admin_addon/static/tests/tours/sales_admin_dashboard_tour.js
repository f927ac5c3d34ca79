import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// From the app's Reporting menu to the dashboard; a figure opens the list of exactly what it counts.
registry.category("web_tour.tours").add("sales_admin_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "Open the Reporting menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_reporting"]',
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_dashboard_menu"]',
            run: "click",
        },
        {
            content: "The dashboard counts one late delivery: open them",
            trigger:
                ".o_sales_admin_dashboard [data-figure=late_deliveries]:has(.o_sales_admin_dashboard_value:contains(1))",
            run: "click",
        },
        {
            content: "The late deliveries are listed",
            trigger: ".o_breadcrumb .active:contains(Late Deliveries)",
        },
        {
            content: "One order, the late one",
            trigger:
                ".o_list_view tbody:not(:has(.o_data_row + .o_data_row)) .o_data_row:contains(Tour Dashboard Customer)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb li.o_back_button",
            run: "click",
        },
        {
            content: "The salesperson's row of this week: open its figures",
            trigger: ".o_sales_admin_dashboard_salespeople tr:contains(Tour Dashboard Admin)",
            run: "click",
        },
        {
            content: "The weekly figures of the salesperson are listed",
            trigger: ".o_breadcrumb .active:contains(Tour Dashboard Admin)",
        },
        {
            content: "They hold the salesperson's target of the week",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});
