"""Seed a customer base for the segment sync benchmark, set-based, on a database of its own.

    odoo-bin ... -d sales_admin_bench_segment -i sales_admin_addon --without-demo=all --stop-after-init
    .venv/bin/python benchmarks/seed_segment.py -d sales_admin_bench_segment [--customers 140000] [--reset]

- one tag ``Bench: newsletter`` and one segment ``Bench: newsletter`` (the tag, customers and their contacts,
  consent required, leavers removed), made through the ORM when missing;
- ``--customers`` customers (companies, tagged) and about 3 contact persons for every 7 customers, so about
  200,000 partners for the default 140,000, by ``INSERT ... SELECT`` over ``generate_series`` (fixed random seed),
  with the stored fields the ORM would compute (``commercial_partner_id``, ``complete_name``,
  ``email_normalized`` as ``tools.email_normalize`` gives it for these addresses);
- e-mail addresses: mostly unique and in varied case; 2 % the address of another partner written differently
  (``" Customer12@Example.COM "``: duplicates once normalised); 1 % invalid (no ``@``: not normalisable); 2 % none;
- 1 % of the addresses blacklisted (``mail.blacklist``);
- marketing consent for 90 % (source "import");
- ``ANALYZE``.

The seeded partners carry ``ref = 'bench-seg-<n>'``; ``--reset`` deletes them, their mailing contacts and the
segment's list first.
"""

import sys
import time

from _common import environment, parse_args

from odoo.tools import SQL

TAG = "Bench: newsletter"
SEGMENT = "Bench: newsletter"


def add_arguments(parser):
    parser.add_argument("--customers", type=int, default=140000, help="customers (default %(default)s)")
    parser.add_argument("--reset", action="store_true", help="delete a previous seed first")


def reset(env):
    env.cr.execute(
        """
        DELETE FROM mailing_subscription WHERE contact_id IN (
            SELECT c.id FROM mailing_contact c JOIN res_partner p ON p.id = c.partner_id
             WHERE p.ref LIKE 'bench-seg-%');
        DELETE FROM mailing_contact WHERE partner_id IN (SELECT id FROM res_partner WHERE ref LIKE 'bench-seg-%');
        DELETE FROM mail_blacklist WHERE email LIKE '%@bench-seg.example';
        DELETE FROM res_partner WHERE ref LIKE 'bench-seg-%' AND parent_id IS NOT NULL;
        DELETE FROM res_partner WHERE ref LIKE 'bench-seg-%';
        """
    )


def ensure_configuration(env):
    tag = env["res.partner.category"].search([("name", "=", TAG)], limit=1) or env["res.partner.category"].create(
        {"name": TAG}
    )
    segment = env["sales_admin.segment"].search([("name", "=", SEGMENT)], limit=1)
    if not segment:
        segment = env["sales_admin.segment"].create(
            {
                "name": SEGMENT,
                "category_ids": [(6, 0, tag.ids)],
                "audience": "contacts",
                "require_consent": True,
                "leaver_policy": "remove",
                "auto_sync": False,
            }
        )
    return tag, segment


def seed(env, customers, tag):
    poland = env.ref("base.pl").id
    params = {"customers": customers, "tag": tag.id, "poland": poland}
    env.cr.execute("SELECT setseed(0.42)")
    # customers: n = 1..customers; the address kind drawn once per row
    env.cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_seg_seed ON COMMIT DROP AS
            SELECT n, random() AS r, (random() * %(customers)s)::int + 1 AS other
              FROM generate_series(1, %(customers)s + %(customers)s * 3 / 7) n
            """,
            **params,
        )
    )
    email_sql = SQL(
        """
        CASE
            WHEN s.r < 0.02 THEN NULL
            WHEN s.r < 0.03 THEN 'no-address-' || s.n
            WHEN s.r < 0.05 THEN ' Customer' || s.other || '@Bench-Seg.EXAMPLE '
            WHEN mod(s.n, 3) = 0 THEN 'Customer' || s.n || '@bench-seg.example'
            ELSE 'customer' || s.n || '@bench-seg.example'
        END
        """
    )
    normalized_sql = SQL(
        """
        CASE
            WHEN s.r < 0.02 OR (s.r >= 0.02 AND s.r < 0.03) THEN NULL
            WHEN s.r < 0.05 THEN 'customer' || s.other || '@bench-seg.example'
            ELSE 'customer' || s.n || '@bench-seg.example'
        END
        """
    )
    common_columns = SQL(
        """
        type, active, lang, autopost_bills, partner_share, color, message_bounce, customer_rank, supplier_rank,
        country_id, create_uid, write_uid, create_date, write_date, ref, email, email_normalized,
        sales_admin_marketing_consent, sales_admin_consent_date, sales_admin_consent_source
        """
    )
    common_values = SQL(
        """
        'contact', TRUE, 'en_US', 'ask', TRUE, 0, 0, 1, 0, %(poland)s, 1, 1, now() AT TIME ZONE 'UTC',
        now() AT TIME ZONE 'UTC', 'bench-seg-' || s.n, %(email)s, %(normalized)s,
        mod(s.n * 7919, 10) != 0, now() AT TIME ZONE 'UTC', 'import'
        """,
        poland=poland,
        email=email_sql,
        normalized=normalized_sql,
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, %(columns)s)
            SELECT 'Klient ' || s.n, 'Klient ' || s.n, TRUE, %(values)s
              FROM bench_seg_seed s
             WHERE s.n <= %(customers)s
            """,
            columns=common_columns,
            values=common_values,
            customers=customers,
        )
    )
    env.cr.execute(
        """
        UPDATE res_partner SET commercial_partner_id = id, commercial_company_name = name
         WHERE ref LIKE 'bench-seg-%' AND commercial_partner_id IS NULL
        """
    )
    # contact persons: 3 for every 7 customers, each under the customer n / 7 * 3...
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, parent_id, commercial_partner_id,
                                     commercial_company_name, %(columns)s)
            SELECT 'Osoba ' || s.n, c.name || ', Osoba ' || s.n, FALSE, c.id, c.id, c.name, %(values)s
              FROM bench_seg_seed s
              JOIN res_partner c ON c.ref = 'bench-seg-' || ((s.n - %(customers)s) * 7 / 3)
             WHERE s.n > %(customers)s
            """,
            columns=common_columns,
            values=common_values,
            customers=customers,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner_res_partner_category_rel (category_id, partner_id)
            SELECT %(tag)s, id FROM res_partner WHERE ref LIKE %(refs)s AND is_company
            """,
            tag=tag.id,
            refs="bench-seg-%",
        )
    )
    env.cr.execute(
        """
        INSERT INTO mail_blacklist (email, active, create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT email_normalized, TRUE, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM res_partner
         WHERE ref LIKE 'bench-seg-%' AND email_normalized IS NOT NULL AND id % 100 = 7
        ON CONFLICT DO NOTHING
        """
    )


def main():
    args = parse_args(__doc__.splitlines()[0], add_arguments)
    started = time.perf_counter()
    with environment(args.database, commit=True, superuser=True) as env:
        env.cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'bench-seg-%'")
        if env.cr.fetchone()[0]:
            if not args.reset:
                sys.exit("the database is already seeded (use --reset)")
            reset(env)
        tag, segment = ensure_configuration(env)
        if segment.mailing_list_id:
            segment.mailing_list_id.unlink()
        seed(env, args.customers, tag)
        env.cr.commit()
        env.cr.execute("ANALYZE res_partner, mail_blacklist, mailing_contact, mailing_subscription")
        env.cr.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE email IS NULL),
                   count(*) FILTER (WHERE email IS NOT NULL AND email_normalized IS NULL),
                   count(*) - count(DISTINCT email_normalized) - count(*) FILTER (WHERE email_normalized IS NULL),
                   count(*) FILTER (WHERE sales_admin_marketing_consent)
              FROM res_partner WHERE ref LIKE 'bench-seg-%'
            """
        )
        total, no_email, invalid, duplicates, consent = env.cr.fetchone()
        env.cr.execute("SELECT count(*) FROM mail_blacklist WHERE email LIKE '%@bench-seg.example'")
        blacklisted = env.cr.fetchone()[0]
        env.invalidate_all()
        print(
            f"seed_segment: {total} partners ({no_email} without e-mail, {invalid} invalid, {duplicates} duplicate "
            f"addresses, {blacklisted} blacklisted, {consent} with consent); segment members: "
            f"{segment.member_count}; {time.perf_counter() - started:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
