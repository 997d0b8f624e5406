"""Issue the track credentials earned and revoke the ones no longer supported, for everyone."""

from django.core.management.base import BaseCommand

from credentials.tracks import review_everyone


class Command(BaseCommand):
    help = (
        "Review every certificate holder's track credentials: issue those earned (every live "
        "module of a track completed), revoke those whose workshop certificates were revoked. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        result = review_everyone()
        self.stdout.write(
            f"{len(result.issued)} track credentials issued, {len(result.revoked)} revoked."
        )
