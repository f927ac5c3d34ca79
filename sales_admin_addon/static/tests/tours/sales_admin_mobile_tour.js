import { registry } from "@web/core/registry";

const ROUND = ".o_sales_admin_visit_round";
const card = (customer) => `${ROUND} .o_kanban_record:contains(${customer})`;

/** Replaces the browser's geolocation: `answer(success, error)` plays the device or the user. */
function fakeGeolocation(answer) {
    Object.defineProperty(navigator, "geolocation", {
        configurable: true,
        value: { getCurrentPosition: answer },
    });
}

// A salesperson on the road, on a phone (the web client's small-screen layout): opens the app through the
// menu, goes to Today's Round, checks the first visit in (the position refused) and out from its form,
// checks the second in from its card (the position given), and opens the first visit's customer.
registry.category("web_tour.tours").add("sales_admin_mobile_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the menu (on a phone the apps and their menus are in a side panel)",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all the apps",
            trigger: ".o_app_menu_sidebar .o_sidebar_topbar a.btn-primary",
            run: "click",
        },
        {
            content: "Open the Sales Admin app",
            trigger: '.o_app_menu_sidebar .o_app[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_root"]',
            run: "click",
        },
        {
            // nothing here depends on the app's landing screen: the next steps go through the menu
            content: "The side panel closes on the app",
            trigger: "body:not(:has(.o_app_menu_sidebar))",
        },
        {
            content: "Open the menu of the app",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Open Today's Round (listed once the app is the current one)",
            trigger: '.o_app_menu_sidebar li[data-menu-xmlid="sales_admin_addon.sales_admin_visit_menu_round"]',
            run: "click",
        },
        {
            content: "The round lists the morning visit with its time, state, address, map and call",
            trigger: `${card("Road Customer Alpha")}:has(.o_sales_admin_visit_map[href*=openstreetmap]):has(.o_sales_admin_visit_call[href^="tel:"])`,
        },
        {
            content: "Only my two visits of today, in order of time, each to be checked in",
            trigger: card("Road Customer Beta"),
            run() {
                const cards = [...document.querySelectorAll(`${ROUND} .o_kanban_record:not(.o_kanban_ghost)`)];
                const names = ["Alpha", "Beta", "Elsewhere", "Tomorrow"];
                const customers = cards.map((el) => names.filter((name) => el.textContent.includes(name)).join());
                if (customers.join("|") !== "Alpha|Beta") {
                    throw new Error(`Today's Round shows the visits to ${customers.join(", ")}`);
                }
                for (const el of cards) {
                    const checkIn = el.querySelector(".o_sales_admin_checkin");
                    const time = el.querySelector(".o_sales_admin_visit_time").textContent.trim();
                    const state = el.querySelector(".o_field_widget[name=state]").textContent.trim();
                    if (!checkIn || !/^\d{1,2}:\d{2}/.test(time) || state !== "Planned") {
                        throw new Error(`A card lacks its check-in, time or state: ${el.textContent}`);
                    }
                    // a thumb needs about 40 px: not a link-sized target
                    if (checkIn.getBoundingClientRect().height < 30) {
                        throw new Error("The check-in button is too small to tap");
                    }
                }
            },
        },
        {
            content: "Open the morning visit",
            trigger: `${card("Road Customer Alpha")} .o_sales_admin_visit_time`,
            run: "click",
        },
        {
            content: "The visit's form; the user will refuse to share the position",
            trigger: ".o_form_view .o_sales_admin_visit_phone_actions .o_sales_admin_checkin",
            run() {
                fakeGeolocation((success, error) => error({ code: 1, message: "User denied Geolocation" }));
            },
        },
        {
            content: "Check in with the big button of the phone layout",
            trigger: ".o_form_view .o_sales_admin_visit_phone_actions .o_sales_admin_checkin",
            run: "click",
        },
        {
            content: "The phone says why there is no position",
            trigger: ".o_notification:contains(Check-in without position):contains(refused)",
        },
        {
            content: "The visit is in progress",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains(In Progress)",
        },
        {
            content: "Check out",
            trigger: ".o_form_view .o_sales_admin_visit_phone_actions button[name=action_check_out]",
            run: "click",
        },
        {
            content: "The visit is done and has no check-in or check-out left to tap",
            trigger:
                ".o_form_view:not(:has(.o_sales_admin_visit_phone_actions)) .o_field_widget[name=state] .o_arrow_button_current:contains(Done)",
        },
        {
            content: "Back to the round",
            trigger: ".o_main_navbar .o_back_button",
            run: "click",
        },
        {
            content: "The morning visit is done; the device is in Kraków for the next one",
            trigger: `${card("Road Customer Alpha")} .o_field_widget[name=state]:contains(Done)`,
            run() {
                fakeGeolocation((success) => success({ coords: { latitude: 50.0647, longitude: 19.945 } }));
            },
        },
        {
            content: "Check the afternoon visit in from its card",
            trigger: `${card("Road Customer Beta")} .o_sales_admin_checkin`,
            run: "click",
        },
        {
            content: "Its card turns to In Progress and offers the check-out, without opening the visit",
            trigger: `${card("Road Customer Beta")}:has(.o_field_widget[name=state]:contains(In Progress)) button[name=action_check_out]`,
        },
        {
            content: "Open the morning visit again",
            trigger: `${card("Road Customer Alpha")} .o_sales_admin_visit_time`,
            run: "click",
        },
        {
            content: "Open its customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] a.o_form_uri:contains(Road Customer Alpha)",
            run: "click",
        },
        {
            content: "The customer is named in the top bar",
            trigger: ".o_main_navbar .o_breadcrumb:contains(Road Customer Alpha)",
        },
        {
            content: "The customer's form (a partner's: company or individual)",
            trigger: ".o_form_view .o_field_widget[name=company_type]",
        },
        {
            content: "The customer 360 fits the phone and counts the visit just done: open the visits done",
            trigger: ".o_sales_admin_360 [data-figure=last_visit].o_sales_admin_360_info",
            run: "click",
        },
        {
            content: "One visit done, the one of this morning",
            trigger:
                ".o_kanban_view:not(:has(.o_kanban_record:not(.o_kanban_ghost) ~ .o_kanban_record:not(.o_kanban_ghost))) .o_kanban_record:contains(Road Customer Alpha), .o_list_view tbody:not(:has(.o_data_row + .o_data_row)) .o_data_row:contains(Road Customer Alpha)",
        },
    ],
});

// On a phone the form's header buttons sit in its action menu (the cog), which closes on the tap: the check-in
// still goes through, even when the device never answers (a permission prompt left open).
registry.category("web_tour.tours").add("sales_admin_mobile_action_menu_tour", {
    steps: () => [
        {
            content: "The visit's form; the device will never answer for its position",
            trigger: ".o_form_view .o_field_widget[name=state]:has(.o_arrow_button_current:contains(Planned))",
            run() {
                fakeGeolocation(() => {});
            },
        },
        {
            content: "Open the action menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Check in from the action menu",
            trigger: ".o-dropdown--menu .o_sales_admin_checkin",
            run: "click",
        },
        {
            content: "The check-in waits for the position, a few seconds at most, then says why there is none",
            trigger: ".o_notification:contains(Check-in without position):contains(took too long)",
            timeout: 20000,
        },
        {
            content: "The form shows the visit in progress (reloaded although the menu closed)",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains(In Progress)",
        },
        {
            content: "Open the action menu again",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Check out from the action menu",
            trigger: ".o-dropdown--menu button[name=action_check_out]",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains(Done)",
        },
    ],
});
