"""Opening hours: slot edges, holidays, closures, next opening and DST days in Paris."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from handoff.hours import OpeningHours

PARIS = ZoneInfo("Europe/Paris")

SETTINGS = """
timezone: Europe/Paris
weekly:
  monday: ["09:00-20:00"]
  tuesday: ["09:00-20:00"]
  wednesday: ["09:00-20:00"]
  thursday: ["09:00-20:00"]
  friday: ["09:00-20:00"]
  saturday: ["09:00-18:00"]
  sunday: []
holidays: FR
closed: [2026-12-24]
"""


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def only(**weekly: list[str]) -> OpeningHours:
    return OpeningHours.from_dict({"timezone": "Europe/Paris", "weekly": weekly})


@pytest.fixture
def hours() -> OpeningHours:
    return OpeningHours.from_dict(yaml.safe_load(SETTINGS))


def test_a_slot_is_open_from_its_start_and_closed_at_its_end(hours):
    assert not hours.is_open(paris("2026-03-02 08:59:59"))
    assert hours.is_open(paris("2026-03-02 09:00"))
    assert hours.is_open(paris("2026-03-02 19:59:59"))
    assert not hours.is_open(paris("2026-03-02 20:00"))


def test_now_in_another_zone_is_read_in_the_service_zone(hours):
    assert hours.is_open(utc("2026-03-02 08:00"))  # 09:00 in Paris, winter time
    assert not hours.is_open(utc("2026-07-06 18:30"))  # 20:30 in Paris, summer time


def test_saturday_closes_early_and_sunday_stays_closed(hours):
    assert hours.is_open(paris("2026-06-13 17:59"))
    assert not hours.is_open(paris("2026-06-13 18:00"))
    assert not hours.is_open(paris("2026-06-14 12:00"))
    assert hours.today_end(paris("2026-06-14 12:00")) is None


def test_several_slots_a_day():
    hours = only(monday=["14:00-18:00", "09:00-12:00"])
    assert hours.is_open(paris("2026-03-02 11:59"))
    assert not hours.is_open(paris("2026-03-02 13:00"))
    assert hours.closes_at(paris("2026-03-02 10:00")) == paris("2026-03-02 12:00")
    assert hours.next_opening(paris("2026-03-02 12:00")) == paris("2026-03-02 14:00")
    assert hours.today_end(paris("2026-03-02 10:00")) == paris("2026-03-02 18:00")


@pytest.mark.parametrize("day", ["2026-07-14", "2026-12-25", "2026-05-25"])
def test_french_public_holidays_are_closed(hours, day):
    assert not hours.is_open(paris(f"{day} 12:00"))
    assert hours.today_end(paris(f"{day} 12:00")) is None


def test_without_a_holiday_country_public_holidays_are_ordinary_days():
    data = yaml.safe_load(SETTINGS) | {"holidays": None}
    assert OpeningHours.from_dict(data).is_open(paris("2026-07-14 12:00"))


def test_an_extra_closed_date_is_closed(hours):
    assert not hours.is_open(paris("2026-12-24 12:00"))
    quoted = OpeningHours.from_dict(yaml.safe_load(SETTINGS) | {"closed": ["2026-03-02"]})
    assert not quoted.is_open(paris("2026-03-02 12:00"))


def test_next_opening_across_a_weekend(hours):
    opening = hours.next_opening(paris("2026-06-13 18:00"))
    assert opening == paris("2026-06-15 09:00")
    assert opening.tzinfo == PARIS


def test_next_opening_across_a_holiday(hours):
    assert hours.next_opening(paris("2026-07-13 20:30")) == paris("2026-07-15 09:00")


def test_next_opening_across_a_closed_date_a_holiday_and_a_sunday(hours):
    assert hours.next_opening(paris("2026-12-23 21:00")) == paris("2026-12-26 09:00")
    assert hours.next_opening(paris("2026-12-26 18:00")) == paris("2026-12-28 09:00")


def test_next_opening_is_now_when_open(hours):
    now = utc("2026-03-02 10:00")
    assert hours.next_opening(now) == now


def test_a_service_that_never_opens_has_no_next_opening():
    hours = only()
    assert hours.next_opening(paris("2026-03-02 10:00")) is None
    assert hours.closes_at(paris("2026-03-02 10:00")) is None


def test_closes_at_is_the_end_of_the_current_slot_or_none_when_closed(hours):
    assert hours.closes_at(paris("2026-06-13 10:00")) == paris("2026-06-13 18:00")
    assert hours.closes_at(paris("2026-06-13 18:00")) is None


def test_a_slot_to_midnight_runs_on_into_the_next_day():
    hours = only(monday=["20:00-24:00"], tuesday=["00:00-02:00", "09:00-10:00"])
    assert hours.is_open(paris("2026-03-02 23:59:59"))
    assert hours.is_open(paris("2026-03-03 00:00"))
    assert hours.closes_at(paris("2026-03-02 23:00")) == paris("2026-03-03 02:00")
    assert hours.today_end(paris("2026-03-02 23:00")) == paris("2026-03-03 00:00")


def test_next_opening_after_the_spring_forward_weekend_is_in_summer_time(hours):
    opening = hours.next_opening(paris("2026-03-28 19:00"))
    assert opening == utc("2026-03-30 07:00")
    assert opening.utcoffset() == timedelta(hours=2)


def test_next_opening_after_the_fall_back_weekend_is_in_winter_time(hours):
    opening = hours.next_opening(paris("2026-10-24 18:30"))
    assert opening == utc("2026-10-26 08:00")
    assert opening.utcoffset() == timedelta(hours=1)


def test_the_spring_forward_day_lasts_23_hours():
    hours = only(sunday=["00:00-24:00"])
    assert hours.is_open(utc("2026-03-29 00:59"))  # 01:59 winter time
    assert hours.is_open(utc("2026-03-29 01:00"))  # 03:00 summer time
    end = hours.closes_at(paris("2026-03-29 10:00"))
    assert end == utc("2026-03-29 22:00")
    assert end - utc("2026-03-28 23:00") == timedelta(hours=23)


def test_a_slot_starting_in_the_spring_forward_gap_moves_forward_by_the_gap():
    hours = only(sunday=["02:30-05:00"])
    assert hours.next_opening(paris("2026-03-29 00:00")) == utc("2026-03-29 01:30")  # 03:30


def test_the_fall_back_day_lasts_25_hours_and_both_half_past_two_are_open():
    hours = only(sunday=["01:00-04:00"])
    assert hours.is_open(utc("2026-10-25 00:30"))  # 02:30 summer time
    assert hours.is_open(utc("2026-10-25 01:30"))  # 02:30 winter time
    assert not hours.is_open(utc("2026-10-25 03:00"))  # 04:00 winter time
    end = hours.closes_at(utc("2026-10-24 23:00"))
    assert end - utc("2026-10-24 23:00") == timedelta(hours=4)
    whole = only(sunday=["00:00-24:00"])
    assert whole.closes_at(utc("2026-10-24 22:00")) - utc("2026-10-24 22:00") == timedelta(hours=25)


def test_now_must_be_timezone_aware(hours):
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.is_open(datetime(2026, 3, 2, 10))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weekly": {"monday": ["9h-20h"]}}, "hours.weekly.monday[0]: '9h-20h' is not HH:MM-HH:MM"),
        (
            {"weekly": {"friday": ["09:00-20:00", "20:00-09:00"]}},
            "hours.weekly.friday[1]: '20:00-09:00' does not end after it starts (split at 24:00)",
        ),
        (
            {"weekly": {"monday": ["09:00-24:30"]}},
            "hours.weekly.monday[0]: '09:00-24:30' is not a time of day (00:00 to 24:00)",
        ),
        (
            {"weekly": {"monday": ["12:00-20:00", "09:00-12:30"]}},
            "hours.weekly.monday[0]: '12:00-20:00' overlaps '09:00-12:30'",
        ),
        (
            {"weekly": {"monday": "09:00-20:00"}},
            "hours.weekly.monday: expected a list like ['09:00-20:00']",
        ),
        (
            {"weekly": {"munday": []}},
            "hours.weekly.munday: unknown weekday (expected monday to sunday)",
        ),
        ({"timezone": "Europe/Pari"}, "hours.timezone: 'Europe/Pari' is not a known time zone"),
        (
            {"holidays": "XX"},
            "hours.holidays: 'XX' is not a country code known to the holidays package (or null)",
        ),
        ({"closed": ["24/12/2026"]}, "hours.closed[0]: '24/12/2026' is not a date (YYYY-MM-DD)"),
        ({"holiday": "FR"}, "hours.holiday: unknown key"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(change, message):
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        OpeningHours.from_dict(yaml.safe_load(SETTINGS) | change)
    assert "\n" not in str(error.value)
