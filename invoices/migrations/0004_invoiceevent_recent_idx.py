"""Index the audit trail by time, newest first, for the dashboard's recent activity.

Without it, the staff dashboard's "latest 20 events" sorts every event ever written.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0003_invoiceevent_append_only_trigger"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoiceevent",
            index=models.Index(fields=["-created_at", "-id"], name="invoiceevent_recent_idx"),
        ),
    ]
