"""Question bank factories (working-copy questions of a module)."""

from decimal import Decimal

import factory

from tests.factories import ModuleFactory
from workshops.models import Question


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"Question {n}?")
    choices = factory.LazyFunction(
        lambda: [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}]
    )


class NumericQuestionFactory(QuestionFactory):
    kind = Question.Kind.NUMERIC
    choices = factory.LazyFunction(list)
    numeric_answer = Decimal(6)
    numeric_tolerance = Decimal(1)


class TrueFalseQuestionFactory(QuestionFactory):
    kind = Question.Kind.TRUE_FALSE
    choices = factory.LazyFunction(list)
    true_answer = True
