import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Plans a visit to a customer, checks in on site and checks out: planned -> in progress -> done.
registry.category("web_tour.tours").add("sales_admin_visit_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "Open the Visits menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_visits"]',
            run: "click",
        },
        {
            content: "Open the visits",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_visit_menu"]',
            run: "click",
        },
        {
            // the app opens on another list with its own New button: wait for the visits before clicking it
            content: "The visits are listed",
            trigger: ".o_breadcrumb .active:contains(Visits)",
        },
        {
            content: "Plan a visit",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Visit Customer",
        },
        {
            content: "Pick it from the list",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Visit Customer)",
            run: "click",
        },
        {
            content: "Write the agenda",
            trigger: ".o_field_widget[name=purpose] textarea",
            run: "edit Present the new catalogue",
        },
        {
            content: "Save the visit",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The device is in Warsaw (the browser's position, as a phone would give it)",
            trigger: ".o_statusbar_buttons .o_sales_admin_checkin",
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    configurable: true,
                    value: {
                        getCurrentPosition: (success) =>
                            success({ coords: { latitude: 52.2297, longitude: 21.0122 } }),
                    },
                });
            },
        },
        {
            content: "Check in on site",
            trigger: ".o_statusbar_buttons .o_sales_admin_checkin",
            run: "click",
        },
        {
            content: "The visit is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(In Progress)",
        },
        {
            content: "Check out",
            trigger: ".o_statusbar_buttons button[name=action_check_out]",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});
