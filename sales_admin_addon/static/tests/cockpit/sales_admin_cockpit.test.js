import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    fields,
    getService,
    models,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";

class Ticket extends models.Model {
    _name = "sales_admin.ticket";
    name = fields.Char();
    _records = [
        { id: 7, name: "Broken tile" },
        { id: 8, name: "Late delivery" },
        { id: 9, name: "Wrong invoice" },
    ];
    _views = {
        list: `<list><field name="name"/></list>`,
        form: `<form><field name="name"/></form>`,
        search: `<search/>`,
    };
}

defineMailModels();
defineModels([Ticket]);

const listAction = (name, ids) => ({
    type: "ir.actions.act_window",
    name,
    res_model: "sales_admin.ticket",
    views: [
        [false, "list"],
        [false, "form"],
    ],
    domain: [["id", "in", ids]],
    context: {},
    target: "current",
});

/** The cockpit as the server would send it, in ``scope``: the counts differ between the scopes. */
function cockpitData(scope, overrides = {}) {
    const ids = scope === "all" ? [7, 8, 9] : [7];
    return {
        scope,
        scopes: [
            { key: "mine", label: "Mine" },
            { key: "all", label: "All" },
        ],
        today: "2026-11-27",
        user_name: "Anna Seller",
        sections: [
            {
                key: "care",
                title: "Customer Care",
                icon: "fa-life-ring",
                counters: [
                    {
                        key: "tickets_open",
                        label: "Open Tickets",
                        count: ids.length,
                        severity: "danger",
                        items: ids.map((id) => ({
                            id,
                            res_model: "sales_admin.ticket",
                            name: `Ticket ${id}`,
                            detail: "Tile Shop",
                        })),
                        action: listAction("Open Tickets", ids),
                        breakdown: [
                            { key: "urgent", label: "Urgent", count: 1, action: listAction("Urgent Tickets", [9]) },
                            { key: "normal", label: "Normal", count: 0, action: listAction("Normal Tickets", []) },
                        ],
                    },
                    {
                        key: "tickets_due",
                        label: "Due Today",
                        count: 0,
                        severity: "muted",
                        items: [],
                        action: listAction("Due Today", []),
                    },
                ],
            },
        ],
        weekly: {
            ordered: 1500,
            target_ordered: 2000,
            attainment_ordered: 75,
            invoiced: 1200,
            target_invoiced: 1000,
            attainment_invoiced: 120,
            currency_id: 1,
            action: listAction("This Week", [8]),
        },
        quick_actions: [
            {
                key: "log_call",
                label: "Log a Call",
                icon: "fa-phone",
                action: { type: "ir.actions.act_window", res_model: "sales_admin.ticket", views: [[false, "form"]] },
            },
        ],
        ...overrides,
    };
}

let overrides;

beforeEach(() => {
    overrides = {};
    onRpc("sales_admin.cockpit", "get_cockpit_data", ({ kwargs }) => {
        expect.step(`get_cockpit_data ${kwargs.scope}`);
        return cockpitData(kwargs.scope || "all", overrides);
    });
});

async function openCockpit() {
    await mountWithCleanup(WebClient);
    await getService("action").doAction({ type: "ir.actions.client", tag: "sales_admin_addon.cockpit", name: "Today" });
    await animationFrame();
}

describe("sales_admin_cockpit", () => {
    test("renders the sections, counters, breakdown, weekly card and quick actions it is sent", async () => {
        await openCockpit();
        expect.verifySteps(["get_cockpit_data null"]);
        expect(".o_sales_admin_cockpit [data-section=care] h3").toHaveText("Customer Care");
        expect("[data-counter=tickets_open] .o_sales_admin_cockpit_count").toHaveText("3");
        expect("[data-counter=tickets_open] .o_sales_admin_cockpit_count").toHaveClass("text-danger");
        expect("[data-counter=tickets_open]").toHaveClass("o_sales_admin_cockpit_danger");
        expect("[data-counter=tickets_open] [data-item-id]").toHaveCount(3);
        expect("[data-counter=tickets_open] [data-item-id='9']").toHaveText(/Ticket 9\s*Tile Shop/);
        expect("[data-counter=tickets_open] [data-breakdown]").toHaveCount(2);
        expect("[data-counter=tickets_open] [data-breakdown=urgent]").toHaveText(/Urgent\s*1/);
        expect("[data-counter=tickets_due]").toHaveClass("o_sales_admin_cockpit_muted");
        expect("[data-counter=tickets_due] [data-item-id]").toHaveCount(0);
        expect(".o_sales_admin_cockpit_weekly [data-weekly=ordered] .fw-bold.text-danger").toHaveText("75 %");
        expect(".o_sales_admin_cockpit_weekly [data-weekly=ordered] .progress-bar").toHaveAttribute("style", "width: 75%");
        expect(".o_sales_admin_cockpit_weekly [data-weekly=invoiced] .fw-bold.text-success").toHaveText("120 %");
        expect(".o_sales_admin_cockpit_weekly [data-weekly=invoiced] .progress-bar").toHaveAttribute("style", "width: 100%");
        expect("[data-quick-action=log_call]").toHaveText("Log a Call");
        expect(".o_sales_admin_cockpit_scope [data-scope]").toHaveCount(2);
        expect(".o_sales_admin_cockpit_scope [data-scope=all]").toHaveClass("active");
        expect(".o_sales_admin_cockpit_empty").toHaveCount(0);
    });

    test("switching the scope reads the cockpit of that scope", async () => {
        await openCockpit();
        await contains(".o_sales_admin_cockpit_scope [data-scope=mine]").click();
        expect.verifySteps(["get_cockpit_data null", "get_cockpit_data mine"]);
        expect("[data-counter=tickets_open] .o_sales_admin_cockpit_count").toHaveText("1");
        expect(".o_sales_admin_cockpit_scope [data-scope=mine]").toHaveClass("active");
        await contains(".o_sales_admin_cockpit_refresh").click();
        expect.verifySteps(["get_cockpit_data mine"]);
    });

    test("a counter opens its list, and the scope is kept when coming back", async () => {
        await openCockpit();
        await contains(".o_sales_admin_cockpit_scope [data-scope=mine]").click();
        await contains("[data-counter=tickets_open] .o_sales_admin_cockpit_counter_open").click();
        expect(".o_list_view .o_data_row").toHaveCount(1);
        await contains(".o_back_button").click();
        expect.verifySteps(["get_cockpit_data null", "get_cockpit_data mine", "get_cockpit_data mine"]);
        expect("[data-counter=tickets_open] .o_sales_admin_cockpit_count").toHaveText("1");
    });

    test("an item opens its form, with a pager over the items listed", async () => {
        await openCockpit();
        await contains("[data-counter=tickets_open] [data-item-id='8']").click();
        expect.verifySteps(["get_cockpit_data null"]);
        expect(".o_form_view .o_field_widget[name=name] input").toHaveValue("Late delivery");
        expect(".o_pager_value").toHaveText("2");
        expect(".o_pager_limit").toHaveText("3");
    });

    test("a breakdown and a quick action open their own action", async () => {
        await openCockpit();
        await contains("[data-breakdown=urgent]").click();
        expect(".o_breadcrumb .active").toHaveText("Urgent Tickets");
        expect(".o_list_view .o_data_row").toHaveCount(1);
        await contains(".o_back_button").click();
        await contains("[data-quick-action=log_call]").click();
        expect(".o_form_view .o_field_widget[name=name] input").toHaveValue("");
        // coming back reads the cockpit again, in the scope shown before
        expect.verifySteps(["get_cockpit_data null", "get_cockpit_data all"]);
    });

    test("a single scope shows no switch; nothing to show says so", async () => {
        overrides = { scopes: [{ key: "mine", label: "Mine" }], sections: [], weekly: false, quick_actions: [] };
        await openCockpit();
        expect(".o_sales_admin_cockpit_scope").toHaveCount(0);
        expect(".o_sales_admin_cockpit_weekly").toHaveCount(0);
        expect(".o_sales_admin_cockpit_quick_actions").toHaveCount(0);
        expect(".o_sales_admin_cockpit_empty").toHaveCount(1);
        expect.verifySteps(["get_cockpit_data null"]);
    });
});
