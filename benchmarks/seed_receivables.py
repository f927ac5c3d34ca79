"""Receivables for the reminder benchmark: 20k customers and 100k open overdue invoices (for bench_reminders.py).

    .venv/bin/python benchmarks/seed_receivables.py -d sales_admin_bench_collections [--customers 20000]
        [--overdue 100000] [--current 8000] [--partial 2500] [--seed 42]
    .venv/bin/python benchmarks/seed_receivables.py -d sales_admin_bench_collections --levels   # levels only
    .venv/bin/python benchmarks/seed_receivables.py -d sales_admin_bench_collections --check    # counts only

On a database with the addon installed without demo data (``odoo-bin -i sales_admin_addon --without-demo=all``):

- set-up through the ORM: a second company with its chart of accounts (``generic_coa``), the euro with a rate,
  four salespeople allowed in both companies, a dozen products;
- ``--customers`` customer companies through the ORM (batches of 1,000): 10 % of them belong to the second company,
  3 % are invoiced in euros, 5 % have no e-mail, 10 % have an invoice contact (with its own e-mail) the invoices go
  to; each with a salesperson, a payment term and Polish (90 %) or English as language;
- the base, through the ORM: 450 customer invoices of several shapes on a few hundred of these customers (1 to 5
  lines, 15 % tax, immediate to 45-day terms, an advance + 60 days term with two instalments, an early-payment
  discount term, euros), posted; then, as the Register Payment wizard does, full payments for a fifth of them,
  partial payments for one in eight, partial credit notes reconciled with a few more, and a few open credit notes;
- the multiplication, in SQL: the base invoices still unpaid (no payment, no credit note) are the templates of
  ``--overdue`` overdue and ``--current`` not yet due invoices, copied with their journal items (and their taxes and
  tax tags) with fresh ids, on customers of the same company and currency (every customer one overdue invoice, the
  rest drawn with a few customers much more often), dates shifted so that the due date falls 1 to 200 days before
  today (more of them recently) or up to the term's length ahead; names continue the journal's sequence of the
  year; partner, commercial partner, invoice contact name and salesperson follow the customer;
- ``--partial`` of the copies get a partial payment through the ORM (payments and reconciliations are never copied);
- the reminder levels of both companies (``ensure_levels``: e-mail at 7 and 21 days, letter at 45, phone at 75),
  which ``--levels`` (re)makes alone: e-mail levels need a mail template on ``sales_admin.reminder`` (the reminder
  engine's); without one, only the letter and phone levels are made;
- ``ANALYZE``, then the checks: invoices per bucket and reminder level, customers with overdue invoices, open
  amounts; ``search_count`` of ``account.move._get_sales_admin_overdue_domain`` against the same count in SQL; and
  the stored computes of a sample of copies (amounts, residuals, payment state, due date, commercial partner,
  dispute flag) recomputed by the ORM and compared with what the SQL wrote. Exit 1 when any differs.

It refuses to seed a database twice (an ``ir.config_parameter`` records the seed); the random choices come from
``--seed``. The copies are dated from the day of the seed: a benchmark run days later sees them older.
"""

import random
import sys
import time
from datetime import timedelta

from _common import environment, parse_args
from seed import CITIES, COMPANY_FORMS, COMPANY_STEMS, FIRST_NAMES, LAST_NAMES, STREETS, ascii_slug, landline, nip

from odoo import Command, fields
from odoo.tools import SQL

PARAM = "sales_admin_bench.seed_receivables"
MAIL_OFF = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
BATCH = 1000
MAX_OVERDUE_DAYS = 200
# the buckets printed by the checks: (name, first day overdue, last day overdue); the levels' days in LEVELS
BUCKETS = [
    ("current", None, 0),
    ("1-6", 1, 6),
    ("7-20", 7, 20),
    ("21-44", 21, 44),
    ("45-74", 45, 74),
    ("75+", 75, None),
]
# days after due, channel, name: the reminder levels of each company
LEVELS = [
    (7, "email", "First reminder (e-mail)"),
    (21, "email", "Second reminder (e-mail)"),
    (45, "letter", "Formal demand (letter)"),
    (75, "phone", "Collection call"),
]
TERMS = [
    ("account.account_payment_term_immediate", 10),
    ("account.account_payment_term_15days", 20),
    ("account.account_payment_term_21days", 15),
    ("account.account_payment_term_30days", 30),
    ("account.account_payment_term_45days", 15),
    ("account.account_payment_term_advance_60days", 5),
    ("account.account_payment_term_30days_early_discount", 5),
]
PRODUCTS = [
    ("Cement CEM II 32,5 25 kg", 24.90, "consu"),
    ("Klej do płytek C2TE 25 kg", 54.00, "consu"),
    ("Płyta g-k 12,5 mm 120x260", 32.50, "consu"),
    ("Styropian EPS 100 10 cm (paczka)", 119.00, "consu"),
    ("Wełna mineralna 15 cm (rolka)", 139.00, "consu"),
    ("Wiertarka udarowa 850 W", 389.00, "consu"),
    ("Przewód YDYp 3x2,5 100 m", 489.00, "consu"),
    ("Grzejnik stalowy 600x1000", 429.00, "consu"),
    ("Rura PEX-AL-PEX 16 mm 200 m", 899.00, "consu"),
    ("Transport HDS do 20 km", 350.00, "service"),
    ("Rozładunek z wniesieniem (godz.)", 120.00, "service"),
    ("Wynajem rusztowania (doba)", 95.00, "service"),
]


class ReceivablesSeeder:
    def __init__(self, env, args):
        admin = env.ref("base.user_admin")
        self.env = env(user=admin, su=True, context=dict(env.context, **MAIL_OFF))
        self.args = args
        self.rng = random.Random(args.seed)
        self.started = time.perf_counter()
        self.company = self.env.ref("base.main_company")
        self.company2 = self.env["res.company"]
        self.eur = self.env.ref("base.EUR")
        self.today = fields.Date.today()
        self.salespeople = self.env["res.users"]
        self.products = self.env["product.product"]
        # the seeded customers: group ('c1', 'eur', 'c2') -> list of (commercial partner, invoice partner)
        self.customers = {"c1": [], "eur": [], "c2": []}

    def step(self, message):
        print(f"[{time.perf_counter() - self.started:7.1f} s] seed_receivables: {message}", flush=True)

    def commit(self):
        self.env.flush_all()
        self.env.cr.commit()
        self.env.invalidate_all()

    # ------------------------------------------------------------
    # Set-up
    # ------------------------------------------------------------

    def setup(self):
        # the companies get no country: a country makes Odoo install its localisation (and account_peppol)
        env = self.env
        env["res.lang"]._activate_lang("pl_PL")
        admin = env.ref("base.user_admin")
        admin.write({"tz": "Europe/Warsaw"})
        self.today = fields.Date.context_today(admin)
        self.company.write(
            {
                "name": "Hurtownia Budowlana Wisła Sp. z o.o.",
                "street": "ul. Przemysłowa 12",
                "city": "Kraków",
                "zip": "30-701",
                "email": "windykacja@hurtownia-wisla.example.pl",
                "phone": "+48 12 345 67 89",
            }
        )
        self.company2 = env["res.company"].create(
            {
                "name": "Wisła Serwis Sp. z o.o.",
                "currency_id": self.company.currency_id.id,
                "city": "Katowice",
                "email": "ksiegowosc@wisla-serwis.example.pl",
            }
        )
        env["account.chart.template"].try_loading("generic_coa", company=self.company2, install_demo=False)
        companies = self.company | self.company2
        admin.write({"company_ids": [Command.link(self.company2.id)]})
        self.eur.active = True
        env["res.currency.rate"].create(
            [
                {"name": self.today - timedelta(days=720), "rate": 0.92, "currency_id": self.eur.id, "company_id": c.id}
                for c in companies
            ]
        )
        self.salespeople = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"{FIRST_NAMES[i * 3]} {LAST_NAMES[i * 2]}",
                        "login": f"handlowiec{i + 1}@hurtownia-wisla.example.pl",
                        "email": f"handlowiec{i + 1}@hurtownia-wisla.example.pl",
                        "company_id": (self.company2 if i == 3 else self.company).id,
                        "company_ids": [Command.set(companies.ids)],
                        "groups_id": [Command.link(env.ref("sales_team.group_sale_salesman").id)],
                        "lang": "pl_PL",
                        "tz": "Europe/Warsaw",
                    }
                    for i in range(4)
                ]
            )
        )
        self.products = env["product.product"].create(
            [
                {"name": name, "list_price": price, "type": kind, "invoice_policy": "order", "taxes_id": False}
                for name, price, kind in PRODUCTS
            ]
        )
        self.commit()
        self.step(f"set-up: second company {self.company2.name}, EUR, {len(self.salespeople)} salespeople, products")

    # ------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------

    def create_customers(self):
        rng = self.rng
        terms = [self.env.ref(xmlid) for xmlid, _weight in TERMS[:5]]
        term_weights = [weight for _xmlid, weight in TERMS[:5]]
        pricelist_eur = self.env["product.pricelist"].create({"name": "Cennik EUR", "currency_id": self.eur.id})
        plans = []
        for i in range(self.args.customers):
            r = rng.random()
            group = "c2" if r < 0.10 else "eur" if r < 0.13 else "c1"
            stem, form = rng.choice(COMPANY_STEMS), rng.choice(COMPANY_FORMS)
            city, zip_code = rng.choice(CITIES)
            name = f"{stem} {city} {i + 1:05d} {form}"
            vals = {
                "name": name,
                "is_company": True,
                "ref": f"RCV{i + 1:05d}",
                "street": f"{rng.choice(STREETS)} {rng.randint(1, 160)}",
                "city": city,
                "zip": zip_code,
                "country_id": self.env.ref("base.pl").id,
                "vat": nip(rng),
                "email": False if rng.random() < 0.05 else f"ksiegowosc@{ascii_slug(stem)}{i + 1}.example.pl",
                "phone": landline(rng),
                "lang": "pl_PL" if rng.random() < 0.9 else "en_US",
                "customer_rank": 1,
                "user_id": rng.choice(self.salespeople).id,
                "company_id": False,
                "property_payment_term_id": rng.choices(terms, term_weights)[0].id,
            }
            if group == "c2":
                vals["company_id"] = "c2"
            if group == "eur":
                vals["property_product_pricelist"] = pricelist_eur.id
            with_contact = rng.random() < 0.10
            plans.append((group, vals, with_contact))
        Partner = self.env["res.partner"]
        for group_company, company in (("c1", self.company), ("c2", self.company2)):
            chosen = [
                (group, vals, contact) for group, vals, contact in plans if (group == "c2") == (group_company == "c2")
            ]
            for start in range(0, len(chosen), BATCH):
                chunk = chosen[start : start + BATCH]
                vals_list = [
                    dict(vals, company_id=company.id if vals["company_id"] else False) for _g, vals, _c in chunk
                ]
                partners = Partner.with_company(company).create(vals_list)
                contacts_vals = []
                for partner, (_group, vals, with_contact) in zip(partners, chunk, strict=True):
                    if with_contact:
                        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                        contacts_vals.append(
                            {
                                "parent_id": partner.id,
                                "type": "invoice",
                                "name": person,
                                "email": f"{ascii_slug(person.replace(' ', '-'))}@{ascii_slug(vals['ref'])}.example.pl",
                                "lang": vals["lang"],
                            }
                        )
                contacts = Partner.with_company(company).create(contacts_vals)
                invoice_contact = {contact.parent_id.id: contact.id for contact in contacts}
                for partner, (group, _vals, _contact) in zip(partners, chunk, strict=True):
                    self.customers[group].append((partner.id, invoice_contact.get(partner.id, partner.id)))
                self.commit()
        self.step(
            "customers: "
            + ", ".join(f"{group} {len(rows)}" for group, rows in self.customers.items())
            + f" ({sum(contact for _g, _v, contact in plans)} with an invoice contact)"
        )

    # ------------------------------------------------------------
    # The base: invoices, payments and credit notes through the ORM
    # ------------------------------------------------------------

    def _invoice_vals(self, group, company, partner_id):
        rng = self.rng
        term = self.env.ref(rng.choices([x for x, _w in TERMS], [w for _x, w in TERMS])[0])
        tax = company.account_sale_tax_id
        lines = []
        for product in rng.sample(list(self.products), rng.choice((1, 1, 2, 3, 3, 4, 5))):
            price = product.list_price * (0.25 if group == "eur" else 1.0)
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": rng.choice((1, 2, 3, 5, 10, 20, 40)),
                        "price_unit": round(price * rng.uniform(0.9, 1.1), 2),
                        "discount": rng.choice((0, 0, 0, 5, 10)),
                        "tax_ids": [Command.set(tax.ids)],
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": self.today - timedelta(days=rng.randint(0, 240)),
            "invoice_payment_term_id": term.id,
            "currency_id": (self.eur if group == "eur" else company.currency_id).id,
            "invoice_line_ids": lines,
        }

    def create_base(self):
        rng = self.rng
        shares = {"c1": 300, "eur": 60, "c2": 90}
        invoices = self.env["account.move"]
        for group, count in shares.items():
            company = self.company2 if group == "c2" else self.company
            base_customers = rng.sample(self.customers[group], min(len(self.customers[group]), count * 2 // 3))
            vals_list = [self._invoice_vals(group, company, rng.choice(base_customers)[1]) for _i in range(count)]
            moves = self.env["account.move"].with_company(company).create(vals_list)
            moves.sorted(lambda move: (move.invoice_date, move.id)).action_post()
            invoices |= moves
            self.commit()
        self.step(f"base: {len(invoices)} invoices posted through the ORM")
        invoices = invoices.sorted("id")
        paid, partial, credited = [], [], []
        for invoice in invoices:
            r = rng.random()
            if r < 0.20:
                paid.append(invoice)
            elif r < 0.325:
                partial.append(invoice)
            elif r < 0.365:
                credited.append(invoice)
        plans = []
        for invoice in paid + partial:
            amount = invoice.amount_residual
            if invoice in partial:
                amount = invoice.currency_id.round(amount * rng.uniform(0.3, 0.8))
            paid_on = min(
                max(invoice.invoice_date_due + timedelta(days=rng.randint(-10, 20)), invoice.invoice_date), self.today
            )
            plans.append((invoice, amount, paid_on))
        register_payments(self.env, plans)
        self.commit()
        self._credit_notes(credited)
        self.commit()
        self.step(
            f"base: {len(paid)} invoices paid, {len(partial)} partly paid, {len(credited)} partly credited (ORM), "
            "4 open credit notes"
        )

    def _credit_notes(self, invoices):
        rng = self.rng
        refunds = self.env["account.move"]
        for invoice in invoices:
            line = invoice.invoice_line_ids[0]
            refunds |= (
                self.env["account.move"]
                .with_company(invoice.company_id)
                .create(
                    {
                        "move_type": "out_refund",
                        "partner_id": invoice.partner_id.id,
                        "invoice_date": min(invoice.invoice_date + timedelta(days=rng.randint(3, 20)), self.today),
                        "currency_id": invoice.currency_id.id,
                        "reversed_entry_id": invoice.id,
                        "ref": f"Korekta {invoice.name}",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": line.product_id.id,
                                    "quantity": max(1, line.quantity // 2),
                                    "price_unit": line.price_unit,
                                    "discount": line.discount,
                                    "tax_ids": [Command.set(line.tax_ids.ids)],
                                }
                            )
                        ],
                    }
                )
            )
        # a few credit notes without an invoice to settle (open credit)
        for group, company in (("c1", self.company), ("c2", self.company2)):
            for _i in range(2):
                vals = self._invoice_vals(group, company, rng.choice(self.customers[group])[1])
                vals.update(move_type="out_refund", invoice_payment_term_id=False)
                refunds |= self.env["account.move"].with_company(company).create(vals)
        refunds.action_post()
        for refund in refunds.filtered("reversed_entry_id"):
            (refund.reversed_entry_id.line_ids | refund.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            ).reconcile()

    # ------------------------------------------------------------
    # Multiplication in SQL
    # ------------------------------------------------------------

    def multiply(self):
        env, rng, cr = self.env, self.rng, self.env.cr
        # templates: unpaid base invoices without any reconciliation
        templates = env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
            ],
            order="id",
        )
        group_of = {}
        for group, rows in self.customers.items():
            for commercial_id, _invoice_id in rows:
                group_of[commercial_id] = group
        by_group = {"c1": [], "eur": [], "c2": []}
        for move in templates:
            term_days = (move.invoice_date_due - move.invoice_date).days
            by_group[group_of[move.commercial_partner_id.id]].append((move.id, move.invoice_date_due, term_days))
        base_open = env["account.move"].search_count(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        base_overdue = env["account.move"].search_count(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", self.today),
            ]
        )
        n_overdue = self.args.overdue - base_overdue
        n_current = max(self.args.current - (base_open - base_overdue), 0)
        # the copy plan, in Python (a fixed seed): template, customer (commercial, invoice contact), due date
        weights = {group: len(rows) for group, rows in self.customers.items() if by_group[group]}
        groups = list(weights)
        plan = []

        def add(group, customer, overdue):
            template_id, template_due, term_days = rng.choice(by_group[group])
            if overdue:
                due = self.today - timedelta(days=1 + int((MAX_OVERDUE_DAYS - 1) * rng.random() ** 1.3))
            else:
                due = self.today + timedelta(days=int(rng.random() * (term_days + 1)))
            plan.append((template_id, customer[0], customer[1], (due - template_due).days))

        everyone = [(group, customer) for group in groups for customer in self.customers[group]]
        rng.shuffle(everyone)
        for group, customer in everyone[:n_overdue]:
            add(group, customer, True)
        for index in range(max(n_overdue - len(everyone), 0) + n_current):
            group = rng.choices(groups, [weights[g] for g in groups])[0]
            rows = self.customers[group]
            # a few customers much more often than others
            add(group, rows[int(len(rows) * rng.random() ** 2)], index < n_overdue - len(everyone))
        self.step(f"plan: {len(plan)} copies of {len(templates)} unpaid base invoices ({n_current} not yet due)")
        env.flush_all()
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE rcv_plan AS
                SELECT row_number() OVER () AS g, p.template_id, p.commercial_id, p.invoice_partner_id, p.shift
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                       AS p(template_id, commercial_id, invoice_partner_id, shift)
                """,
                [row[0] for row in plan],
                [row[1] for row in plan],
                [row[2] for row in plan],
                [row[3] for row in plan],
            )
        )
        timed(
            cr,
            "copies planned (ids, names, dates)",
            SQL(
                """
                CREATE TEMPORARY TABLE rcv_copy AS
                WITH dated AS (
                    SELECT p.*, m.journal_id, m.date + p.shift AS new_date,
                           regexp_replace(m.sequence_prefix, '\\d{4}', to_char(m.date + p.shift, 'YYYY')) AS prefix
                      FROM rcv_plan p JOIN account_move m ON m.id = p.template_id
                ), numbered AS (
                    SELECT d.*,
                           coalesce(last.number, 0)
                           + row_number() OVER (PARTITION BY d.journal_id, d.prefix ORDER BY d.new_date, d.g) AS number
                      FROM dated d
                 LEFT JOIN (SELECT journal_id, sequence_prefix, max(sequence_number) AS number
                              FROM account_move GROUP BY 1, 2) last
                        ON last.journal_id = d.journal_id AND last.sequence_prefix = d.prefix
                )
                SELECT n.*, nextval('account_move_id_seq') AS new_id,
                       n.prefix || lpad(n.number::text, greatest(5, length(n.number::text)), '0') AS new_name,
                       partner.complete_name AS display_name,
                       coalesce(commercial.user_id, 0) AS user_id
                  FROM numbered n
                  JOIN res_partner partner ON partner.id = n.invoice_partner_id
                  JOIN res_partner commercial ON commercial.id = n.commercial_id
                """
            ),
        )
        cr.execute(SQL("ANALYZE rcv_copy"))
        timed(
            cr,
            "journal items planned",
            SQL(
                """
                CREATE TEMPORARY TABLE rcv_line AS
                SELECT l.id AS old_id, nextval('account_move_line_id_seq') AS new_id, c.new_id AS new_move_id
                  FROM rcv_copy c JOIN account_move_line l ON l.move_id = c.template_id
                """
            ),
        )
        cr.execute(SQL("CREATE INDEX ON rcv_line (old_id); ANALYZE rcv_line"))
        move_overrides = {
            "id": "c.new_id",
            "name": "c.new_name",
            "sequence_prefix": "c.prefix",
            "sequence_number": "c.number",
            "partner_id": "c.invoice_partner_id",
            "commercial_partner_id": "c.commercial_id",
            "partner_shipping_id": "c.invoice_partner_id",
            "invoice_partner_display_name": "c.display_name",
            "invoice_user_id": "coalesce(nullif(c.user_id, 0), m.invoice_user_id)",
            "date": "m.date + c.shift",
            "invoice_date": "m.invoice_date + c.shift",
            "invoice_date_due": "m.invoice_date_due + c.shift",
            "delivery_date": "m.delivery_date + c.shift",
            "payment_reference": "CASE WHEN m.payment_reference = m.name THEN c.new_name ELSE m.payment_reference END",
            "access_token": "NULL",
            "message_main_attachment_id": "NULL",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "sending_data": "NULL",
            "is_move_sent": "FALSE",
            "sales_admin_in_dispute": "FALSE",
            "sales_admin_reminder_level_id": "NULL",
            "sales_admin_last_reminder_date": "NULL",
            "create_date": "(m.invoice_date + c.shift) + interval '9 hours'",
            "write_date": "(m.invoice_date + c.shift) + interval '9 hours'",
        }
        timed(
            cr,
            "account_move rows copied",
            copy_sql(cr, "account_move", "m", move_overrides, "rcv_copy c JOIN account_move m ON m.id = c.template_id"),
        )
        line_overrides = {
            "id": "nl.new_id",
            "move_id": "nl.new_move_id",
            "move_name": "c.new_name",
            "partner_id": "CASE WHEN l.partner_id IS NOT NULL THEN c.commercial_id END",
            "date": "l.date + c.shift",
            "invoice_date": "l.invoice_date + c.shift",
            "date_maturity": "l.date_maturity + c.shift",
            "discount_date": "l.discount_date + c.shift",
            "matching_number": "NULL",
            "full_reconcile_id": "NULL",
            "reconciled": "FALSE",
            "create_date": "(l.date + c.shift) + interval '9 hours'",
            "write_date": "(l.date + c.shift) + interval '9 hours'",
        }
        timed(
            cr,
            "account_move_line rows copied",
            copy_sql(
                cr,
                "account_move_line",
                "l",
                line_overrides,
                "rcv_line nl JOIN account_move_line l ON l.id = nl.old_id JOIN rcv_copy c ON c.new_id = nl.new_move_id",
            ),
        )
        timed(
            cr,
            "taxes of the journal items copied",
            SQL(
                """
                INSERT INTO account_move_line_account_tax_rel (account_move_line_id, account_tax_id)
                SELECT nl.new_id, rel.account_tax_id
                  FROM rcv_line nl JOIN account_move_line_account_tax_rel rel ON rel.account_move_line_id = nl.old_id
                """
            ),
        )
        timed(
            cr,
            "tax tags of the journal items copied",
            SQL(
                """
                INSERT INTO account_account_tag_account_move_line_rel (account_move_line_id, account_account_tag_id)
                SELECT nl.new_id, rel.account_account_tag_id
                  FROM rcv_line nl
                  JOIN account_account_tag_account_move_line_rel rel ON rel.account_move_line_id = nl.old_id
                """
            ),
        )
        cr.execute(SQL("DROP TABLE rcv_line; DROP TABLE rcv_plan"))
        self.commit()
        cr.execute(SQL("ANALYZE account_move; ANALYZE account_move_line"))
        self.step(f"multiplied: {len(plan)} invoices")

    def pay_copies(self):
        """Partial payments through the ORM on some of the copies (the older, the likelier)."""
        rng = self.rng
        rows = self.env.execute_query(
            SQL("SELECT new_id, invoice_date_due FROM account_move c JOIN rcv_copy r ON r.new_id = c.id ORDER BY c.id")
        )
        # the older the invoice, the likelier a part of it was paid
        candidates = [
            move_id
            for move_id, due in rows
            if due < self.today and rng.random() < 0.2 + 0.6 * (self.today - due).days / MAX_OVERDUE_DAYS
        ]
        chosen = sorted(rng.sample(candidates, min(self.args.partial, len(candidates))))
        for start in range(0, len(chosen), 500):
            invoices = self.env["account.move"].browse(chosen[start : start + 500])
            plans = []
            for invoice in invoices:
                amount = invoice.currency_id.round(invoice.amount_residual * rng.uniform(0.2, 0.8))
                paid_on = min(invoice.invoice_date_due + timedelta(days=rng.randint(0, 30)), self.today)
                plans.append((invoice, amount, paid_on))
            register_payments(self.env, plans)
            self.commit()
        self.step(f"{len(chosen)} copies partly paid through the ORM")


def timed(cr, text, query):
    start = time.perf_counter()
    cr.execute(query)
    print(f"seed_receivables: {cr.rowcount} {text} in {time.perf_counter() - start:.1f} s", flush=True)


def copy_sql(cr, table, alias, overrides, source):
    """INSERT INTO table (every column) SELECT the template's columns, some replaced by ``overrides``."""
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    columns = [name for (name,) in cr.fetchall()]
    expressions = [
        SQL(overrides[column]) if column in overrides else SQL("%s.%s", SQL.identifier(alias), SQL.identifier(column))
        for column in columns
    ]
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(expressions),
        SQL(source),
    )


def register_payments(env, plans):
    """What the Register Payment wizard does, for many invoices at once: create, post, reconcile."""
    if not plans:
        return env["account.payment"]
    payments = env["account.payment"]
    for company in {invoice.company_id for invoice, _amount, _date in plans}:
        company_plans = [plan for plan in plans if plan[0].company_id == company]
        journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        company_payments = (
            env["account.payment"]
            .with_company(company)
            .with_context(skip_invoice_sync=True)
            .create(
                [
                    {
                        "date": paid_on,
                        "amount": amount,
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": invoice.commercial_partner_id.id,
                        "journal_id": journal.id,
                        "currency_id": invoice.currency_id.id,
                        "memo": invoice.payment_reference or invoice.name,
                        "invoice_ids": [Command.set(invoice.ids)],
                    }
                    for invoice, amount, paid_on in company_plans
                ]
            )
        )
        company_payments.action_post()
        reconciliation_plan = []
        for payment, (invoice, _amount, _date) in zip(company_payments, company_plans, strict=True):
            receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            counterpart = payment.move_id.line_ids.filtered(lambda line, r=receivable: line.account_id in r.account_id)
            reconciliation_plan.append(receivable + counterpart)
        env["account.move.line"].with_company(company)._reconcile_plan(reconciliation_plan)
        payments |= company_payments
    return payments


# ------------------------------------------------------------
# Reminder levels (rerun with --levels once the reminder engine is installed)
# ------------------------------------------------------------


def ensure_levels(env):
    """Four reminder levels per company (LEVELS); a company's active level of the same days is kept (the addon's
    data makes these four for the main company), only given the template or activity type it lacks. E-mail levels
    need a mail template on sales_admin.reminder (the reminder engine's): without one they are left out."""
    env = env(context=dict(env.context, **MAIL_OFF))
    template = env["mail.template"]
    if "sales_admin.reminder" in env:
        template = env.ref("sales_admin_addon.mail_template_sales_admin_reminder", raise_if_not_found=False) or (
            env["mail.template"].search([("model", "=", "sales_admin.reminder")], order="id", limit=1)
        )
    activity_types = {
        "letter": env.ref("mail.mail_activity_data_todo"),
        "phone": env.ref("mail.mail_activity_data_call"),
    }
    Level = env["sales_admin.reminder.level"]
    made, kept, skipped = [], [], []
    for company in env["res.company"].search([], order="id"):
        existing = {level.days_after_due: level for level in Level.search([("company_id", "=", company.id)])}
        for days, channel, name in LEVELS:
            if channel == "email" and not template:
                skipped.append(f"{company.name}: {name}")
                continue
            level = existing.get(days)
            if level:
                if level.channel == "email" and not level.mail_template_id and template:
                    level.mail_template_id = template
                if level.channel != "email" and not level.activity_type_id:
                    level.activity_type_id = activity_types[level.channel]
                kept.append(f"{company.id}: {days} d {level.channel}")
                continue
            Level.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "days_after_due": days,
                    "channel": channel,
                    "mail_template_id": template.id if channel == "email" else False,
                    "activity_type_id": activity_types[channel].id if channel in activity_types else False,
                }
            )
            made.append(f"{company.id}: {days} d {channel}")
    env.flush_all()
    print(
        f"seed_receivables.levels: {len(made)} made ({', '.join(made) or '-'}), {len(kept)} kept "
        f"({', '.join(kept) or '-'})",
        flush=True,
    )
    if skipped:
        print(
            f"seed_receivables.levels: no mail template on sales_admin.reminder yet, e-mail levels left out: "
            f"{'; '.join(skipped)} (run --levels again after installing the reminder engine)",
            flush=True,
        )


# ------------------------------------------------------------
# Checks
# ------------------------------------------------------------

OVERDUE_SQL = """
    FROM account_move m
   WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')
"""


def check(env):
    """Counts in SQL, the overdue domain through the ORM, and a sample of the copies' stored computes recomputed."""
    env = env(user=env.ref("base.user_admin"), su=True)
    today = fields.Date.context_today(env.user)
    companies = env["res.company"].search([])
    env = env(context=dict(env.context, allowed_company_ids=companies.ids))
    failed = []
    rows = env.execute_query(
        SQL(
            """
            SELECT m.payment_state, count(*), count(*) FILTER (WHERE m.invoice_date_due < %(today)s)
              FROM account_move m
             WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
          GROUP BY 1 ORDER BY 1
            """,
            today=today,
        )
    )
    print(f"seed_receivables.today: {today}", flush=True)
    for state, count, overdue in rows:
        print(f"seed_receivables.payment_state.{state}: {count} ({overdue} due before today)", flush=True)
    refunds = env.execute_query(
        SQL(
            "SELECT count(*), count(*) FILTER (WHERE payment_state = 'not_paid') FROM account_move "
            "WHERE move_type = 'out_refund' AND state = 'posted'"
        )
    )[0]
    print(f"seed_receivables.credit_notes: {refunds[0]} ({refunds[1]} open)", flush=True)
    for name, first, last in BUCKETS:
        condition = (
            SQL("m.invoice_date_due >= %s", today)
            if first is None
            else SQL(
                "m.invoice_date_due <= %s AND m.invoice_date_due >= %s",
                today - timedelta(days=first),
                today - timedelta(days=last or 100000),
            )
        )
        count, customers, residual = env.execute_query(
            SQL(
                "SELECT count(*), count(DISTINCT m.commercial_partner_id), coalesce(sum(m.amount_residual_signed), 0) "
                + OVERDUE_SQL
                + " AND %s",
                condition,
            )
        )[0]
        print(
            f"seed_receivables.bucket.{name}: {count} open invoices of {customers} customers, {residual:.2f} open",
            flush=True,
        )
    count, customers, residual, by_company = env.execute_query(
        SQL(
            "SELECT count(*), count(DISTINCT m.commercial_partner_id), sum(m.amount_residual_signed), "
            "array_agg(DISTINCT m.company_id) " + OVERDUE_SQL + " AND m.invoice_date_due < %s",
            today,
        )
    )[0]
    print(
        f"seed_receivables.overdue: {count} invoices of {customers} customers, {residual:.2f} open "
        f"(company currency), companies {sorted(by_company)}",
        flush=True,
    )
    for company_id, currency, invoices, customers_c in env.execute_query(
        SQL(
            "SELECT m.company_id, cur.name, count(*), count(DISTINCT m.commercial_partner_id) "
            + OVERDUE_SQL.replace(
                "FROM account_move m", "FROM account_move m JOIN res_currency cur ON cur.id = m.currency_id"
            )
            + " AND m.invoice_date_due < %s GROUP BY 1, 2 ORDER BY 1, 2",
            today,
        )
    ):
        print(
            f"seed_receivables.overdue.company_{company_id}.{currency}: {invoices} invoices of {customers_c} customers",
            flush=True,
        )
    no_email = env.execute_query(
        SQL(
            "SELECT count(DISTINCT m.commercial_partner_id) "
            + OVERDUE_SQL.replace(
                "FROM account_move m", "FROM account_move m JOIN res_partner p ON p.id = m.partner_id"
            )
            + " AND m.invoice_date_due < %s AND coalesce(p.email, '') = ''",
            today,
        )
    )[0][0]
    print(f"seed_receivables.overdue_customers_without_email: {no_email}", flush=True)

    partners = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("parent_id", "=", False), ("customer_rank", ">", 0)])
    )
    domain = env["account.move"]._get_sales_admin_overdue_domain(partners, companies)
    orm_count = env["account.move"].search_count(domain)
    sql_count = env.execute_query(
        SQL(
            "SELECT count(*) " + OVERDUE_SQL + " AND m.invoice_date_due < %s AND m.commercial_partner_id IN %s "
            "AND m.company_id IN %s",
            today,
            tuple(partners.ids),
            tuple(companies.ids),
        )
    )[0][0]
    print(f"seed_receivables.check.overdue_domain: ORM search_count {orm_count}, SQL {sql_count}", flush=True)
    if orm_count != sql_count or sql_count != count:
        failed.append("overdue domain")

    # stored computes: a sample of copies and base invoices, recomputed by the ORM, compared with what is stored
    sample_ids = [
        move_id
        for (move_id,) in env.execute_query(
            SQL(
                "SELECT id FROM account_move WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted' "
                "ORDER BY md5(id::text) LIMIT 600"
            )
        )
    ]
    moves = env["account.move"].browse(sample_ids)
    move_fields = [
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_residual_signed",
        "amount_total_signed",
        "payment_state",
        "commercial_partner_id",
        "invoice_date_due",
        "invoice_partner_display_name",
        "sales_admin_in_dispute",
        "sales_admin_reminder_level_id",
    ]
    line_fields = ["amount_residual", "amount_residual_currency", "reconciled", "partner_id"]
    lines = moves.line_ids
    stored_moves = {m["id"]: m for m in moves.read(move_fields, load=None)}
    stored_lines = {line["id"]: line for line in lines.read(line_fields, load=None)}
    for fname in move_fields:
        env.add_to_compute(moves._fields[fname], moves)
    for fname in line_fields:
        env.add_to_compute(lines._fields[fname], lines)
    differences = []
    for move in moves:
        for fname in move_fields:
            value = move._fields[fname].convert_to_read(move[fname], move, use_display_name=False)
            if value != stored_moves[move.id][fname] and not (
                isinstance(value, float) and abs(value - stored_moves[move.id][fname]) < 0.005
            ):
                differences.append((move.name, fname, stored_moves[move.id][fname], value))
    for line in lines:
        for fname in line_fields:
            value = line._fields[fname].convert_to_read(line[fname], line, use_display_name=False)
            if value != stored_lines[line.id][fname] and not (
                isinstance(value, float) and abs(value - stored_lines[line.id][fname]) < 0.005
            ):
                differences.append((line.move_id.name, f"line.{fname}", stored_lines[line.id][fname], value))
    print(
        f"seed_receivables.check.stored_computes: {len(moves)} invoices and credit notes, {len(lines)} journal items "
        f"recomputed by the ORM, {len(differences)} differences{': ' + str(differences[:5]) if differences else ''}",
        flush=True,
    )
    if differences:
        failed.append("stored computes")
    env.invalidate_all(flush=False)
    env.cr.rollback()
    if failed:
        print(f"seed_receivables.check: FAILED ({', '.join(failed)})", flush=True)
        sys.exit(1)
    print("seed_receivables.check: ok", flush=True)


def main():
    def add_arguments(parser):
        parser.add_argument("--customers", type=int, default=20_000, help="customer companies (%(default)s)")
        parser.add_argument("--overdue", type=int, default=100_000, help="open overdue invoices (%(default)s)")
        parser.add_argument("--current", type=int, default=8_000, help="open invoices not yet due (%(default)s)")
        parser.add_argument("--partial", type=int, default=2_500, help="copies partly paid via the ORM (%(default)s)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default %(default)s)")
        parser.add_argument("--levels", action="store_true", help="only (re)make the reminder levels")
        parser.add_argument("--check", action="store_true", help="only print the counts and run the checks")

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    if args.levels:
        with environment(args.database, commit=True, superuser=True) as env:
            ensure_levels(env)
        return
    if not args.check:
        with environment(args.database, commit=True, superuser=True) as env:
            seeded = env["ir.config_parameter"].get_param(PARAM)
            if seeded:
                sys.exit(f"seed_receivables: this database was seeded already ({seeded}): build a fresh one")
            if env["account.move"].search_count([("move_type", "=", "out_invoice")]):
                sys.exit("seed_receivables: the database has customer invoices already: build a fresh one")
            seeder = ReceivablesSeeder(env, args)
            seeder.setup()
            seeder.create_customers()
            seeder.create_base()
            seeder.multiply()
            seeder.pay_copies()
            ensure_levels(env)
            env["ir.config_parameter"].set_param(PARAM, f"{fields.Datetime.now()} seed={args.seed}")
            seeder.commit()
            env.cr.execute(SQL("ANALYZE"))
            seeder.step("done")
    with environment(args.database, superuser=True) as env:
        check(env)


if __name__ == "__main__":
    main()
