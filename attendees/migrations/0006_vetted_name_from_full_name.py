from django.db import migrations
from django.db.models import F


def vet_current_names(apps, schema_editor):
    """Officers verified before names were vetted keep the name they have now: the vetting that
    verified them saw no other. Everyone else gets theirs from their next vetting."""
    User = apps.get_model("attendees", "User")
    User.objects.filter(status="verified", agency__isnull=False, vetted_name="").update(
        vetted_name=F("full_name")
    )


class Migration(migrations.Migration):
    dependencies = [("attendees", "0005_user_vetted_name")]

    operations = [migrations.RunPython(vet_current_names, migrations.RunPython.noop)]
