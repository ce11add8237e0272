"""Enforce the audit trail's append-only rule in the database itself.

The model refuses `save()` on an existing row and `delete()`, but a queryset
`.update()` or raw SQL would slip past; these triggers refuse them too. On SQLite
only UPDATE is refused, because Django's test flush empties tables with DELETE
(PostgreSQL's flush uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION invoices_invoiceevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'invoice events are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_invoiceevent_append_only
    BEFORE UPDATE OR DELETE ON invoices_invoiceevent
    FOR EACH ROW EXECUTE FUNCTION invoices_invoiceevent_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS invoices_invoiceevent_append_only ON invoices_invoiceevent;
DROP FUNCTION IF EXISTS invoices_invoiceevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS invoices_invoiceevent_no_update
BEFORE UPDATE ON invoices_invoiceevent
BEGIN
    SELECT RAISE(ABORT, 'invoice events are append-only (UPDATE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS invoices_invoiceevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0002_approvers_group")]

    operations = [migrations.RunPython(forward, backward)]
