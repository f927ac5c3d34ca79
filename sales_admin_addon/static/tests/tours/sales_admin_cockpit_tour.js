import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const COUNTER = ".o_sales_admin_cockpit [data-counter=visits_to_book]";
const SCOPED_COUNTER = (scope) => `.o_sales_admin_cockpit_body[data-active-scope=${scope}] [data-counter=visits_to_book]`;

/** The steps showing that the visits-to-book counter reads ``count`` in ``scope``. */
function counterShows(scope, count) {
    return {
        content: `In scope ${scope}, the cockpit counts ${count} visit(s) to book`,
        trigger: `${SCOPED_COUNTER(scope)}[data-count='${count}'] .o_sales_admin_cockpit_count:contains(${count})`,
    };
}

/** ``count`` rows in the list, no more: the rows are the tbody's first children. */
function listHolds(count, customer) {
    return {
        content: `The list holds the ${count} visit(s) counted, ${customer}'s among them`,
        trigger: `.o_list_view tbody:has(.o_data_row:contains(${customer})):has(.o_data_row:nth-child(${count})):not(:has(.o_data_row:nth-child(${count + 1})))`,
    };
}

const back = {
    content: "Back to the cockpit",
    trigger: ".o_back_button",
    run: "click",
};

/**
 * The cockpit as the landing screen of the app: a counter opens the list of exactly what it counts, a listed
 * visit its form, and switching the scope changes the count (kept when coming back from a list).
 * ``first``: the scope the user lands on and its count; ``second``: the scope switched to and its count;
 * ``customer``: the customer of a visit listed in both scopes.
 */
function cockpitSteps({ first, second, customer, user }) {
    return [
        {
            isActive: ["mobile"],
            content: "Open the menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Show all the apps",
            trigger: ".o_app_menu_sidebar .o_sidebar_topbar a",
            run: "click",
        },
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "The app opens on the cockpit",
            trigger: ".o_sales_admin_cockpit .o_sales_admin_cockpit_date",
        },
        counterShows(first.scope, first.count),
        {
            content: "Open the visits to book",
            trigger: `${COUNTER} .o_sales_admin_cockpit_counter_open`,
            run: "click",
        },
        listHolds(first.count, customer),
        back,
        counterShows(first.scope, first.count),
        {
            content: "Open a listed visit",
            trigger: `${COUNTER} .o_sales_admin_cockpit_item[data-item-id]:contains(${customer})`,
            run: "click",
        },
        {
            content: "The visit's form, for its customer",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${customer})`,
        },
        back,
        {
            content: `Switch to the scope ${second.scope}`,
            trigger: `.o_sales_admin_cockpit_scope [data-scope=${second.scope}]`,
            run: "click",
        },
        counterShows(second.scope, second.count),
        {
            content: "Open the visits to book of that scope",
            trigger: `${COUNTER} .o_sales_admin_cockpit_counter_open`,
            run: "click",
        },
        listHolds(second.count, customer),
        back,
        {
            ...counterShows(second.scope, second.count),
            content: "Back on the cockpit, the scope chosen is kept",
        },
        {
            content: "Refresh the figures",
            trigger: ".o_sales_admin_cockpit_refresh:enabled",
            run: "click",
        },
        counterShows(second.scope, second.count),
        {
            content: "Quick action: plan a visit",
            trigger: ".o_sales_admin_cockpit [data-quick-action=plan_visit]",
            run: "click",
        },
        {
            content: "A new visit's form, the user as salesperson",
            trigger: `.o_form_view .o_form_editable .o_field_widget[name=user_id] input:value(${user})`,
        },
    ];
}

// a sales administrator: lands on everyone's items, then their own
registry.category("web_tour.tours").add("sales_admin_cockpit_tour", {
    url: "/odoo",
    steps: () =>
        cockpitSteps({
            first: { scope: "all", count: 3 },
            second: { scope: "mine", count: 1 },
            customer: "Cockpit Tour Customer Three",
            user: "Cockpit Tour Admin",
        }),
});

// a salesperson leading a team (run at a phone's size): lands on their own items, then the team's
registry.category("web_tour.tours").add("sales_admin_cockpit_salesperson_tour", {
    url: "/odoo",
    steps: () =>
        cockpitSteps({
            first: { scope: "mine", count: 1 },
            second: { scope: "team", count: 2 },
            customer: "Cockpit Tour Customer One",
            user: "Cockpit Tour Seller",
        }),
});
