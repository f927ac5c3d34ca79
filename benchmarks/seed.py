"""Realistic seed of the benchmark database, made through the ORM (run by scripts/bench.sh).

Two phases, because ``odoo-bin populate`` copies paid invoices without their reconciliation:

- ``--phase base`` (before populate): a Polish wholesaler with salespeople in three sales teams, customer
  companies with contacts, goods and services, ``--orders`` quotations and orders over the last two years,
  deliveries (done, partly done, open and late), and posted invoices, none paid yet; then the addon's own
  records, for the models that have a seeder in ``OWN_SEEDERS``.
- ``--phase payments`` (after populate): the stored visit cadence of every partner recomputed in one SQL
  statement (populate's copies keep their original's); then customer payments registered through the ORM for
  about half of the unpaid posted invoices (originals and populate's copies alike), some of them partial, older
  invoices more often paid, so that the open receivables fall in every aging bucket.

Dates are set explicitly; the random choices come from ``--seed``, so two builds on the same day match.
Mail tracking and chatter logging are off (as in Odoo's own tests): the figures are about documents.
"""

import random
import time
from collections import defaultdict
from datetime import datetime, timedelta

from _common import environment, parse_args

from odoo import Command, fields
from odoo.tools import SQL

ADDON = "sales_admin_addon"
MAIL_OFF = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
HISTORY_DAYS = 730
BATCH = 500

CITIES = [
    ("Warszawa", "00-950"),
    ("Kraków", "30-001"),
    ("Łódź", "90-001"),
    ("Wrocław", "50-001"),
    ("Poznań", "60-001"),
    ("Gdańsk", "80-001"),
    ("Szczecin", "70-001"),
    ("Bydgoszcz", "85-001"),
    ("Lublin", "20-001"),
    ("Katowice", "40-001"),
    ("Białystok", "15-001"),
    ("Rzeszów", "35-001"),
    ("Toruń", "87-100"),
    ("Kielce", "25-001"),
    ("Olsztyn", "10-001"),
    ("Opole", "45-001"),
    ("Gliwice", "44-100"),
    ("Częstochowa", "42-200"),
]
STREETS = [
    "ul. Długa",
    "ul. Polna",
    "ul. Lipowa",
    "ul. Kościuszki",
    "ul. Mickiewicza",
    "ul. Piłsudskiego",
    "al. Jana Pawła II",
    "ul. Przemysłowa",
    "ul. Składowa",
    "ul. Słowackiego",
    "ul. Kolejowa",
    "ul. Ogrodowa",
    "ul. Wrocławska",
    "ul. Krakowska",
]
FIRST_NAMES = [
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Joanna",
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Michał",
    "Marcin",
    "Grzegorz",
    "Łukasz",
    "Jakub",
]
LAST_NAMES = [
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
]
COMPANY_STEMS = [
    "Budmax",
    "Elektro-Lux",
    "Stalbud",
    "Termo-Dom",
    "Instal-Serwis",
    "Drewpol",
    "Kamex",
    "Budomix",
    "Polbruk",
    "Hydro-Tech",
    "Dachpol",
    "Remo-Bud",
    "Betonex",
    "Marbud",
    "Energo-Instal",
    "Agro-Bud",
    "Tynk-Mar",
    "Glazur-Plus",
    "Wod-Kan",
    "Eko-Dom",
]
COMPANY_FORMS = ["Sp. z o.o.", "Sp. z o.o.", "S.A.", "Sp. j.", "s.c.", "Sp. k."]
# (category, [(product name, list price, typical quantities)])
GOODS = [
    (
        "Materiały budowlane",
        [
            ("Cement CEM II 32,5 25 kg", 24.90, (10, 40, 80, 200)),
            ("Klej do płytek C2TE 25 kg", 54.00, (5, 10, 20, 40)),
            ("Płyta g-k 12,5 mm 120x260", 32.50, (10, 30, 60, 120)),
            ("Zaprawa murarska 25 kg", 19.90, (10, 40, 100)),
            ("Tynk gipsowy maszynowy 30 kg", 36.80, (10, 30, 60)),
            ("Styropian EPS 100 10 cm (paczka)", 119.00, (5, 20, 50)),
            ("Wełna mineralna 15 cm (rolka)", 139.00, (4, 10, 30)),
            ("Bloczek betonowy 38x24x12", 6.40, (100, 300, 600)),
            ("Pustak ceramiczny P+W 25", 9.80, (100, 250, 500)),
            ("Grunt głęboko penetrujący 10 l", 64.00, (2, 5, 10)),
        ],
    ),
    (
        "Narzędzia",
        [
            ("Wiertarka udarowa 850 W", 389.00, (1, 2, 3)),
            ("Szlifierka kątowa 125 mm", 279.00, (1, 2, 4)),
            ("Poziomica aluminiowa 120 cm", 89.00, (1, 2, 5)),
            ("Młotek ciesielski 600 g", 45.00, (1, 3, 6)),
            ("Zestaw kluczy płasko-oczkowych", 159.00, (1, 2)),
            ("Piła ręczna do drewna 550 mm", 59.00, (1, 2, 4)),
            ("Wkrętarka akumulatorowa 18 V", 549.00, (1, 2)),
            ("Miara zwijana 8 m", 34.00, (2, 5, 10)),
            ("Kielnia murarska", 29.00, (2, 5, 10)),
            ("Tarcza diamentowa 230 mm", 119.00, (1, 3, 6)),
        ],
    ),
    (
        "Elektryka",
        [
            ("Przewód YDYp 3x2,5 100 m", 489.00, (1, 2, 5)),
            ("Gniazdo podwójne z uziemieniem", 18.50, (10, 20, 50)),
            ("Wyłącznik nadprądowy B16", 16.90, (5, 12, 24)),
            ("Puszka podtynkowa fi 60", 0.90, (50, 100, 300)),
            ("Oprawa LED 36 W 120 cm", 79.00, (4, 10, 20)),
            ("Rozdzielnica natynkowa 24 mod.", 149.00, (1, 2, 4)),
            ("Różnicówka 40 A 30 mA", 139.00, (1, 2, 4)),
            ("Rura karbowana 20 mm 50 m", 69.00, (1, 3, 6)),
        ],
    ),
    (
        "Hydraulika",
        [
            ("Rura PEX-AL-PEX 16 mm 200 m", 899.00, (1, 2)),
            ("Zawór kulowy 1/2 cala", 21.00, (5, 10, 20)),
            ("Syfon umywalkowy", 32.00, (2, 5, 10)),
            ("Bateria umywalkowa stojąca", 249.00, (1, 2, 4)),
            ("Kolano PP 90° 40 mm", 3.20, (10, 30, 60)),
            ("Grzejnik stalowy 600x1000", 429.00, (1, 3, 6)),
        ],
    ),
]
SERVICES = [
    ("Transport HDS do 20 km", 350.00, (1,)),
    ("Rozładunek z wniesieniem (godz.)", 120.00, (1, 2, 4)),
    ("Wynajem rusztowania (doba)", 95.00, (3, 7, 14)),
    ("Doradztwo techniczne (godz.)", 180.00, (1, 2, 3)),
    ("Serwis elektronarzędzi", 150.00, (1, 2)),
]
TEAMS = [
    ("Sprzedaż Północ", ["Katarzyna Nowak", "Piotr Wiśniewski"]),
    ("Sprzedaż Południe", ["Agnieszka Wójcik", "Tomasz Kowalczyk"]),
    ("Kluczowi Klienci", ["Magdalena Kamińska", "Marcin Lewandowski"]),
]
PAYMENT_TERMS = [  # (xml id, weight)
    ("account.account_payment_term_immediate", 5),
    ("account.account_payment_term_15days", 20),
    ("account.account_payment_term_21days", 15),
    ("account.account_payment_term_30days", 35),
    ("account.account_payment_term_45days", 15),
    ("account.account_payment_term_end_following_month", 10),
]


def ascii_slug(text):
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return "".join(c for c in text.translate(table).lower() if c.isalnum() or c == "-")


def nip(rng):
    """A Polish tax number (NIP) with a valid check digit."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _dummy in range(8)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return "PL" + "".join(map(str, digits)) + str(check)


def mobile(rng):
    return f"+48 {rng.randint(500, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def landline(rng):
    return f"+48 {rng.randint(12, 95)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def business_datetime(rng, day):
    """A moment of a working day (08:00-17:00 Warsaw, roughly 06:00-15:00 UTC); weekends move to Friday."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, rng.randint(6, 14), rng.randint(0, 59), rng.randint(0, 59))


class Seeder:
    def __init__(self, env, orders, seed, customers=0):
        # the administrator does the work (create_uid, salesperson defaults), without access checks
        self.env = env(user=env.ref("base.user_admin"), su=True, context=dict(env.context, **MAIL_OFF))
        self.n_orders = orders
        self.n_customers = customers or max(30, orders // 5)
        self.rng = random.Random(seed)
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.today = self.now.date()
        self.company = self.env.company
        self.poland = self.env.ref("base.pl")
        self.started = time.perf_counter()
        self.team_of = {}

    def _release_cache(self):
        """Write what is pending and empty the ORM cache: a cache that keeps growing slows every later batch."""
        self.env.flush_all()
        self.env.invalidate_all()

    def step(self, message):
        print(f"[{time.perf_counter() - self.started:7.1f} s] {message}", flush=True)

    # ------------------------------------------------------------
    # Base phase
    # ------------------------------------------------------------

    def run_base(self):
        self._setup_company()
        salespeople = self._create_sales_teams()
        customers = self._create_customers(salespeople)
        products = self._create_products()
        orders = self._create_orders(customers, products)
        self._deliver(orders)
        self._invoice(orders)
        self._seed_own_records(customers, orders)
        self.step("base seed done")

    def _setup_company(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.company.write(
            {
                "name": "Hurtownia Budowlana Wisła Sp. z o.o.",
                "street": "ul. Przemysłowa 12",
                "city": "Kraków",
                "zip": "30-701",
                "country_id": self.poland.id,
                "vat": nip(self.rng),
                "phone": "+48 12 345 67 89",
                "email": "biuro@hurtownia-wisla.example.pl",
            }
        )
        self.env.ref("base.user_admin").write({"lang": "pl_PL", "tz": "Europe/Warsaw"})
        self.step("company set up (Poland, pl_PL, Europe/Warsaw)")

    def _create_sales_teams(self):
        groups = [self.env.ref("base.group_user").id, self.env.ref("sales_team.group_sale_salesman").id]
        names = [name for _team, members in TEAMS for name in members]
        users = self.env["res.users"].create(
            [
                {
                    "name": name,
                    "login": ascii_slug(name.replace(" ", ".")) + "@hurtownia-wisla.example.pl",
                    "email": ascii_slug(name.replace(" ", ".")) + "@hurtownia-wisla.example.pl",
                    "lang": "pl_PL",
                    "tz": "Europe/Warsaw",
                    "groups_id": [Command.set(groups)],
                }
                for name in names
            ]
        )
        by_name = dict(zip(names, users, strict=True))
        teams = self.env["crm.team"].create(
            [
                {
                    "name": team,
                    "user_id": by_name[members[0]].id,
                    "member_ids": [Command.set([by_name[m].id for m in members])],
                }
                for team, members in TEAMS
            ]
        )
        salespeople = [(by_name[m], team) for team, (_name, members) in zip(teams, TEAMS, strict=True) for m in members]
        self.team_of = dict(salespeople)
        self.step(f"{len(users)} salespeople in {len(teams)} sales teams")
        return salespeople

    def _create_customers(self, salespeople):
        rng = self.rng
        terms = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid, _weight in PAYMENT_TERMS]
        term_weights = [weight for _xmlid, weight in PAYMENT_TERMS]
        n_companies = self.n_customers
        vals_list = []
        used_names = set()
        for index in range(n_companies):
            city, zip_code = rng.choice(CITIES)
            user, team = rng.choice(salespeople)
            term = rng.choices(terms, term_weights)[0]
            street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
            common = {
                "country_id": self.poland.id,
                "city": city,
                "zip": zip_code,
                "street": street,
                "user_id": user.id,
                "property_payment_term_id": term.id if term else False,
                "customer_rank": 1,
                "lang": "pl_PL",
            }
            if index % 10 == 9:  # a private customer now and then
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                vals_list.append(
                    dict(
                        common,
                        name=name,
                        is_company=False,
                        email=f"{ascii_slug(name.replace(' ', '.'))}{index}@poczta.example.pl",
                        phone=mobile(rng),
                    )
                )
                continue
            stem = rng.choice(COMPANY_STEMS)
            name = f"{stem} {rng.choice(COMPANY_FORMS)}"
            if name in used_names:
                name = f"{stem} {city} {rng.choice(COMPANY_FORMS)}"
            if name in used_names:
                name = f"{stem} {index} {rng.choice(COMPANY_FORMS)}"
            used_names.add(name)
            domain = f"{ascii_slug(stem)}{index}.example.pl"
            children = []
            for _dummy in range(rng.choice((0, 1, 1, 2, 2, 3))):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                children.append(
                    Command.create(
                        {
                            "type": "contact",
                            "name": f"{first} {last}",
                            "function": rng.choice(("Zaopatrzeniowiec", "Kierownik budowy", "Właściciel", "Księgowa")),
                            "email": f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}",
                            "phone": mobile(rng),
                        }
                    )
                )
            if rng.random() < 0.2:
                site_city, site_zip = rng.choice(CITIES)
                children.append(
                    Command.create(
                        {
                            "type": "delivery",
                            "name": "Plac budowy",
                            "street": f"{rng.choice(STREETS)} {rng.randint(1, 90)}",
                            "city": site_city,
                            "zip": site_zip,
                            "country_id": self.poland.id,
                        }
                    )
                )
            vals_list.append(
                dict(
                    common,
                    name=name,
                    is_company=True,
                    vat=nip(rng),
                    email=f"biuro@{domain}",
                    phone=landline(rng),
                    website=f"https://{domain}",
                    child_ids=children,
                )
            )
        customers = self.env["res.partner"].create(vals_list)
        self.step(f"{len(customers)} customers with {len(customers.child_ids)} contacts and addresses")
        return customers

    def _create_products(self):
        parent = self.env.ref("product.product_category_all")
        categories = self.env["product.category"].create(
            [{"name": name, "parent_id": parent.id} for name, _items in GOODS]
            + [{"name": "Usługi", "parent_id": parent.id}]
        )
        vals_list = []
        quantities = []
        for category, (_name, items) in zip(categories, GOODS, strict=False):
            for index, (name, price, qtys) in enumerate(items):
                vals_list.append(
                    {
                        "name": name,
                        "default_code": f"{category.name[:3].upper()}-{index + 1:03d}",
                        "type": "consu",
                        "is_storable": True,
                        "invoice_policy": "delivery",
                        "categ_id": category.id,
                        "list_price": price,
                        "standard_price": round(price * 0.7, 2),
                        "weight": round(self.rng.uniform(0.2, 30), 1),
                    }
                )
                quantities.append(qtys)
        for index, (name, price, qtys) in enumerate(SERVICES):
            vals_list.append(
                {
                    "name": name,
                    "default_code": f"USL-{index + 1:03d}",
                    "type": "service",
                    "invoice_policy": "order",
                    "categ_id": categories[-1].id,
                    "list_price": price,
                    "standard_price": round(price * 0.5, 2),
                }
            )
            quantities.append(qtys)
        templates = self.env["product.template"].create(vals_list)
        products = [(template.product_variant_id, qtys) for template, qtys in zip(templates, quantities, strict=True)]
        self.step(f"{len(templates)} products in {len(categories)} categories")
        return products

    def _put_in_stock(self, demand):
        """Stock the warehouse with what the orders need (an inventory count), so deliveries can be reserved."""
        location = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        quants = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {"product_id": product.id, "location_id": location.id, "inventory_quantity": qty * 1.1 + 10}
                    for product, qty in demand.items()
                ]
            )
        )
        quants.action_apply_inventory()

    def _order_lines(self, goods, services):
        rng = self.rng
        lines = []
        for product, qtys in rng.sample(goods, rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))):
            line = {"product_id": product.id, "product_uom_qty": rng.choice(qtys)}
            if rng.random() < 0.15:
                line["discount"] = rng.choice((3, 5, 8, 10, 15))
            lines.append(line)
        if rng.random() < 0.25:
            product, qtys = rng.choice(services)
            lines.append({"product_id": product.id, "product_uom_qty": rng.choice(qtys)})
        return lines

    def _create_orders(self, customers, products):
        rng = self.rng
        goods = [p for p in products if p[0].type == "consu"]
        services = [p for p in products if p[0].type == "service"]
        companies = customers.filtered("is_company")
        # a few customers order a lot, most now and then
        weights = [rng.paretovariate(1.5) for _dummy in customers]
        plans = []
        demand = {}
        for _dummy in range(self.n_orders):
            age = HISTORY_DAYS * rng.random() ** 1.2  # business grows: more orders lately
            date_order = business_datetime(rng, self.today - timedelta(days=int(age)))
            if date_order > self.now:
                date_order -= timedelta(days=1)
            customer = rng.choices(customers, weights)[0]
            if customer in companies and customer.child_ids and rng.random() < 0.3:
                partner = rng.choice(customer.child_ids.filtered(lambda p: p.type == "contact") or customer)
            else:
                partner = customer
            fate = rng.random()
            if age < 30:
                state = "draft" if fate < 0.25 else "sent" if fate < 0.4 else "cancel" if fate < 0.45 else "sale"
            else:
                state = "draft" if fate < 0.04 else "sent" if fate < 0.08 else "cancel" if fate < 0.15 else "sale"
            lines = self._order_lines(goods, services)
            commitment = None
            if state == "sale" and rng.random() < 0.35:
                commitment = business_datetime(rng, date_order.date() + timedelta(days=rng.randint(3, 21)))
            plans.append((partner, customer, date_order, state, commitment, lines))
            if state == "sale":
                for line in lines:
                    product = self.env["product.product"].browse(line["product_id"])
                    if product.is_storable:
                        demand[product] = demand.get(product, 0) + line["product_uom_qty"]
        plans.sort(key=lambda plan: plan[2])  # create in date order, so references follow the dates
        self._put_in_stock(demand)

        orders = self.env["sale.order"]
        for start in range(0, len(plans), BATCH):
            chunk = plans[start : start + BATCH]
            orders |= self.env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "user_id": customer.user_id.id,
                        "team_id": self.team_of[customer.user_id].id,
                        "date_order": date_order,
                        "validity_date": (date_order + timedelta(days=30)).date(),
                        "commitment_date": commitment,
                        "order_line": [Command.create(line) for line in lines],
                    }
                    for partner, customer, date_order, _state, commitment, lines in chunk
                ]
            )
        self.step(f"{len(orders)} quotations created ({sum(len(plan[5]) for plan in plans)} lines)")

        states = {order: plan[3] for order, plan in zip(orders, plans, strict=True)}
        dates = {order: plan[2] for order, plan in zip(orders, plans, strict=True)}
        orders.filtered(lambda o: states[o] == "sent").write({"state": "sent"})
        orders.filtered(lambda o: states[o] == "cancel")._action_cancel()
        to_confirm = orders.filtered(lambda o: states[o] == "sale")
        for start in range(0, len(to_confirm), BATCH):
            to_confirm[start : start + BATCH].action_confirm()
            self._release_cache()
            self.step(f"confirmed {min(start + BATCH, len(to_confirm))}/{len(to_confirm)} orders")
        # confirmation stamps today's date: put each order back on its own date
        for order in to_confirm:
            order.date_order = dates[order]
        self.env.flush_all()
        self.step(f"{len(to_confirm)} orders confirmed and dated back")
        return to_confirm

    def _deliver(self, orders):
        rng = self.rng
        plan = {}
        for order in orders:
            lead = timedelta(days=rng.randint(1, 5))
            planned = order.commitment_date or order.date_order + lead
            for picking in order.picking_ids:
                if not order.commitment_date:
                    picking.scheduled_date = planned
                plan[picking] = planned
        pickings = self.env["stock.picking"].concat(*plan)
        to_validate = self.env["stock.picking"]
        partial = self.env["stock.picking"]
        for picking, planned in plan.items():
            overdue_days = (self.now - planned).days
            if overdue_days < 1:
                continue
            if rng.random() < (0.95 if overdue_days > 30 else 0.7):
                to_validate |= picking
                if rng.random() < 0.05 and max(picking.move_ids.mapped("product_uom_qty")) >= 2:
                    partial |= picking
        to_validate.action_assign()
        for picking in partial:  # one line short: the rest goes to a backorder
            move = picking.move_ids.sorted("product_uom_qty")[-1]
            move.quantity = move.product_uom_qty // 2
        to_validate.move_ids.picked = True
        for start in range(0, len(to_validate), BATCH):
            chunk = to_validate[start : start + BATCH]
            chunk.with_context(skip_backorder=True, skip_sms=True).button_validate()
            self._release_cache()
            self.step(f"validated {start + len(chunk)}/{len(to_validate)} deliveries")
        # the day each delivery left: mostly on time, some late
        for picking in to_validate:
            planned = plan[picking]
            delay = rng.choice((-3, -2, -1, -1, 0, 0)) if rng.random() < 0.85 else rng.randint(1, 15)
            done = max(planned + timedelta(days=delay, hours=-rng.randint(0, 3)), picking.sale_id.date_order)
            done = min(done + timedelta(hours=2), self.now - timedelta(hours=1))
            picking.date_done = done
            picking.move_ids.date = done
            picking.move_ids.move_line_ids.date = done
        backorders = self.env["stock.picking"].search([("backorder_id", "in", to_validate.ids)])
        for backorder in backorders:
            backorder.scheduled_date = plan[backorder.backorder_id] + timedelta(days=7)
        self.env.flush_all()
        late = (pickings - to_validate).filtered(lambda p: p.scheduled_date < self.now)
        self.step(
            f"{len(pickings) + len(backorders)} deliveries: {len(to_validate)} done "
            f"({len(partial)} partly, with backorders), {len(late) + len(backorders)} open and late"
        )

    def _invoice(self, orders):
        rng = self.rng
        candidates = self.env["sale.order"]
        for order in orders:
            if order.picking_ids:
                if order.delivery_status != "full":
                    continue
                since = (self.now - max(order.picking_ids.mapped("date_done"))).days
            else:  # services only
                since = (self.now - order.date_order).days
            if rng.random() < (0.9 if since > 14 else 0.5):
                candidates |= order
        invoices = self.env["account.move"]
        for start in range(0, len(candidates), BATCH):
            invoices |= candidates[start : start + BATCH]._create_invoices(grouped=True)
        self.step(f"{len(invoices)} draft invoices created")
        dates = {}
        for order in candidates:
            done = max(order.picking_ids.mapped("date_done") or [order.date_order])
            dates[order.invoice_ids] = min(done.date() + timedelta(days=rng.choice((0, 0, 1, 2, 3))), self.today)
        for invoice, invoice_date in dates.items():
            invoice.invoice_date = invoice_date
        invoices = invoices.sorted(lambda move: (move.invoice_date, move.id))
        for start in range(0, len(invoices), BATCH):
            invoices[start : start + BATCH].action_post()
            self._release_cache()
        self.step(f"{len(invoices)} invoices posted for {len(candidates)} delivered orders")

    # ------------------------------------------------------------
    # The addon's own records
    # ------------------------------------------------------------

    def _seed_own_records(self, customers, orders):
        """Seed each model of the addon that has a seeder; name the ones that have none yet."""
        own_models = sorted(
            name
            for name, model in self.env.registry.items()
            if model._original_module == ADDON and not model._abstract and not model._transient and model._auto
        )
        for name in own_models:
            seeder = OWN_SEEDERS.get(name)
            if seeder:
                seeder(self, customers, orders)
            else:
                self.step(f"{name}: no seeder in benchmarks/seed.py yet, left empty")
        if not own_models:
            self.step(f"{ADDON} has no models of its own yet: nothing of ours to seed")

    # ------------------------------------------------------------
    # Payments phase
    # ------------------------------------------------------------

    def run_payments(self):
        self._refresh_visit_cadence()
        rng = self.rng
        invoices = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("payment_state", "=", "not_paid")],
            order="invoice_date, id",
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        plans = []
        for invoice in invoices:
            overdue = (self.today - invoice.invoice_date_due).days
            chance = 0.15 if overdue <= 0 else 0.35 if overdue <= 30 else 0.45 if overdue <= 60 else 0.5
            if overdue > 90:
                chance = 0.55
            if rng.random() >= chance:
                continue
            amount = invoice.amount_residual
            if rng.random() < 0.2:
                amount = invoice.currency_id.round(amount * rng.uniform(0.3, 0.8))
            paid_on = invoice.invoice_date_due + timedelta(days=rng.randint(-10, 30))
            paid_on = min(max(paid_on, invoice.invoice_date), self.today)
            plans.append((invoice, amount, paid_on))
        payments = self.env["account.payment"]
        for start in range(0, len(plans), BATCH):
            payments |= self._register_payments(plans[start : start + BATCH], journal)
            self._release_cache()
            self.step(f"registered {min(start + BATCH, len(plans))}/{len(plans)} payments")
        partial = sum(1 for invoice, amount, _date in plans if amount < invoice.amount_total)
        self.step(f"{len(payments)} payments for {len(invoices)} unpaid invoices ({partial} partial)")

    def _refresh_visit_cadence(self):
        """Recompute the stored visit cadence of every partner in one statement, as the ORM computes it.

        Populate copies partners and visits at SQL level: the copies keep their original's last visit and due
        date while their visits were moved back in time, and no compute runs. Same rules as the addon's
        computes: own frequency else the shortest tag frequency; last visit: the latest check-out of a done visit,
        as a date in the administrator's time zone; next visit: the earliest start of a proposed or planned one;
        due: last visit + frequency, or the creation date for a customer never visited.
        """
        if "visit_due_date" not in self.env["res.partner"]._fields:
            return
        self.env.flush_all()
        tz = self.env.ref("base.user_admin").tz or "UTC"
        self.env.execute_query(
            SQL(
                """
                WITH tag_frequency AS (
                    SELECT rel.partner_id, MIN(tag.sales_admin_visit_frequency) AS frequency
                      FROM res_partner_res_partner_category_rel rel
                      JOIN res_partner_category tag ON tag.id = rel.category_id
                     WHERE tag.sales_admin_visit_frequency > 0
                  GROUP BY rel.partner_id
                ),
                visits AS (
                    SELECT partner_id,
                           MAX(checkout_date) FILTER (WHERE state = 'done') AS last_checkout,
                           MIN(planned_start) FILTER (WHERE state IN ('proposed', 'planned')) AS next_start
                      FROM sales_admin_visit
                  GROUP BY partner_id
                ),
                cadence AS (
                    SELECT partner.id,
                           COALESCE(NULLIF(partner.visit_frequency, 0), tag_frequency.frequency, 0) AS frequency,
                           (visits.last_checkout AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS last_date,
                           visits.next_start,
                           partner.create_date::date AS created
                      FROM res_partner partner
                 LEFT JOIN tag_frequency ON tag_frequency.partner_id = partner.id
                 LEFT JOIN visits ON visits.partner_id = partner.id
                )
                UPDATE res_partner partner
                   SET visit_frequency_effective = cadence.frequency,
                       last_visit_date = cadence.last_date,
                       next_visit_date = cadence.next_start,
                       visit_due_date = CASE WHEN cadence.frequency = 0 THEN NULL
                                             WHEN cadence.last_date IS NULL THEN cadence.created
                                             ELSE cadence.last_date + cadence.frequency
                                        END
                  FROM cadence
                 WHERE cadence.id = partner.id
                """,
                tz=tz,
            )
        )
        self.env.invalidate_all()
        self.step("visit cadence of all partners recomputed in SQL (populate's copies included)")

    def _register_payments(self, plans, journal):
        """What the Register Payment wizard does, for many invoices at once: create, post, reconcile."""
        payments = (
            self.env["account.payment"]
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
                    for invoice, amount, paid_on in plans
                ]
            )
        )
        payments.with_context(skip_sale_auto_invoice_send=True).action_post()
        reconciliation_plan = []
        for payment, (invoice, _amount, _date) in zip(payments, plans, strict=True):
            receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            counterpart = payment.move_id.line_ids.filtered(lambda line, r=receivable: line.account_id == r.account_id)
            reconciliation_plan.append(receivable + counterpart)
        self.env["account.move.line"]._reconcile_plan(reconciliation_plan)
        return payments


# ------------------------------------------------------------
# Seeders of the addon's own models
# ------------------------------------------------------------

# cadence tags (Polish names, as the customers see them) and the frequencies given to customers, in days
VISIT_TAGS = [("Kluczowy klient", 14), ("Budowa w toku", 21), ("Detal", 60)]
VISIT_FREQUENCIES = [(14, 2), (21, 2), (30, 4), (45, 3), (60, 3), (90, 2)]


def seed_visits(seeder, customers, orders):
    """Cadence settings and two years of past visits for the seeded customers, set-based.

    Most customers get their own ``visit_frequency``, some only a cadence tag, a few none (visited now and then);
    each has several done visits spaced about its cadence apart, the last one a little before or after its due
    date; a few have an open visit (proposed or planned), which keeps them off the due list.
    """
    rng, env = seeder.rng, seeder.env
    # a visited customer is a customer, whether or not it has ordered yet
    customers.filtered(lambda customer: not customer.customer_rank).write({"customer_rank": 1})
    tags = env["res.partner.category"].create(
        [{"name": name, "sales_admin_visit_frequency": frequency} for name, frequency in VISIT_TAGS]
    )
    frequencies = [frequency for frequency, _weight in VISIT_FREQUENCIES]
    weights = [weight for _frequency, weight in VISIT_FREQUENCIES]
    by_frequency, by_tag = defaultdict(list), defaultdict(list)
    cadence = {}
    for customer in customers:
        draw = rng.random()
        if draw < 0.8:
            cadence[customer] = rng.choices(frequencies, weights)[0]
            by_frequency[cadence[customer]].append(customer.id)
        if 0.8 <= draw < 0.92 or rng.random() < 0.1:
            tag = rng.choice(tags)
            by_tag[tag].append(customer.id)
            cadence.setdefault(customer, tag.sales_admin_visit_frequency)
    for frequency, partner_ids in by_frequency.items():
        customers.browse(partner_ids).write({"visit_frequency": frequency})
    for tag, partner_ids in by_tag.items():
        customers.browse(partner_ids).write({"category_id": [Command.link(tag.id)]})
    seeder.step(
        f"cadence: {sum(map(len, by_frequency.values()))} customers with their own frequency, "
        f"{sum(map(len, by_tag.values()))} with a cadence tag, {len(customers) - len(cadence)} without"
    )

    vals_list = []
    for customer in customers:
        frequency = cadence.get(customer)
        if frequency:
            day = seeder.today - timedelta(days=rng.randint(0, int(frequency * 1.4)))
            days = []
            while len(days) < rng.randint(8, 18) and (seeder.today - day).days < HISTORY_DAYS:
                days.append(day)
                day -= timedelta(days=max(1, round(frequency * rng.uniform(0.7, 1.4))))
        else:
            days = [seeder.today - timedelta(days=rng.randint(1, HISTORY_DAYS)) for _dummy in range(rng.randint(0, 4))]
        common = {
            "partner_id": customer.id,
            "user_id": customer.user_id.id,
            "team_id": seeder.team_of[customer.user_id].id,
            "company_id": seeder.company.id,
        }
        for day in days:
            checkin = business_datetime(rng, day)
            checkout = checkin + timedelta(minutes=rng.randint(20, 150))
            vals_list.append(
                dict(
                    common,
                    state="done",
                    planned_start=checkin - timedelta(minutes=rng.choice((0, 5, 15, 30))),
                    checkin_date=checkin,
                    checkout_date=checkout,
                )
            )
        if rng.random() < 0.05:
            start = business_datetime(rng, seeder.today + timedelta(days=rng.randint(1, 20)))
            vals_list.append(dict(common, state=rng.choice(("proposed", "planned")), planned_start=start))
    visits = env["sales_admin.visit"]
    for start in range(0, len(vals_list), BATCH):
        visits |= visits.create(vals_list[start : start + BATCH])
        seeder._release_cache()
    seeder.step(f"{len(visits)} visits ({sum(vals['state'] == 'done' for vals in vals_list)} done)")


# model name -> function(seeder, customers, orders) that creates realistic records from the seeded customers and
# orders (set-based, through the ORM). Add one with each new model.
OWN_SEEDERS = {"sales_admin.visit": seed_visits}


def main():
    def add_arguments(parser):
        parser.add_argument("--phase", choices=("base", "payments"), required=True)
        parser.add_argument(
            "--orders", type=int, default=1000, help="quotations and orders to create (default %(default)s)"
        )
        parser.add_argument(
            "--customers", type=int, default=0, help="customers to create (default: a fifth of --orders, at least 30)"
        )
        parser.add_argument("--seed", type=int, default=18, help="random seed (default %(default)s)")

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    with environment(args.database, commit=True, superuser=True) as env:
        seeder = Seeder(env, args.orders, args.seed, args.customers)
        if args.phase == "base":
            seeder.run_base()
        else:
            seeder.run_payments()


if __name__ == "__main__":
    main()
