"""Reading an officer's answer and marking it: one rule per kind of question.

- single choice, true or false: the right option (or truth value), exactly;
- multiple choice: exactly the right set of options;
- numeric: within the question's accepted difference of the right answer. A number is read
  with a comma or a dot for decimals ("3,5" or "3.5"); spaces and apostrophes grouping the
  thousands are ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from workshops.models import Question

Kind = Question.Kind

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPING = str.maketrans("", "", " \u00a0\u202f'’")


def parse_number(text: str) -> Decimal | None:
    """The number typed, or None if it is not one."""
    s = (text or "").translate(_GROUPING).replace("−", "-")
    if "," in s and "." in s:
        # The later of the two separates the decimals; the other groups thousands.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    if not _NUMBER.fullmatch(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def is_correct(question: Question, response) -> bool:
    """Whether `response` (as stored by the taking service) is the right answer."""
    if response is None:
        return False
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        chosen = {int(i) for i in response}
        return bool(chosen) and chosen == set(question.correct_indices)
    if question.kind == Kind.TRUE_FALSE:
        return question.true_answer is not None and response is question.true_answer
    if question.kind == Kind.NUMERIC:
        value = parse_number(str(response))
        if value is None or question.numeric_answer is None:
            return False
        return abs(value - question.numeric_answer) <= question.numeric_tolerance
    return False
