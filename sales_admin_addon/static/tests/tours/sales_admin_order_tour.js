import { registry } from "@web/core/registry";

// A quotation meets the contract checklist, is confirmed, and shows late in the delivery follow-up: its
// promised delivery day is already past.
registry.category("web_tour.tours").add("sales_admin_order_tour", {
    steps: () => [
        {
            content: "The quotation waits in the Quotation column",
            trigger: ".o_kanban_group:contains(Quotation) .o_kanban_record:contains(Tour Late Customer)",
            run: "click",
        },
        {
            content: "Try to confirm it",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The checklist stops it and says what is missing",
            trigger: ".modal:contains(Credit check) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Open the contract tab",
            trigger: "a.nav-link:contains(Contract)",
            run: "click",
        },
        {
            content: "Tick the credit check (a click on the cell of a checkbox ticks it)",
            trigger: ".o_field_widget[name=sales_admin_checklist_line_ids] .o_data_row:contains(Credit check) td[name=done]",
            run: "click",
        },
        {
            content: "The credit check is ticked",
            trigger: ".o_field_widget[name=sales_admin_checklist_line_ids] .o_data_row:contains(Credit check) td[name=done] input:checked",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, the checklist is complete",
            trigger: ".o_form_saved",
        },
        {
            content: "Confirm it",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
        {
            content: "Open the Orders menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_orders"]',
            run: "click",
        },
        {
            content: "Open the delivery follow-up",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sale_order_menu_delivery_follow_up"]',
            run: "click",
        },
        {
            content: "Open the late group",
            trigger: ".o_group_header:contains(Late)",
            run: "click",
        },
        {
            content: "The order is late: its promised day has passed",
            trigger: ".o_data_row:contains(Tour Late Customer) .badge:contains(Late)",
        },
    ],
});
