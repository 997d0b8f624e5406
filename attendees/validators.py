"""What a person's or an agency's name may hold. Names are printed on certificates and stamped
PDFs, written into mails and CSV exports: a control character breaks those lines, and a
text-direction override makes a name display as something else than what was typed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters (tab and newline included) and DEL; the bidirectional
# embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
FORBIDDEN_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def validate_name(value: str) -> None:
    """The one validator of every field holding a person's or an agency's name."""
    if FORBIDDEN_IN_NAMES.search(value or ""):
        raise ValidationError(
            _(
                "Use letters, spaces and punctuation only: line breaks, tabs and other control "
                "or text-direction characters cannot be part of a name."
            ),
            code="control_character",
        )
