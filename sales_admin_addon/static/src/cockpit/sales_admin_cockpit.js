import { Component, onWillStart, useState } from "@odoo/owl";
import { formatCurrency } from "@web/core/currency";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const SEVERITIES = ["danger", "warning", "info", "success", "muted"];

/**
 * The "Today" cockpit, landing screen of the Sales Admin app.
 *
 * Everything shown comes from ``sales_admin.cockpit.get_cockpit_data``, read with the user's rights; the
 * component knows no counter: it renders the sections, counters, breakdowns, the weekly card and the quick
 * actions the server sends, and every click runs the action the server attached (a counter opens the list of
 * exactly what it counts, a listed record its form). The figures are read again whenever the cockpit is shown
 * (coming back through the breadcrumb included) and the chosen scope is kept meanwhile.
 */
export class SalesAdminCockpit extends Component {
    static template = "sales_admin_addon.SalesAdminCockpit";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null, loading: false });
        // the scope chosen before leaving the cockpit, restored when coming back to it
        this.scope = this.props.state?.scope || null;
        this.loadId = 0;
        useSetupAction({ getLocalState: () => ({ scope: this.scope }) });
        onWillStart(() => this.load());
    }

    get display() {
        return { controlPanel: {} };
    }

    /** Reads the cockpit of ``this.scope``; only the answer of the latest request is shown. */
    async load() {
        const loadId = ++this.loadId;
        this.state.loading = true;
        try {
            const data = await this.orm.call("sales_admin.cockpit", "get_cockpit_data", [], {
                scope: this.scope,
            });
            if (loadId === this.loadId) {
                this.scope = data.scope;
                this.state.data = data;
            }
        } finally {
            if (loadId === this.loadId) {
                this.state.loading = false;
            }
        }
    }

    async setScope(scope) {
        if (scope === this.state.data.scope) {
            return;
        }
        this.scope = scope;
        await this.load();
    }

    get todayLabel() {
        const today = this.state.data.today;
        return today ? formatDate(deserializeDate(today), { format: "cccc d MMMM yyyy" }) : "";
    }

    get hasCounters() {
        return this.state.data.sections.some((section) => section.counters.length);
    }

    /** The counter's severity as a colour name (danger, warning, info, success or muted). */
    toneOf(severity) {
        return SEVERITIES.includes(severity) ? severity : "muted";
    }

    counterTitle(counter) {
        return _t("Open the list: %(label)s", { label: counter.label });
    }

    open(action) {
        if (action) {
            this.actionService.doAction(action);
        }
    }

    /** Opens a listed record's form; the pager walks through the other records listed under its counter. */
    openItem(counter, item) {
        const resIds = counter.items.filter((other) => other.res_model === item.res_model).map((other) => other.id);
        this.actionService.doAction(
            {
                type: "ir.actions.act_window",
                res_model: item.res_model,
                res_id: item.id,
                views: [[false, "form"]],
                target: "current",
            },
            { props: { resIds } }
        );
    }

    formatAmount(amount) {
        return formatCurrency(amount || 0, this.state.data.weekly.currency_id, { humanReadable: true });
    }

    formatAttainment(attainment) {
        return attainment === null || attainment === undefined || attainment === false
            ? "—"
            : `${Math.round(attainment)} %`;
    }

    attainmentSeverity(attainment) {
        if (attainment === null || attainment === undefined || attainment === false) {
            return "muted";
        }
        return attainment >= 100 ? "success" : attainment >= 80 ? "warning" : "danger";
    }

    /** The weekly card's two rows: ordered and invoiced against their targets. */
    get weeklyRows() {
        const weekly = this.state.data.weekly;
        return [
            { key: "ordered", label: _t("Ordered") },
            { key: "invoiced", label: _t("Invoiced") },
        ].map(({ key, label }) => {
            const attainment = weekly[`attainment_${key}`];
            return {
                key,
                label,
                amount: this.formatAmount(weekly[key]),
                target: this.formatAmount(weekly[`target_${key}`]),
                attainment: this.formatAttainment(attainment),
                severity: this.attainmentSeverity(attainment),
                width: Math.min(100, Math.max(0, attainment || 0)),
            };
        });
    }
}

registry.category("actions").add("sales_admin_addon.cockpit", SalesAdminCockpit);
