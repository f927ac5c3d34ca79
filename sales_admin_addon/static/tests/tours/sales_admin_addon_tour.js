import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Opens the Sales Admin app from the apps menu, lands on "Today", goes to the customers, adds one and walks to
// the orders.
registry.category("web_tour.tours").add("sales_admin_addon_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "The app opens on its cockpit",
            trigger: ".o_sales_admin_cockpit",
        },
        {
            content: "Open the Customers menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_customers"]',
            run: "click",
        },
        {
            content: "Open the customers",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.res_partner_menu_customer"]',
            run: "click",
        },
        {
            content: "The customers are listed",
            trigger: ".o_breadcrumb .active:contains(Customers)",
        },
        {
            content: "Create a customer",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Name the customer",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Customer Sp. z o.o.",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The customer is saved",
            trigger: ".o_breadcrumb .active:contains(Tour Customer Sp. z o.o.)",
        },
        {
            content: "Open the Orders menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_orders"]',
            run: "click",
        },
        {
            content: "Open the sales orders",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_sale_orders"]',
            run: "click",
        },
        {
            content: "The sales orders are listed",
            trigger: ".o_breadcrumb .active:contains(Sales Orders)",
        },
    ],
});
