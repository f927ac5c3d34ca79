import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function inAWeek() {
    const day = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const pad = (value) => String(value).padStart(2, "0");
    return `${pad(day.getMonth() + 1)}/${pad(day.getDate())}/${day.getFullYear()}`;
}

// An accountant, from Invoicing: the collections workspace, a customer's case, a promise to pay recorded.
registry.category("web_tour.tours").add("sales_admin_collection_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the Customers menu",
            trigger: '.o-dropdown[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Open the collections workspace",
            trigger:
                '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_collection_case_menu_account"]',
            run: "click",
        },
        {
            content: "The overdue customer's case, in the column of its reminder level",
            trigger: ".o_kanban_group:contains(Tour Level) .o_kanban_record:contains(Tour Slow Payer)",
            run: "click",
        },
        {
            content: "Record the customer's promise",
            trigger: "button[name=action_record_promise]",
            run: "click",
        },
        {
            content: "Pays in a week",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: `edit ${inAWeek()}`,
        },
        {
            content: "Part of the overdue amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 100",
        },
        {
            content: "Record it",
            trigger: ".modal-footer button[name=action_record_promise]",
            run: "click",
        },
        {
            content: "The promise is pending",
            trigger: ".o_field_widget[name=promise_state]:contains(Pending)",
        },
    ],
});
