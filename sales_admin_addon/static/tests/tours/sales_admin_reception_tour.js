import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A known customer's buyer arrives: logged from today's visitors, the customer strip shows their open request,
// and they leave.
registry.category("web_tour.tours").add("sales_admin_reception_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "Open the Customer Care menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_care"]',
            run: "click",
        },
        {
            content: "Open today's visitors",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_reception_menu_today"]',
            run: "click",
        },
        {
            content: "Today's visitors are filtered on today",
            trigger: ".o_searchview_facet:contains(Today)",
        },
        {
            content: "Log a visitor",
            trigger: ".o_control_panel_main_buttons .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Choose the known contact",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Piotr",
        },
        {
            content: "Pick it from the list",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Piotr)",
            run: "click",
        },
        {
            content: "Their company is filled in",
            trigger: ".o_field_widget[name=visitor_company] input:value(Tour Reception Customer)",
        },
        {
            content: "Say why they came",
            trigger: ".o_field_widget[name=purpose] input",
            run: "edit Broken chairs",
        },
        {
            content: "Choose the host",
            trigger: ".o_field_widget[name=host_id] input",
            run: "edit Tour Host",
        },
        {
            content: "Pick the host",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Host)",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The customer 360 shows the open request",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets]:contains(1)",
        },
        {
            content: "The visitor leaves",
            trigger: ".o_statusbar_buttons button[name=action_check_out]",
            run: "click",
        },
        {
            content: "Checked out",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Left / Done)",
        },
    ],
});
