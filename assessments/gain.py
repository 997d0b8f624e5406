"""Knowledge gain: what officers knew before a workshop and after it.

A pair is one registration with both a sent pre-test and a sent post-test; each side is the
best sent attempt (`Attempt.objects.best`), as a percent. For a group of pairs:
- mean pre and mean post: the averages of the pairs' percents;
- gain: mean post − mean pre, in percentage points;
- normalised gain ⟨g⟩ = (mean post − mean pre) / (100 − mean pre), from the group's averages
  (Hake's class-average gain): the share of what there was left to learn that was learnt;
  None when the mean pre is 100 (nothing left to learn).

Groups: by module (a pair counts for every module its workshop teaches, by the module's
title), track (of the workshop's first module), region (of the workshop), agency (of the
officer) and period (the quarter of the workshop's start, UTC, as the program report's periods).

Hiding: a group with fewer than FEEDBACK_MIN_ANSWERS distinct officers shows no figures (a
score could be traced to a person). Within one grouping, when exactly one group is hidden its
figures could be recovered from the total and the others, so the smallest other group is hidden
too; a total under the threshold hides every group.
"""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext

from registrations.models import Registration

from .models import Attempt, WorkshopTest

NO_AGENCY = "—"
NO_TRACK = "—"


@dataclass(frozen=True)
class Pair:
    officer_id: int
    pre: float
    post: float
    modules: tuple[str, ...] = ()
    track: str = NO_TRACK
    region: str = ""
    agency: str = NO_AGENCY
    period: str = ""


@dataclass
class GainLine:
    label: str
    officers: int
    pairs: int
    pre_mean: float | None
    post_mean: float | None
    hidden: bool = False

    @property
    def gain(self) -> float | None:
        if self.hidden or self.pre_mean is None or self.post_mean is None:
            return None
        return self.post_mean - self.pre_mean

    @property
    def normalised(self) -> float | None:
        if self.hidden or self.pre_mean is None or self.post_mean is None:
            return None
        if self.pre_mean >= 100:
            return None
        return (self.post_mean - self.pre_mean) / (100 - self.pre_mean)

    def hide(self) -> None:
        self.hidden = True
        self.pre_mean = self.post_mean = None


@dataclass
class GainFigures:
    min_officers: int
    total: GainLine
    by_module: list[GainLine] = field(default_factory=list)
    by_track: list[GainLine] = field(default_factory=list)
    by_region: list[GainLine] = field(default_factory=list)
    by_agency: list[GainLine] = field(default_factory=list)
    by_period: list[GainLine] = field(default_factory=list)

    def groupings(self) -> list[tuple[str, str, list[GainLine]]]:
        """(key, title, lines) in the page's and the export's order."""
        return [
            ("module", gettext("By module"), self.by_module),
            ("track", gettext("By track"), self.by_track),
            ("region", gettext("By region"), self.by_region),
            ("agency", gettext("By agency"), self.by_agency),
            ("period", gettext("By period"), self.by_period),
        ]


def gain_line(label: str, pairs: Sequence[Pair], min_officers: int) -> GainLine:
    officers = len({p.officer_id for p in pairs})
    line = GainLine(
        label=label,
        officers=officers,
        pairs=len(pairs),
        pre_mean=pystats.fmean(p.pre for p in pairs) if pairs else None,
        post_mean=pystats.fmean(p.post for p in pairs) if pairs else None,
    )
    if officers < min_officers:
        line.hide()
    return line


def grouped(
    pairs: Sequence[Pair],
    labels_of: Callable[[Pair], Iterable[str]],
    min_officers: int,
    *,
    total_hidden: bool,
) -> list[GainLine]:
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        for label in labels_of(pair):
            groups.setdefault(label, []).append(pair)
    lines = [gain_line(label, members, min_officers) for label, members in sorted(groups.items())]
    if total_hidden:
        for line in lines:
            line.hide()
        return lines
    hidden = [line for line in lines if line.hidden]
    if len(hidden) == 1:
        # Complementary hiding: total − the others would give the hidden group away.
        shown = [line for line in lines if not line.hidden]
        if shown:
            min(shown, key=lambda line: (line.officers, line.pairs, line.label)).hide()
    return lines


def knowledge_gain(pairs: Sequence[Pair], *, min_officers: int) -> GainFigures:
    total = gain_line("", pairs, min_officers)
    hidden = total.hidden

    def by(labels_of):
        return grouped(pairs, labels_of, min_officers, total_hidden=hidden)

    return GainFigures(
        min_officers=min_officers,
        total=total,
        by_module=by(lambda p: p.modules),
        by_track=by(lambda p: (p.track,)),
        by_region=by(lambda p: (p.region,)),
        by_agency=by(lambda p: (p.agency,)),
        by_period=by(lambda p: (p.period,)),
    )


def quarter_of(moment: dt.datetime | None) -> str:
    """The report's period of a workshop: the quarter of its start (UTC), "2026 Q1"."""
    if moment is None:
        return ""
    day = moment.astimezone(dt.UTC)
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def gain_pairs(registrations: QuerySet[Registration], *, track_of=None) -> list[Pair]:
    """The pairs among `registrations` (a scoped queryset; its order is ignored). One query:
    a row per best attempt and module the workshop teaches.

    `track_of`: an expression giving the workshop's track name, annotated on the attempts
    (the reports' first-module track); without it, no track."""
    attempts = Attempt.objects.best().filter(registration__in=registrations.order_by().values("pk"))
    fields = [
        "registration_id",
        "test__kind",
        "percent",
        "registration__officer_id",
        "registration__officer__agency__name",
        "registration__workshop__region__name",
        "registration__workshop__starts_at",
        "registration__workshop__workshop_modules__revision__module__title",
    ]
    if track_of is not None:
        attempts = attempts.annotate(track_name=track_of)
        fields.append("track_name")
    seen: dict[int, dict] = {}
    for row in attempts.order_by(
        "registration__workshop__workshop_modules__position",
        "registration__workshop__workshop_modules__pk",
    ).values(*fields):
        entry = seen.setdefault(row["registration_id"], {**row, "modules": {}})
        entry[row["test__kind"]] = float(row["percent"] or 0)
        title = row["registration__workshop__workshop_modules__revision__module__title"]
        if title:
            entry["modules"][title] = None
    return [
        Pair(
            officer_id=e["registration__officer_id"],
            pre=e[WorkshopTest.Kind.PRE],
            post=e[WorkshopTest.Kind.POST],
            modules=tuple(e["modules"]),
            track=e.get("track_name") or NO_TRACK,
            region=e["registration__workshop__region__name"] or "",
            agency=e["registration__officer__agency__name"] or NO_AGENCY,
            period=quarter_of(e["registration__workshop__starts_at"]),
        )
        for e in seen.values()
        if WorkshopTest.Kind.PRE in e and WorkshopTest.Kind.POST in e
    ]
