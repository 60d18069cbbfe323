"""The year lock in the database: once a year has a YearLock row, an entry for that year
is refused unless it belongs to a closing run (ImportBatch.kind = 'close'), so nothing —
not a re-run conversion, not a hand journal — changes a closed year behind the
statements that were published. PostgreSQL checks once per INSERT statement (a transition
table, cheap for a COPY of a million entries); SQLite once per row."""

from django.db import migrations

MESSAGE = "kokai: この年度は決算が確定しています。訂正は翌年度の仕訳で行ってください"

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION kokai_year_lock() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (
        SELECT 1 FROM new_entries e
          JOIN ledger_yearlock y ON y.lg_id = e.lg_id AND y.fiscal_year = e.fiscal_year
          JOIN ledger_importbatch b ON b.id = e.batch_id
         WHERE b.kind <> 'close'
      ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NULL;
    END $$;
    """,
    """
    CREATE TRIGGER ledger_entry_year_lock AFTER INSERT ON ledger_journalentry
      REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION kokai_year_lock();
    """,
]

SQLITE = [
    f"""
    CREATE TRIGGER ledger_entry_year_lock BEFORE INSERT ON ledger_journalentry
    WHEN EXISTS (SELECT 1 FROM ledger_yearlock y WHERE y.lg_id = NEW.lg_id AND y.fiscal_year = NEW.fiscal_year)
     AND (SELECT b.kind FROM ledger_importbatch b WHERE b.id = NEW.batch_id) <> 'close'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"kokai: no year lock for database {vendor}")
    for sql in statements:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_settings_and_lock")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
