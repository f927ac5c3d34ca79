from odoo import Command, fields, models
from odoo.exceptions import UserError


class SalesAdminSegmentMailing(models.TransientModel):
    """Create a newsletter for a customer segment: the segment's mailing list is synced first, then a mailing on
    that list is made from a favourite mailing's design (or left to be designed), with a UTM campaign so the
    quotations it brings carry it, and kept as a draft to review or scheduled through Odoo's mass mailing queue.

    Without a campaign, the campaign named after the segment is used (made the first time): all the newsletters of
    a segment add up in the revenue report unless another campaign is chosen."""

    _name = "sales_admin.segment.mailing"
    _description = "Create a Mailing for a Customer Segment"

    segment_id = fields.Many2one("sales_admin.segment", string="Customer Segment", required=True, ondelete="cascade")
    subject = fields.Char(required=True)
    template_id = fields.Many2one(
        "mailing.mailing",
        string="Design From",
        domain=[("favorite", "=", True), ("mailing_type", "=", "mail")],
        help="A mailing marked as favourite whose content is copied; empty: design the e-mail on the new mailing.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        help="Empty: the campaign named after the segment (created the first time).",
    )
    schedule_date = fields.Datetime(
        string="Send On", help="Empty: the mailing is kept as a draft to review and send from the mailing."
    )

    def action_create_mailing(self):
        self.ensure_one()
        segment = self.segment_id
        if self.schedule_date and self.schedule_date <= fields.Datetime.now():
            raise UserError(self.env._("The mailing cannot be scheduled in the past: choose a later date."))
        with_email = self.env["res.partner"].search_count(
            [*segment._get_partner_domain(), ("email_normalized", "!=", False)], limit=1
        )
        if not with_email:
            raise UserError(
                self.env._("Segment %(segment)s has no member with an e-mail address.", segment=segment.name)
            )
        # a refused mailing leaves no synced list behind, even for a caller that goes on after the error
        with self.env.cr.savepoint():
            segment._sync_mailing_list()
            mailing_list = segment.mailing_list_id
            if not mailing_list.contact_count_email:
                raise UserError(
                    self.env._(
                        "The mailing list of segment %(segment)s has no one to write to: its members' addresses are "
                        "invalid, blacklisted or opted out.",
                        segment=segment.name,
                    )
                )
        mailing = self.env["mailing.mailing"].create(self._prepare_mailing_vals(mailing_list))
        if self.schedule_date:
            mailing.write({"schedule_type": "scheduled", "schedule_date": self.schedule_date})
            mailing.action_schedule()
        segment.message_post(
            body=self.env._("Mailing %(mailing)s created.", mailing=mailing.subject), subtype_xmlid="mail.mt_note"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _prepare_mailing_vals(self, mailing_list):
        campaign = self.campaign_id or self.env["utm.mixin"]._find_or_create_record(
            "utm.campaign", self.segment_id.name
        )
        vals = {
            "subject": self.subject,
            "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [Command.set(mailing_list.ids)],
            "campaign_id": campaign.id,
            "sales_admin_segment_id": self.segment_id.id,
        }
        if self.template_id:
            vals.update(
                {
                    "body_arch": self.template_id.body_arch,
                    "body_html": self.template_id.body_html,
                    "preview": self.template_id.preview,
                }
            )
        return vals
