import logging
import threading
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount
from odoo.tools.pdf import PdfReadError

from ..tools import retry_batch

_logger = logging.getLogger(__name__)


class SalesAdminReminder(models.Model):
    """One payment reminder to one customer in one company: planned ("pending") by the daily run or by hand, then
    sent (e-mail queued, letter rendered, call planned) or skipped with its reason. It lists every overdue invoice of
    the customer it was sent for; sending records the level on those invoices, and an invoice only asks for a new
    reminder when it reaches a higher level, which is what makes the run idempotent."""

    _name = "sales_admin.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _sql_constraints = [
        (
            "partner_level_date_uniq",
            "UNIQUE(company_id, partner_id, level_id, date)",
            "A customer gets one reminder of a level per day.",
        ),
    ]

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "sales_admin.reminder.level",
        required=True,
        check_company=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    channel = fields.Selection(related="level_id.channel", store=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        [("pending", "To Send"), ("sent", "Sent"), ("skipped", "Skipped"), ("cancel", "Cancelled")],
        required=True,
        default="pending",
        readonly=True,
        index=True,
        tracking=True,
    )
    skip_reason = fields.Char(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", readonly=True, help="Who calls or posts the letter of this reminder."
    )
    recipient_id = fields.Many2one(
        "res.partner",
        readonly=True,
        help="The contact the reminder goes to: the customer's invoice address when it has one, else the customer.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "sales_admin_reminder_account_move_rel",
        "reminder_id",
        "move_id",
        string="Invoices",
        readonly=True,
        help="The customer's overdue invoices the reminder covers.",
    )
    amount_overdue = fields.Monetary(
        string="Overdue Amount", readonly=True, help="The open amount of the covered invoices, in company currency."
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    preview_body = fields.Html(compute="_compute_preview_body", sanitize=False)

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("partner_id", "level_id")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = self.env._(
                "%(level)s: %(customer)s (%(date)s)",
                level=reminder.level_id.name or "",
                customer=reminder.partner_id.name or "",
                date=reminder.date or "",
            )

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for reminder in self:
            reminder.invoice_count = len(reminder.invoice_ids)

    @api.depends("level_id", "state", "invoice_ids")
    def _compute_preview_body(self):
        for reminder in self:
            template = reminder.level_id.mail_template_id
            if not (template and reminder.id):
                reminder.preview_body = False
                continue
            reminder.preview_body = template._render_field("body_html", reminder.ids, compute_lang=True)[reminder.id]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(reminder.state == "sent" for reminder in self):
            raise UserError(self.env._("A sent reminder is a record of what the customer received: it is not deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send these pending reminders now, through the same path as the daily run."""
        self.check_access("write")
        pending = self.filtered(lambda reminder: reminder.state == "pending")
        if not pending:
            raise UserError(self.env._("Only reminders waiting to be sent can be sent."))
        pending._send_reminders()
        return True

    def action_cancel(self):
        self.check_access("write")
        if any(reminder.state != "pending" for reminder in self):
            raise UserError(self.env._("Only reminders waiting to be sent can be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_print_letter(self):
        return self.env.ref("sales_admin_addon.action_report_sales_admin_reminder_letter").report_action(self)

    # ------------------------------------------------------------
    # Business methods: what is due
    # ------------------------------------------------------------

    @api.model
    def _get_eligible_invoice_sql(self, today, company_ids=None, partner_ids=None):
        """WHERE clause on ``account_move AS move``: overdue customer invoices that reminders may name (not in
        dispute, not held by a payment promise). Kept in one place so planning, sending and the benchmark's raw
        baseline select the same lines."""
        clauses = [
            SQL("move.move_type = 'out_invoice'"),
            SQL("move.state = 'posted'"),
            SQL("move.payment_state IN ('not_paid', 'partial')"),
            SQL("move.invoice_date_due < %s", today),
            SQL("move.sales_admin_in_dispute IS NOT TRUE"),
            # a customer who promised to pay is left alone until the promised day
            SQL(
                """NOT EXISTS (
                       SELECT 1 FROM sales_admin_collection_case promised
                        WHERE promised.partner_id = move.commercial_partner_id
                          AND promised.company_id = move.company_id
                          AND promised.state = 'open'
                          AND promised.promise_state = 'pending'
                          AND promised.promise_date >= %s)""",
                today,
            ),
        ]
        if company_ids is not None:
            clauses.append(SQL("move.company_id = ANY(%s)", list(company_ids)))
        if partner_ids is not None:
            clauses.append(SQL("move.commercial_partner_id = ANY(%s)", list(partner_ids)))
        clauses.extend(self._get_eligible_invoice_extra_sql(today))
        return SQL(" AND ").join(clauses)

    @api.model
    def _get_eligible_invoice_extra_sql(self, today):
        """Hook: further conditions on the overdue invoices reminders may name."""
        return []

    @api.model
    def _get_due_invoice_query(self, today, company_ids=None, partner_ids=None):
        """The eligible overdue invoices with the level each has reached (the active level of its company with the
        most days not beyond its days overdue) and the level last sent for it: ``(move_id, company_id, partner_id,
        due_level_id, due_days, sent_days)``."""
        return SQL(
            """
            SELECT move.id AS move_id,
                   move.company_id,
                   move.commercial_partner_id AS partner_id,
                   due.id AS due_level_id,
                   due.days_after_due AS due_days,
                   COALESCE(sent.days_after_due, 0) AS sent_days
              FROM account_move move
              JOIN LATERAL (
                    SELECT level.id, level.days_after_due
                      FROM sales_admin_reminder_level level
                     WHERE level.company_id = move.company_id
                       AND level.active
                       AND level.days_after_due <= %(today)s - move.invoice_date_due
                  ORDER BY level.days_after_due DESC
                     LIMIT 1
                   ) due ON TRUE
         LEFT JOIN sales_admin_reminder_level sent ON sent.id = move.sales_admin_reminder_level_id
             WHERE %(where)s
            """,
            today=today,
            where=self._get_eligible_invoice_sql(today, company_ids, partner_ids),
        )

    @api.model
    def _get_due_reminder_query(self, today, company_ids=None, partner_ids=None):
        """One row per customer and company due a reminder: ``(company_id, partner_id, level_id)``, the level being
        the highest one reached by an invoice that has not had it yet."""
        return SQL(
            """
            SELECT DISTINCT ON (due.company_id, due.partner_id)
                   due.company_id, due.partner_id, due.due_level_id AS level_id
              FROM (%(due)s) due
             WHERE due.due_days > due.sent_days
          ORDER BY due.company_id, due.partner_id, due.due_days DESC
            """,
            due=self._get_due_invoice_query(today, company_ids, partner_ids),
        )

    @api.model
    def _plan_reminders(self, today=None, company_ids=None, partner_ids=None):
        """Plan the due reminders as pending rows, in one INSERT ... SELECT. A customer already planned for that
        level and day is left alone (the unique key), so overlapping or repeated runs plan nothing twice.

        :return: the ids of the reminders planned now
        """
        today = today or fields.Date.context_today(self)
        self.env["account.move"].flush_model(
            [
                "move_type",
                "state",
                "payment_state",
                "invoice_date_due",
                "company_id",
                "commercial_partner_id",
                "sales_admin_in_dispute",
                "sales_admin_reminder_level_id",
            ]
        )
        self.env["sales_admin.reminder.level"].flush_model()
        self.env["sales_admin.collection.case"].flush_model(
            ["partner_id", "company_id", "state", "promise_state", "promise_date"]
        )
        self.flush_model()
        uid = self.env.uid
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO sales_admin_reminder
                       (company_id, partner_id, level_id, channel, date, state,
                        create_uid, create_date, write_uid, write_date)
                SELECT planned.company_id, planned.partner_id, planned.level_id, level.channel, %(today)s, 'pending',
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM (%(due)s) planned
                  JOIN sales_admin_reminder_level level ON level.id = planned.level_id
                 WHERE NOT EXISTS (
                        SELECT 1 FROM sales_admin_reminder pending
                         WHERE pending.company_id = planned.company_id
                           AND pending.partner_id = planned.partner_id
                           AND pending.state = 'pending'
                       )
                ON CONFLICT (company_id, partner_id, level_id, date) DO NOTHING
             RETURNING id
                """,
                today=today,
                uid=uid,
                due=self._get_due_reminder_query(today, company_ids, partner_ids),
            )
        )
        return [row[0] for row in rows]

    # ------------------------------------------------------------
    # Business methods: sending
    # ------------------------------------------------------------

    def _get_reminder_responsible(self, level, partner):
        """Who calls or posts: the level's responsible, else the customer's salesperson, else the current user."""
        return level.user_id or partner.user_id or self.env.user

    def _prepare_reminders(self):
        """Fill pending reminders as of today: each is checked again against the customer's overdue invoices (paid,
        disputed or promised ones since planning are left out; nothing left means skipped, logged with the reason),
        its level set to the highest one reached, its recipient, responsible, invoices and amount set.

        :return: the reminders ready to send, and ``{invoice id: level id reached}``
        """
        today = fields.Date.context_today(self)
        reminders = self.filtered(lambda reminder: reminder.state == "pending")
        if not reminders:
            return self.browse(), {}
        self.env["account.move"].flush_model()
        self.env["sales_admin.collection.case"].flush_model(
            ["partner_id", "company_id", "state", "promise_state", "promise_date"]
        )
        due_rows = self.env.execute_query_dict(
            self._get_due_invoice_query(today, set(reminders.company_id.ids), set(reminders.partner_id.ids))
        )
        invoices_by_key = defaultdict(list)
        levels_by_key = defaultdict(list)
        for row in due_rows:
            key = (row["company_id"], row["partner_id"])
            invoices_by_key[key].append(row["move_id"])
            if row["due_days"] > row["sent_days"]:
                levels_by_key[key].append((row["due_days"], row["due_level_id"]))
        moves = self.env["account.move"].browse([row["move_id"] for row in due_rows])
        moves.fetch(["amount_residual_signed", "commercial_partner_id"])
        levels = self.env["sales_admin.reminder.level"].browse({row["due_level_id"] for row in due_rows})
        # the invoices whose level rises with this reminder (a level is never lowered)
        due_level_of_move = {
            row["move_id"]: row["due_level_id"] for row in due_rows if row["due_days"] > row["sent_days"]
        }

        to_send = self.browse()
        skipped = defaultdict(lambda: self.browse())
        for reminder in reminders:
            key = (reminder.company_id.id, reminder.partner_id.id)
            if not levels_by_key.get(key):
                skipped[
                    self.env._("Nothing overdue is due a reminder any more (paid, disputed or already reminded).")
                ] |= reminder
                continue
            level = levels.browse(max(levels_by_key[key])[1])
            partner = reminder.partner_id
            recipient = partner._get_invoice_address()
            if not recipient.email:
                recipient = partner
            invoices = moves.browse(invoices_by_key[key])
            if level.channel == "email" and not recipient.email:
                skipped[self.env._("The customer has no e-mail address for an e-mail reminder.")] |= reminder
                continue
            reminder.write(
                {
                    "level_id": level.id,
                    "recipient_id": recipient.id,
                    "user_id": self._get_reminder_responsible(level, partner).id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "amount_overdue": sum(invoices.mapped("amount_residual_signed")),
                }
            )
            to_send |= reminder
        for reason, skipped_reminders in skipped.items():
            skipped_reminders.write({"state": "skipped", "skip_reason": reason})
            _logger.warning("Payment reminders %s skipped: %s", skipped_reminders.ids, reason)
        return to_send, due_level_of_move

    def _send_reminders(self):
        """Send pending reminders: prepared again as of today (see ``_prepare_reminders``), then e-mails are queued in
        batch per template, letters rendered in one PDF run and calls planned as activities, the level reached is
        recorded on the invoices. Everything is written in the caller's transaction: a crash before its commit leaves
        the reminders pending and nothing sent."""
        today = fields.Date.context_today(self)
        to_send, due_level_of_move = self._prepare_reminders()
        if not to_send:
            return to_send

        to_send.write({"state": "sent", "sent_date": fields.Datetime.now()})
        by_channel = to_send.grouped("channel")
        by_channel.get("letter", self.browse())._render_letters()
        for template, template_reminders in (
            by_channel.get("email", self.browse()).grouped(lambda reminder: reminder.level_id.mail_template_id).items()
        ):
            template.send_mail_batch(template_reminders.ids, email_layout_xmlid="mail.mail_notification_light")
        for template, template_reminders in (
            by_channel.get("letter", self.browse()).grouped(lambda reminder: reminder.level_id.mail_template_id).items()
        ):
            recipients_with_email = template_reminders.filtered(lambda reminder: reminder.recipient_id.email)
            if template and recipients_with_email:
                template.send_mail_batch(recipients_with_email.ids, email_layout_xmlid="mail.mail_notification_light")

        # record the level reached on each invoice (never lowered), one write per level
        moves_by_level = defaultdict(list)
        for move_id in to_send.invoice_ids.ids:
            if move_id in due_level_of_move:
                moves_by_level[due_level_of_move[move_id]].append(move_id)
        # skip_invoice_sync: these two fields touch no journal item, Odoo need not re-synchronise the tax and
        # payment-term lines of every invoice written (93 % of a run's time without it, benchmarks/RESULTS.md)
        for level_id, move_ids in moves_by_level.items():
            self.env["account.move"].browse(move_ids).with_context(tracking_disable=True, skip_invoice_sync=True).write(
                {"sales_admin_reminder_level_id": level_id, "sales_admin_last_reminder_date": today}
            )
        cases = self.env["sales_admin.collection.case"]._refresh_collection_cases(
            to_send.partner_id.ids, to_send.company_id.ids
        )
        to_send._schedule_reminder_activities(cases)
        self._after_reminders_sent(to_send)
        return to_send

    def _render_letters(self):
        """Render the letters of these reminders in one wkhtmltopdf run; the report keeps each one as an attachment
        of its reminder. Odoo splits that run per reminder by pages or by the PDF's outline; a wkhtmltopdf built
        without the patched Qt writes no outline, so the letters of more than one page cannot be told apart: those
        left without their attachment are rendered one by one."""
        if not self:
            return
        report = self.env.ref("sales_admin_addon.action_report_sales_admin_reminder_letter").sudo()
        remaining = self
        if len(self) > 1:
            try:
                _content, report_type = report._render_qweb_pdf(report.report_name, res_ids=self.ids)
            except (UserError, PdfReadError) as error:
                # e.g. an unpatched wkhtmltopdf that writes an empty file for several documents: one by one below
                _logger.warning("The letters of reminders %s could not be rendered in one run: %s", self.ids, error)
                report_type = "pdf"
            if report_type != "pdf":
                return  # tests render HTML, no attachment
            saved = set(
                self.env["ir.attachment"]
                .sudo()
                .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
                .mapped("res_id")
            )
            remaining = self.filtered(lambda reminder: reminder.id not in saved)
        for reminder in remaining:
            try:
                report._render_qweb_pdf(report.report_name, res_ids=reminder.ids)
            except (UserError, PdfReadError) as error:
                # one letter that cannot be rendered must not stop the run (nor every run after it): the reminder
                # stays sent, its to-do to post the letter stands, "Print Letter" renders it again
                _logger.warning("The letter of reminder %s could not be rendered: %s", reminder.id, error)
                reminder.message_post(
                    body=self.env._("The letter could not be rendered (%(error)s): print it again.", error=error),
                    subtype_xmlid="mail.mt_note",
                )

    def _schedule_reminder_activities(self, cases):
        """A call to make for phone levels, a letter to post for letter levels, assigned to the reminder's
        responsible, in one create: on the customer's collection case (the workspace's next action), else on the
        reminder."""
        activity_vals = []
        case_by_key = {(case.partner_id.id, case.company_id.id): case for case in cases}
        reminder_model_id = self.env["ir.model"]._get_id(self._name)
        case_model_id = self.env["ir.model"]._get_id("sales_admin.collection.case")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        call_type = self.env.ref("mail.mail_activity_data_call")
        today = fields.Date.context_today(self)
        for reminder in self.filtered(lambda reminder: reminder.channel in ("phone", "letter")):
            if reminder.channel == "phone":
                activity_type = reminder.level_id.activity_type_id or call_type
                summary = self.env._("Call about overdue invoices")
            else:
                activity_type = reminder.level_id.activity_type_id or todo_type
                summary = self.env._("Post the payment reminder letter")
            case = case_by_key.get((reminder.partner_id.id, reminder.company_id.id))
            activity_vals.append(
                {
                    "res_model_id": case_model_id if case else reminder_model_id,
                    "res_id": case.id if case else reminder.id,
                    "note": reminder._get_activity_note(),
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "user_id": reminder.user_id.id,
                    "date_deadline": today,
                }
            )
        if activity_vals:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activity_vals)

    def _get_activity_note(self):
        self.ensure_one()
        return Markup("<p>%s</p>") % self.env._(
            "%(level)s: %(count)s overdue invoices, %(amount)s (%(invoices)s).",
            level=self.level_id.name,
            count=len(self.invoice_ids),
            amount=format_amount(self.env, self.amount_overdue, self.currency_id),
            invoices=", ".join(self.invoice_ids.mapped("name")),
        )

    def _after_reminders_sent(self, reminders):
        """Hook run after a batch is sent (collection cases refresh their figures here)."""
        return

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Plan today's reminders, then send every pending one batch by batch. Each batch commits (outside tests)
        with its mails, letters, activities and invoice levels, so a run killed midway is resumed by the next one
        without sending anything twice; batches are taken FOR UPDATE SKIP LOCKED, so overlapping runs share the
        work instead of doubling it; a batch that meets users writing the same customers or invoices at the same
        time (a serialization failure) is rolled back and run again (``tools.retry_batch``)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        reminders = self.sudo()
        # the plan's INSERT checks its customers' rows too: users writing them at the same time make it fail
        retry_batch(self.env, reminders._plan_reminders, auto_commit)
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        total = reminders.search_count([("state", "=", "pending")])
        done = 0
        seen_ids = set()

        def send_batch():
            batch_ids = [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT id FROM sales_admin_reminder
                         WHERE state = 'pending'
                         ORDER BY id
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED
                        """,
                        batch_size,
                    )
                )
            ]
            if not batch_ids or seen_ids.issuperset(batch_ids):
                return []
            # the customers are not locked before sending: the letters' PDF is rendered by wkhtmltopdf fetching
            # from the HTTP workers, which would wait for those locks behind users blocked on them (a load run saw
            # every worker stuck); a batch that meets users' writes is run again instead
            for company, company_reminders in reminders.browse(batch_ids).grouped("company_id").items():
                company_reminders.with_company(company)._send_reminders()
            return batch_ids

        while True:
            batch_ids = retry_batch(self.env, send_batch, auto_commit)
            if not batch_ids:
                break
            seen_ids.update(batch_ids)
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done
