import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A customer calls with a complaint: the sales administrator logs the call, finds the cause and solves it.
registry.category("web_tour.tours").add("sales_admin_ticket_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "Open Customer Care",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_care"]',
            run: "click",
        },
        {
            content: "Log a phone call",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_ticket_log_call_menu"]',
            run: "click",
        },
        {
            content: "Who calls",
            trigger: ".modal .o_field_widget[name=partner_id] input",
            run: "edit Tour Caller Company",
        },
        {
            content: "Pick the customer",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Caller Company)",
            run: "click",
        },
        {
            content: "What it is about",
            trigger: ".modal .o_field_widget[name=title] input",
            run: "edit Pallet of tiles arrived broken",
        },
        {
            content: "It is a complaint",
            trigger: ".modal .o_field_widget[name=ticket_type_id] input",
            run: "edit Complaint",
        },
        {
            content: "Choose the type",
            trigger: ".o-autocomplete--dropdown-item:contains(Complaint)",
            run: "click",
        },
        {
            content: "Log the call",
            trigger: ".modal button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The ticket is open, in its first stage",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(New)",
        },
        {
            content: "Open the resolution",
            trigger: "a.nav-link:contains(Resolution)",
            run: "click",
        },
        {
            content: "Name the root cause",
            trigger: ".o_field_widget[name=root_cause_id] input",
            run: "edit Damaged",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Damaged in transport)",
            run: "click",
        },
        {
            content: "Resolved by a replacement",
            trigger: ".o_field_widget[name=resolution_type] select",
            run: 'select "replacement"',
        },
        {
            content: "What was done",
            trigger: ".o_field_widget[name=corrective_action] textarea",
            run: "edit New pallet sent with the next delivery",
        },
        {
            content: "The closing stages are folded: open the other stages",
            trigger: ".o_statusbar_status button.dropdown-toggle",
            run: "click",
        },
        {
            content: "Solve it",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Solved)",
            run: "click",
        },
        {
            content: "The ticket is solved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Solved)",
        },
        {
            content: "Moving the stage saved the ticket",
            trigger: ".o_form_saved",
        },
    ],
});
