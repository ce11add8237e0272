"""Copy each event's invoice owner onto the event, for per-owner activity queries.

The append-only triggers of 0003 refuse UPDATE, so this migration lifts them for the
one-time backfill and puts them back before it commits.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS invoices_invoiceevent_append_only ON invoices_invoiceevent;
"""
POSTGRES_CREATE = """
CREATE TRIGGER invoices_invoiceevent_append_only
    BEFORE UPDATE OR DELETE ON invoices_invoiceevent
    FOR EACH ROW EXECUTE FUNCTION invoices_invoiceevent_append_only();
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS invoices_invoiceevent_no_update;"
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS invoices_invoiceevent_no_update
BEFORE UPDATE ON invoices_invoiceevent
BEGIN
    SELECT RAISE(ABORT, 'invoice events are append-only (UPDATE refused)');
END;
"""
BACKFILL = """
UPDATE invoices_invoiceevent SET owner_id = (
    SELECT owner_id FROM invoices_invoice WHERE invoices_invoice.id = invoices_invoiceevent.invoice_id
) WHERE owner_id IS NULL;
"""


def _run(schema_editor, *, postgres: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        schema_editor.execute(sqlite)


def lift_triggers(apps, schema_editor):
    _run(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP)


def restore_triggers(apps, schema_editor):
    _run(schema_editor, postgres=POSTGRES_CREATE, sqlite=SQLITE_CREATE)


def backfill(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # Check the new foreign keys now, so no deferred trigger events block the
        # ALTER TABLE that follows in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")
    schema_editor.execute(BACKFILL)
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED;")


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0004_invoiceevent_recent_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(lift_triggers, restore_triggers),
        migrations.AddField(
            model_name="invoiceevent",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invoiceevent",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="invoiceevent",
            index=models.Index(fields=["owner", "-created_at", "-id"], name="invoiceevent_owner_recent_idx"),
        ),
        migrations.RunPython(restore_triggers, lift_triggers),
    ]
