import { Component, onWillStart, useState } from "@odoo/owl";
import { formatCurrency } from "@web/core/currency";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const MEASURES = ["ordered", "invoiced", "collected"];

/**
 * The Sales Admin dashboard: this week against target per team and salesperson, the 13-week trend, the top
 * customers, late deliveries, overdue invoices, open complaints and SLA breaches. The server reads every figure
 * with the user's rights and gives the action listing the records behind it: a click opens that list.
 */
export class SalesAdminDashboard extends Component {
    static template = "sales_admin_addon.SalesAdminDashboard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.measures = MEASURES;
        this.measureLabels = {
            ordered: _t("Ordered"),
            invoiced: _t("Invoiced"),
            collected: _t("Collected"),
        };
        this.state = useState({ data: null, scope: "all", trendMeasure: "ordered" });
        onWillStart(() => this.load());
    }

    get display() {
        return { controlPanel: {} };
    }

    async load() {
        this.state.data = await this.orm.call("sales_admin.dashboard", "get_dashboard_data", [], {
            scope: this.state.scope,
        });
    }

    async setScope(scope) {
        this.state.scope = scope;
        await this.load();
    }

    open(action) {
        if (action) {
            this.actionService.doAction(action);
        }
    }

    formatAmount(amount, humanReadable = false) {
        return formatCurrency(amount || 0, this.state.data.currency_id, { humanReadable });
    }

    formatAttainment(attainment) {
        return attainment === null || attainment === undefined ? "—" : `${Math.round(attainment)} %`;
    }

    attainmentClass(attainment) {
        if (attainment === null || attainment === undefined) {
            return "text-muted";
        }
        return attainment >= 100 ? "text-success" : attainment >= 80 ? "text-warning" : "text-danger";
    }

    /** The trend's bars for the chosen measure, heights in % of the highest figure (actual or target). */
    get trendBars() {
        const measure = this.state.trendMeasure;
        const trend = this.state.data.weekly?.trend || [];
        const highest = Math.max(1, ...trend.flatMap((week) => [week[measure], week[`target_${measure}`]]));
        return trend.map((week) => ({
            week,
            label: week.label,
            value: week[measure],
            target: week[`target_${measure}`],
            height: (100 * Math.max(week[measure], 0)) / highest,
            targetHeight: (100 * Math.max(week[`target_${measure}`], 0)) / highest,
            title: _t("%(week)s: %(actual)s (target %(target)s)", {
                week: week.label,
                actual: this.formatAmount(week[measure]),
                target: this.formatAmount(week[`target_${measure}`]),
            }),
        }));
    }
}

registry.category("actions").add("sales_admin_addon.dashboard", SalesAdminDashboard);
