import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { pick } from "@web/core/utils/objects";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// How long the device may take to give its position (once the user allowed it).
const POSITION_TIMEOUT_MS = 5000;
// How long to wait at all, a permission prompt left unanswered included, before checking in without it.
const POSITION_DEADLINE_MS = 8000;

/**
 * Asks the browser for the GPS position; resolves with {latitude, longitude}, or with a `reason` when there is
 * none: no geolocation in the browser, refused (by the user, or by the browser off HTTPS), unavailable, or too
 * slow (a permission prompt nobody answers included). Never rejects: the visit is checked in anyway.
 */
export function getDevicePosition(geolocation = navigator.geolocation) {
    if (!geolocation) {
        return Promise.resolve({ reason: "unsupported" });
    }
    return new Promise((resolve) => {
        const deadline = setTimeout(() => resolve({ reason: "timeout" }), POSITION_DEADLINE_MS);
        const done = (result) => {
            clearTimeout(deadline);
            resolve(result);
        };
        try {
            geolocation.getCurrentPosition(
                ({ coords }) => done({ latitude: coords.latitude, longitude: coords.longitude }),
                (error) => done({ reason: error && error.code === 1 ? "denied" : "unavailable" }),
                { enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000 }
            );
        } catch {
            done({ reason: "unavailable" });
        }
    });
}

/**
 * The visit's "Check In" button: asks the browser for the GPS position (the user may refuse, the device may
 * have none) and checks the visit in with it, or says why there is none and checks it in without it.
 *
 * The check-in goes through the view's button handler, like any `type="object"` button: the form is saved
 * first and the record (or the kanban) is reloaded afterwards. This keeps working when the button sits in a
 * dropdown that closes on the tap (the phone layout puts the form's header buttons in the action menu).
 */
export class VisitCheckIn extends Component {
    static template = "sales_admin_addon.VisitCheckIn";
    static props = { ...standardWidgetProps };

    setup() {
        this.state = useState({ locating: false });
    }

    async onClick() {
        if (this.state.locating) {
            return;
        }
        // services from env.services: the component may be gone (closed dropdown) when the position arrives
        const { notification } = this.env.services;
        const record = this.props.record;
        this.state.locating = true;
        let position;
        try {
            position = await getDevicePosition();
        } finally {
            this.state.locating = false;
        }
        if (position.reason) {
            notification.add(this.reasonMessage(position.reason), {
                title: _t("Check-in without position"),
                type: "warning",
            });
        }
        const args = "latitude" in position ? [position.latitude, position.longitude] : [];
        await this.env.onClickViewButton({
            clickParams: { type: "object", name: "action_check_in", args: JSON.stringify(args) },
            getResParams: () => pick(record, "context", "evalContext", "resModel", "resId", "resIds"),
        });
    }

    reasonMessage(reason) {
        return {
            unsupported: _t("This browser cannot give the position."),
            // browsers also refuse it themselves on a connection that is not HTTPS
            denied: _t(
                "The position was refused (by you, or by the browser when the connection is not HTTPS): allow this site to use your location to record it."
            ),
            unavailable: _t("The device could not find its position."),
            timeout: _t("The device took too long to find its position."),
        }[reason];
    }
}

registry.category("view_widgets").add("sales_admin_visit_checkin", { component: VisitCheckIn });
