import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A salesperson opens a customer from the Sales Admin app: the 360 strip shows its figures, one opens its list,
// a quick action plans a visit on a prefilled form; the reception screen shows the same strip for the customer's
// buyer who arrived.
registry.category("web_tour.tours").add("sales_admin_customer_360_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
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
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row td:contains(Tour 360 Customer)",
            run: "click",
        },
        {
            content: "The strip shows the two open requests",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets] .o_sales_admin_360_value:contains(2)",
        },
        {
            content: "and the late order",
            trigger: ".o_sales_admin_360 [data-figure=late_orders] .o_sales_admin_360_value:contains(1)",
        },
        {
            content: "and the visit cadence",
            trigger: ".o_sales_admin_360 [data-figure=visit_cadence]",
        },
        {
            content: "Open the open requests",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets]",
            run: "click",
        },
        {
            content: "The open requests are listed",
            trigger: ".o_breadcrumb .active:contains(Open Requests)",
        },
        {
            content: "Both of them, and only them",
            trigger:
                ".o_list_view tbody:has(.o_data_row:contains(Tour 360 broken chair)):has(.o_data_row:contains(Tour 360 missing invoice)):not(:has(.o_data_row + .o_data_row + .o_data_row))",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "No billing data yet",
            trigger: ".o_sales_admin_360 [data-figure=billing] .o_sales_admin_360_value:contains(0 %)",
        },
        {
            content: "Enter the tax ID",
            trigger: ".o_field_widget[name=vat] input",
            run: "edit PL5260250274",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The strip follows: one of the five billing items is there",
            trigger: ".o_sales_admin_360 [data-figure=billing] .o_sales_admin_360_value:contains(20 %)",
        },
        {
            content: "Plan a visit",
            trigger: ".o_sales_admin_360 button[data-quick-action=plan_visit]",
            run: "click",
        },
        {
            content: "The visit is the customer's",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Tour 360 Customer)",
        },
        {
            content: "by the salesperson",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour 360 Salesperson)",
        },
        {
            content: "Save the visit",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
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
            content: "Open the buyer who arrived",
            trigger: ".o_kanban_record:contains(Tour 360 Buyer)",
            run: "click",
        },
        {
            content: "The reception screen shows the customer's strip",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets] .o_sales_admin_360_value:contains(2)",
        },
        {
            content: "with its quick actions",
            trigger: ".o_sales_admin_360 button[data-quick-action=log_call]",
        },
    ],
});

// The same strip on a phone-sized screen: the cards wrap inside the screen, the quick actions stay reachable.
registry.category("web_tour.tours").add("sales_admin_customer_360_mobile_tour", {
    steps: () => [
        {
            content: "The strip shows the open requests",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets] .o_sales_admin_360_value:contains(2)",
        },
        {
            content: "The cards wrap: nothing overflows the screen",
            trigger: ".o_sales_admin_360 [data-figure=open_tickets]",
            run() {
                const strip = document.querySelector(".o_sales_admin_360");
                const right = strip.getBoundingClientRect().right;
                const cards = [...strip.querySelectorAll("[data-figure]")];
                if (right > window.innerWidth + 1) {
                    throw new Error(`the strip is wider than the screen (${right} > ${window.innerWidth})`);
                }
                if (cards.some((card) => card.getBoundingClientRect().right > right + 1)) {
                    throw new Error("a card leaves the strip");
                }
                if (new Set(cards.map((card) => card.getBoundingClientRect().top)).size < 2) {
                    throw new Error("the cards do not wrap");
                }
            },
        },
        {
            content: "Plan a visit from the phone",
            trigger: ".o_sales_admin_360 button[data-quick-action=plan_visit]",
            run: "click",
        },
        {
            content: "The visit form opens for the customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Tour 360 Mobile Customer)",
        },
        {
            content: "Save the visit",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

// Another team's customer: the form opens without the strip, and without an error.
registry.category("web_tour.tours").add("sales_admin_customer_360_other_team_tour", {
    steps: () => [
        {
            content: "The customer's form is open",
            trigger: ".o_form_view .o_field_widget[name=name] :contains(Tour 360 Other Team), .o_form_view .o_field_widget[name=name] input:value(Tour 360 Other Team)",
        },
        {
            content: "without the 360 strip",
            trigger: ".o_form_view:not(:has(.o_sales_admin_360))",
        },
    ],
});
