"""Create the Approvers group holding `invoices.approve_invoice`.

A frozen copy of `accounts.roles.approvers_group`, on purpose: a migration runs against the
historical models `apps` gives it, so it cannot import application code that may change."""

from django.db import migrations

GROUP_NAME = "Approvers"


def create_approvers_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the group
    # needs ours now, so make it the same way Django would, idempotently.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="invoices", model="invoice")
    permission, _ = Permission.objects.get_or_create(
        codename="approve_invoice",
        content_type=content_type,
        defaults={"name": "Can approve and reject invoices"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(permission)


def remove_approvers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_approvers_group, remove_approvers_group)]
