"""18.0.1.2.0: a segment's free conditions ("Other Conditions") are evaluated with the rights of the user who wrote
them (``extra_domain_uid``), so that they read no more of other records than that user may. Segments saved before
have no author: give them the user who last wrote them, when that is a real user (not the superuser of data files
and scripts, whose segments keep being evaluated as superuser) and the conditions are not empty."""

EMPTY_DOMAINS = ("", "[]")


def migrate(cr, version):
    cr.execute(
        """
        UPDATE sales_admin_segment s
           SET extra_domain_uid = s.write_uid
          FROM res_users u
         WHERE u.id = s.write_uid
           AND u.id != 1
           AND s.extra_domain_uid IS NULL
           AND COALESCE(TRIM(s.extra_domain), '') NOT IN %s
        """,
        [EMPTY_DOMAINS],
    )
