from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesAdminSegmentSurvey(models.TransientModel):
    """Send a survey to the members of a customer segment: one personal invitation per member, through Odoo's
    own invitation wizard (``survey.invite``), each answer linked to its partner and to the segment."""

    _name = "sales_admin.segment.survey"
    _description = "Send a Survey to a Customer Segment"

    def _default_template(self):
        return self.env.ref("survey.mail_template_user_input_invite", raise_if_not_found=False)

    segment_id = fields.Many2one("sales_admin.segment", string="Customer Segment", required=True, readonly=True)
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        domain="[('active', '=', True)]",
    )
    deadline = fields.Datetime(string="Answer Deadline")
    template_id = fields.Many2one(
        "mail.template",
        string="Mail Template",
        required=True,
        default=lambda self: self._default_template(),
        domain="[('model', '=', 'survey.user_input')]",
        help="The invitation e-mail; each member gets it in their own language with a personal link.",
    )
    recipient_count = fields.Integer(string="To Invite", compute="_compute_counts")
    no_email_count = fields.Integer(string="Without E-mail", compute="_compute_counts")
    blacklisted_count = fields.Integer(string="Blacklisted", compute="_compute_counts")
    already_invited_count = fields.Integer(
        string="Already Invited",
        compute="_compute_counts",
        help="Members who were invited to this survey and have not finished it yet: they are not invited again.",
    )

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("segment_id", "survey_id")
    def _compute_counts(self):
        for wizard in self:
            if not wizard.segment_id:
                wizard.update(
                    {"recipient_count": 0, "no_email_count": 0, "blacklisted_count": 0, "already_invited_count": 0}
                )
                continue
            groups = wizard._get_recipient_groups()
            wizard.update(
                {
                    "recipient_count": len(groups["recipients"]),
                    "no_email_count": len(groups["no_email"]),
                    "blacklisted_count": len(groups["blacklisted"]),
                    "already_invited_count": len(groups["already_invited"]),
                }
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send(self):
        """Invite the members with an e-mail address; refuse (and send nothing) when the survey cannot be
        answered by customers or when nobody is left to invite."""
        self.ensure_one()
        survey = self.survey_id
        self._check_survey(survey)
        groups = self._get_recipient_groups()
        recipients = groups["recipients"]
        if not recipients:
            raise UserError(
                self.env._(
                    "Nobody to invite in %(segment)s: %(no_email)s member(s) without an e-mail address, "
                    "%(blacklisted)s blacklisted, %(invited)s already invited to this survey.",
                    segment=self.segment_id.name,
                    no_email=len(groups["no_email"]),
                    blacklisted=len(groups["blacklisted"]),
                    invited=len(groups["already_invited"]),
                )
            )
        if survey.users_login_required and not survey.users_can_signup:
            without_user = recipients.filtered(lambda partner: not partner.user_ids)
            if without_user:
                raise UserError(
                    self.env._(
                        "This survey asks its participants to log in and does not let them sign up; "
                        "%(count)s member(s) have no user account, for example %(partner)s.",
                        count=len(without_user),
                        partner=without_user[0].display_name,
                    )
                )
        answers = self._invite(recipients)
        # the log of the campaign, also when the sender may read the segment but not edit it
        self.segment_id.sudo().message_post(
            author_id=self.env.user.partner_id.id,
            body=self.env._(
                "Survey %(survey)s sent: %(sent)s invitation(s); skipped: %(no_email)s without an e-mail address, "
                "%(blacklisted)s blacklisted, %(invited)s already invited.",
                survey=survey.title,
                sent=len(answers),
                no_email=len(groups["no_email"]),
                blacklisted=len(groups["blacklisted"]),
                invited=len(groups["already_invited"]),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s invitation(s) queued.", count=len(answers)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _check_survey(self, survey):
        """Odoo's own checks before an invitation: questions, scores, sections, closed surveys."""
        survey.check_validity()

    def _get_recipient_groups(self):
        """The segment's members split into the ones to invite and the ones skipped (and why)."""
        self.ensure_one()
        members = self.segment_id._get_partners()
        no_email = members.filtered(lambda partner: not partner.email_normalized)
        blacklisted = (members - no_email).filtered("is_blacklisted")
        candidates = members - no_email - blacklisted
        already_invited = self.env["res.partner"]
        if self.survey_id and candidates:
            already_invited = (
                self.env["survey.user_input"]
                .sudo()
                .search(
                    [
                        ("survey_id", "=", self.survey_id.id),
                        ("partner_id", "in", candidates.ids),
                        ("state", "!=", "done"),
                        ("test_entry", "=", False),
                    ]
                )
                .partner_id.with_env(self.env)
            )
        return {
            "recipients": candidates - already_invited,
            "no_email": no_email,
            "blacklisted": blacklisted,
            "already_invited": already_invited,
        }

    def _invite(self, partners):
        """One answer per partner and one mail per answer, queued (mail.mail), written in each partner's
        language: Odoo's invitation wizard does the work, one per language."""
        answers = self.env["survey.user_input"]
        partners_by_lang = {}
        for partner in partners:
            partners_by_lang[partner.lang] = partners_by_lang.get(partner.lang, self.env["res.partner"]) | partner
        for lang, lang_partners in partners_by_lang.items():
            invite = (
                self.env["survey.invite"]
                .with_context(lang=lang or self.env.lang, sales_admin_segment_id=self.segment_id.id)
                .create(
                    {
                        "survey_id": self.survey_id.id,
                        "template_id": self.template_id.id,
                        "deadline": self.deadline,
                        "existing_mode": "new",
                    }
                )
            )
            lang_answers = invite._prepare_answers(lang_partners, [])
            sender = invite.with_context(default_email_layout_xmlid="mail.mail_notification_light")
            for answer in lang_answers:
                sender._send_mail(answer)
            answers |= lang_answers
        return answers
