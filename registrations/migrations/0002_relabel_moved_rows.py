# Rows that name the moved models or modules by their old place follow them: the content
# types (so permissions and admin log entries keep pointing at the models) and mails queued to
# be rendered when sent (outbox.services.queue_render stores the renderer's dotted path).

from django.db import migrations

MOVED_MODELS = ("registration", "registrationevent")
OLD_RENDER = "attendees.mails.registration_event_mail"
NEW_RENDER = "registrations.mails.registration_event_mail"


def _relabel(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        # A content type already made for the new label (a migrate that ran post_migrate in
        # between) wins; the old one then stays, as Django leaves any stale content type.
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def _repath(apps, schema_editor, *, old: str, new: str) -> None:
    Mail = apps.get_model("outbox", "Mail")
    db = schema_editor.connection.alias
    for mail in Mail.objects.using(db).filter(content__render=old).only("pk", "content"):
        mail.content["render"] = new
        mail.save(update_fields=["content"])


def forward(apps, schema_editor):
    _relabel(apps, schema_editor, old="attendees", new="registrations")
    _repath(apps, schema_editor, old=OLD_RENDER, new=NEW_RENDER)


def backward(apps, schema_editor):
    _relabel(apps, schema_editor, old="registrations", new="attendees")
    _repath(apps, schema_editor, old=NEW_RENDER, new=OLD_RENDER)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("attendees", "0008_registration_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outbox", "0003_mail"),
    ]

    operations = [migrations.RunPython(forward, backward)]
