"""Database-level guards for the ledger.

* Posted entries and lines can be neither updated nor deleted (both databases); on
  PostgreSQL TRUNCATE is refused too. Corrections are reversal entries.
* PostgreSQL: after every INSERT statement into the lines, each entry it touched must
  balance (sum of amounts = 0) and have at least two lines. The check is statement-level
  with a transition table, so a million-line COPY is checked in one query.
"""

from django.db import migrations

MESSAGE = "kokai: 転記済みの仕訳は変更・削除できません。訂正は逆仕訳で行ってください"
TABLES = ("ledger_journalentry", "ledger_journalline")

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION kokai_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    """,
    """
    CREATE OR REPLACE FUNCTION kokai_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE bad bigint; total bigint; n bigint;
    BEGIN
      SELECT l.entry_id, SUM(l.amount), COUNT(*) INTO bad, total, n
        FROM ledger_journalline l
        WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
        GROUP BY l.entry_id
        HAVING SUM(l.amount) <> 0 OR COUNT(*) < 2
        LIMIT 1;
      IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'kokai: 仕訳 % の借方と貸方が一致しません（差額 %、明細 % 行）', bad, total, n
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    """,
    """
    CREATE TRIGGER ledger_line_balanced AFTER INSERT ON ledger_journalline
      REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION kokai_check_balance();
    """,
] + [
    sql
    for t in TABLES
    for sql in (
        f"CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION kokai_forbid_change();",
        f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION kokai_forbid_change();",
    )
]

SQLITE = [
    f"CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    for t in TABLES
    for op in ("UPDATE", "DELETE")
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"kokai: no ledger guards for database {vendor}")
    for sql in statements:
        schema_editor.execute(sql, None)  # None: no placeholder parsing of the % in RAISE


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
