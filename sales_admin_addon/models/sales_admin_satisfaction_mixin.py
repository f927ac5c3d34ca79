from odoo import fields, models


class SalesAdminSatisfactionMixin(models.AbstractModel):
    """A satisfaction survey sent to the customer once per record (a solved ticket, a visit done) as a personal
    invitation through the mail queue, and its answer written back on the record.

    The inheriting model names the survey of the record's company (``_sales_admin_satisfaction_survey``), the
    invitation's mail template (``_sales_admin_satisfaction_template``), the field linking the answer
    (``survey.user_input``) to the record (``_sales_admin_satisfaction_answer_field``) and which of its records are due
    one (``_sales_admin_satisfaction_due``).
    """

    _name = "sales_admin.satisfaction.mixin"
    _description = "Sales Admin Satisfaction Survey"

    _sales_admin_satisfaction_template = None
    _sales_admin_satisfaction_answer_field = None

    satisfaction_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", readonly=True, copy=False, index="btree_not_null"
    )
    satisfaction_score = fields.Float(
        string="Satisfaction (%)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="The score of the customer's answer to the satisfaction survey sent about this record.",
    )
    satisfaction_date = fields.Datetime(string="Satisfaction Answered On", readonly=True, copy=False)
    satisfaction_state = fields.Selection(
        [("sent", "Survey Sent"), ("answered", "Answered")], string="Satisfaction", readonly=True, copy=False
    )

    def _sales_admin_satisfaction_survey(self):
        """The survey to send about this record (one record), or nothing."""
        return self.env["survey.survey"]

    def _sales_admin_satisfaction_recipient(self):
        """Who answers: the person the record deals with, else the customer."""
        return self.contact_id or self.partner_id

    def _sales_admin_satisfaction_due(self):
        """The records of ``self`` to send the survey about."""
        return self.filtered(
            lambda record: not record.satisfaction_input_id
            and record._sales_admin_satisfaction_survey()
            and record._sales_admin_satisfaction_recipient().email
        )

    def _sales_admin_ask_satisfaction(self):
        """Send the survey about each record due one, once per record: an answer per record, the mails rendered
        in one batch and queued."""
        template = self.env.ref(self._sales_admin_satisfaction_template, raise_if_not_found=False)
        answers = self.env["survey.user_input"]
        for record in self._sales_admin_satisfaction_due().sudo():
            answer = record._sales_admin_satisfaction_survey()._create_answer(
                partner=record._sales_admin_satisfaction_recipient(),
                check_attempts=False,
                **{self._sales_admin_satisfaction_answer_field: record.id},
            )
            record.write({"satisfaction_input_id": answer.id, "satisfaction_state": "sent"})
            answers |= answer
        if template and answers:
            template.sudo().send_mail_batch(answers.ids, email_layout_xmlid="mail.mail_notification_light")
        for answer in answers:
            answer[self._sales_admin_satisfaction_answer_field].message_post(
                body=self.env._("Satisfaction survey sent to %(partner)s.", partner=answer.partner_id.name),
                subtype_xmlid="mail.mt_note",
            )

    def _sales_admin_record_satisfaction(self, answers):
        """The customer answered: the score lands on the record (and so on the customer's average)."""
        for answer in answers:
            record = answer[self._sales_admin_satisfaction_answer_field].sudo()
            record.write(
                {
                    "satisfaction_score": answer.scoring_percentage,
                    "satisfaction_date": answer.end_datetime,
                    "satisfaction_state": "answered",
                }
            )
            record.message_post(
                body=self.env._(
                    "The customer answered the satisfaction survey: %(score)s%%.", score=answer.scoring_percentage
                ),
                subtype_xmlid="mail.mt_note",
            )
