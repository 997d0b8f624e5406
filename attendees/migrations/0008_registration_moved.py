# Registration and RegistrationEvent now live in the registrations app, with their tables
# (registrations 0001): they leave this app's model state only; no table is dropped.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("attendees", "0007_mail_in_outbox"),
        ("registrations", "0001_initial"),
        # Every foreign key to the model points at registrations.Registration first.
        ("attendance", "0004_registration_moved"),
        ("invites", "0004_registration_moved"),
        # The data-version triggers' migrations looked the model up here (installed, then
        # dropped): they run while it is still in this app's state.
        ("reports", "0004_drop_dataversion"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RegistrationEvent"),
                migrations.DeleteModel(name="Registration"),
            ],
            database_operations=[],
        ),
    ]
