"""trainingsite.when: one way to show dates and times, in every language the site speaks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from trainingsite import when

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
DEC_8 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=WARSAW)
THIN = "\u2009"


@pytest.mark.parametrize(
    ("language", "day", "month_word"),
    [
        ("en", "8 Dec 2026", "Dec"),
        ("es", "8 dic 2026", "dic"),
        ("pt-br", "8 de dez. de 2026", "dez."),
        ("fr", "8 déc. 2026", "déc."),
        ("zh-hans", "2026年12月8日", "12月"),
    ],
)
def test_date_is_the_locales_own_format(language, day, month_word):
    with translation.override(language):
        assert when.date(DEC_8, WARSAW) == day
        assert month_word in when.date_range(DEC_8, DEC_8 + dt.timedelta(days=1), WARSAW)


def test_no_numeric_day_month_order_is_left_to_guess():
    for language in ("en", "es", "pt-br", "fr", "zh-hans"):
        with translation.override(language):
            text = when.date(DEC_8, WARSAW)
        assert "/" not in text and "12/08" not in text and "08/12" not in text


def test_chinese_is_year_month_day_everywhere_never_the_day_then_month():
    with translation.override("zh-hans"):
        assert when.date(DEC_8, WARSAW) == "2026年12月8日"
        assert when.date(DEC_8, WARSAW, long=True) == "2026年12月8日"
        assert when.datetime(DEC_8, WARSAW).startswith("2026年12月8日 09:00")
        html = Template("{% load when %}{{ d|local_date:'Europe/Warsaw' }}").render(
            Context({"d": DEC_8})
        )
        assert html == "2026年12月8日" and "十二月" not in html


def test_spanish_month_abbreviations_are_lower_case():
    with translation.override("es"):
        assert when.date(DEC_8, WARSAW) == "8 dic 2026"
        assert when.pattern(dt.date(2026, 1, 5), "MMMEd") == "lun, 5 ene"


def test_english_is_international_day_month_and_24_hours():
    with translation.override("en"):
        assert when.datetime(DEC_8.replace(hour=15), WARSAW) == (
            "8 Dec 2026, 15:00 (Warsaw Time, CET)"
        )


def test_a_two_day_warsaw_course_is_the_same_two_days_seen_from_singapore():
    # 29 Dec 09:00 to 30 Dec 17:00 in Warsaw ends at 00:00 on 31 Dec in Singapore.
    start = dt.datetime(2026, 12, 29, 9, 0, tzinfo=WARSAW)
    end = dt.datetime(2026, 12, 30, 17, 0, tzinfo=WARSAW)
    with translation.override("en"):
        assert when.date_range(start, end, "Europe/Warsaw") == f"29{THIN}–{THIN}30 Dec 2026"
        assert "31" in when.date_range(start, end, "Asia/Singapore")  # what it must not show
    with translation.override("zh-hans"):
        assert when.date_range(start, end, "Europe/Warsaw") == f"2026年12月29日{THIN}–{THIN}30日"


def test_certificates_spell_the_months_out():
    start = dt.datetime(2026, 12, 29, 9, 0, tzinfo=WARSAW)
    end = start + dt.timedelta(days=1, hours=8)
    assert when.date_range(start, end, WARSAW, long=True, language="en") == (
        "29 December 2026 – 30 December 2026"
    )
    assert when.date_range(start, start, WARSAW, long=True, language="en") == "29 December 2026"


def test_a_course_across_new_year_names_both_years():
    start = dt.datetime(2026, 12, 31, 9, 0, tzinfo=WARSAW)
    with translation.override("en"):
        text = when.date_range(start, start + dt.timedelta(days=1), WARSAW)
    assert "2026" in text and "2027" in text


def test_session_shows_the_viewers_time_only_where_it_differs():
    start = dt.datetime(2026, 12, 29, 9, 0, tzinfo=WARSAW)
    with translation.override("en"):
        local, mine = when.spans(start, start + dt.timedelta(hours=8), WARSAW, "Asia/Singapore")
        assert local.text == "Tue, 29 Dec 2026, 09:00–17:00" and local.zone == "Warsaw Time, CET"
        assert mine is not None
        assert mine.text == "Tue, 29 Dec 2026, 16:00 – Wed, 30 Dec 2026, 00:00"
        assert mine.zone == "Singapore Time, GMT+08:00"
        _, same = when.spans(start, start + dt.timedelta(hours=8), WARSAW, "Europe/Berlin")
        assert same is None


def test_daylight_saving_names_and_offsets_follow_the_date():
    summer = dt.datetime(2026, 7, 1, 9, 0, tzinfo=WARSAW)
    with translation.override("en"):
        assert when.zone_label(WARSAW, DEC_8) == "Warsaw Time, CET"
        assert when.zone_label(WARSAW, summer) == "Warsaw Time, CEST"
        # 27 Mar 2027 09:00 Warsaw (CET) is 08:00 UTC; a day later (CEST) it is 07:00 UTC.
        before = dt.datetime(2027, 3, 27, 9, 0, tzinfo=WARSAW)
        after = dt.datetime(2027, 3, 28, 9, 0, tzinfo=WARSAW)
        assert when.datetime(before, "UTC") == "27 Mar 2027, 08:00 (UTC)"
        assert when.datetime(after, "UTC") == "28 Mar 2027, 07:00 (UTC)"
    assert when.offset(WARSAW, DEC_8) == "UTC+01:00" and when.offset(WARSAW, summer) == "UTC+02:00"
    assert when.offset("America/St_Johns", DEC_8) == "UTC−03:30"


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Warsaw Time, CET"),
        ("es", "hora de Varsovia, CET"),
        ("pt-br", "Horário Varsóvia, +01:00 GMT"),
        ("fr", "heure : Varsovie, UTC+01:00"),
        ("zh-hans", "华沙时间，GMT+01:00"),
    ],
)
def test_zone_label_names_the_city_and_the_zone_in_the_language(language, label):
    with translation.override(language):
        assert when.zone_label(WARSAW, DEC_8) == label


def test_chinese_labels_use_full_width_parentheses():
    with translation.override("zh-hans"):
        assert when.datetime(DEC_8, WARSAW) == "2026年12月8日 09:00（华沙时间，GMT+01:00）"


def test_every_datetime_names_its_zone():
    with translation.override("en"):
        assert when.datetime(DEC_8, "UTC").endswith("(UTC)")
        assert when.datetime(DEC_8, WARSAW, compact=True) == "8 Dec 2026, 09:00 CET"
        assert when.time_with_zone(DEC_8, "Asia/Singapore") == ("16:00 (Singapore Time, GMT+08:00)")


def test_period_for_e_mails_gives_the_workshops_time_then_the_readers():
    start = dt.datetime(2026, 12, 29, 9, 0, tzinfo=WARSAW)
    end = dt.datetime(2026, 12, 30, 17, 0, tzinfo=WARSAW)
    text = when.period(start, end, WARSAW, "Asia/Singapore", language="en")
    assert text.startswith("Tue, 29 Dec 2026, 09:00 – Wed, 30 Dec 2026, 17:00 (Warsaw Time, CET)")
    assert "your time" in text and "Singapore Time" in text
    assert when.period(start, end, WARSAW, "Europe/Warsaw", language="en").count("Warsaw") == 1


def test_pickable_zones_are_canonical_area_city_names_and_utc():
    zones = when.canonical_zones()
    assert {"Europe/Warsaw", "Asia/Kolkata", "America/Los_Angeles", "UTC"} <= zones
    for legacy in ("US/Pacific", "Asia/Calcutta", "Factory", "localtime", "Etc/GMT+5", "GB"):
        assert legacy not in zones
    assert all(z == "UTC" or z.split("/", 1)[0] in when.AREAS for z in zones)


def test_legacy_aliases_read_as_the_zone_they_stand_for():
    assert when.canonical_zone("US/Pacific") == "America/Los_Angeles"
    assert when.canonical_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert when.canonical_zone("Poland") == "Europe/Warsaw"
    assert when.canonical_zone("Mars/Olympus") == "UTC"


def test_zone_choices_are_grouped_by_region_with_offsets():
    now = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
    with translation.override("en"):
        groups = dict(when.zone_choices(now))
    assert list(groups)[:3] == ["UTC", "Africa", "Americas"]
    europe = dict(groups["Europe"])
    assert europe["Europe/Warsaw"] == "Warsaw · UTC+01:00 · Europe/Warsaw"
    assert "UTC+05:30" in dict(groups["Asia"])["Asia/Kolkata"]
    with translation.override("zh-hans"):
        chinese = dict(when.zone_choices(now))
    assert dict(chinese["欧洲"] if "欧洲" in chinese else chinese["Europe"])[
        "Europe/Warsaw"
    ].startswith("华沙")
