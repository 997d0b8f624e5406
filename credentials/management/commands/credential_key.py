from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from credentials.keys import b64url, issuer_did, key_ring, new_key_line


class Command(BaseCommand):
    help = (
        "Make a new Ed25519 key for signing credentials: prints the CREDENTIAL_SIGNING_KEY line "
        "(secret), its public part, and the steps to rotate to it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "key_id",
            help="A name for the key, unique among the issuer's keys, e.g. the month: 2026-12.",
        )

    def handle(self, *args, key_id: str, **options):
        try:
            secret_line, public_entry = new_key_line(key_id)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        try:
            published = key_ring().published
        except ImproperlyConfigured:
            published = ()
        if any(key.key_id == key_id for key in published):
            raise CommandError(f"The key id {key_id!r} is already used: choose another.")
        self.stdout.write(f"CREDENTIAL_SIGNING_KEY={secret_line}")
        self.stdout.write(f"# Its public part (a retired-key entry once replaced): {public_entry}")
        self.stdout.write("")
        self.stdout.write("To rotate to this key:")
        if published:
            entries = ",".join(f"{k.key_id}:{b64url(k.public_bytes)}" for k in published)
            keep = f"CREDENTIAL_RETIRED_KEYS={entries}"
        else:
            keep = "CREDENTIAL_RETIRED_KEYS=<key id>:<base64url public key>,... (the keys replaced)"
        steps = [
            "Keep the CREDENTIAL_SIGNING_KEY line secret: a secrets store, never git.",
            f"Publish the key it replaces, and every key retired before, as verify-only: {keep}",
            "Set CREDENTIAL_SIGNING_KEY to the line above, on every app server and worker at "
            "once, and restart them.",
            f"Check that /.well-known/did.json ({issuer_did()}) and /.well-known/jwks.json list "
            "the new key and the retired ones: what a retired key signed keeps verifying.",
            "Never remove a retired key while credentials it signed may still be presented.",
        ]
        for number, step in enumerate(steps, 1):
            self.stdout.write(f"  {number}. {step}")
