"""The meetings calendar: bank holidays in England and Wales, the statutory clear days before a meeting (Local
Government Act 1972 s100B: five in England, three in Wales), and dates worded as the packs word them."""

from __future__ import annotations

import datetime as dt
import functools

from desktop.models import Meeting


def long_date(value: dt.date) -> str:
    """"Monday 15 February 2016"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: dt.date) -> str:
    """"5 February 2016"."""
    return f"{value.day} {value:%B %Y}"


# ---- clear days (Local Government Act 1972 s100B: five clear days in England, three in Wales)


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


# One-off changes by proclamation: (moved from, moved to) and extra days.
_MOVED = {
    dt.date(2002, 5, 27): dt.date(2002, 6, 4),
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),
}
_EXTRA = (dt.date(2002, 6, 3), dt.date(2011, 4, 29), dt.date(2012, 6, 5), dt.date(2022, 6, 3),
          dt.date(2022, 9, 19), dt.date(2023, 5, 8))


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """Bank holidays in England and Wales, with weekend substitutes."""
    days: list[dt.date] = []
    new_year = dt.date(year, 1, 1)
    days.append(new_year + dt.timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    easter = _easter(year)
    days += [easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)]
    days += [_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)]
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday instead
        days += [dt.date(year, 12, 27), dt.date(year, 12, 28)]
    elif christmas.weekday() == 6:  # Sunday: Boxing Day, then Tuesday
        days += [boxing, dt.date(year, 12, 27)]
    elif christmas.weekday() == 4:  # Friday: Boxing Day falls on Saturday, so Monday
        days += [christmas, dt.date(year, 12, 28)]
    else:
        days += [christmas, boxing]
    days = [_MOVED.get(d, d) for d in days]
    days += [d for d in _EXTRA if d.year == year]
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def clear_days(issued_on: dt.date, meeting_date: dt.date) -> int:
    """Working days strictly between issue and meeting: the day of issue, the day of the meeting, weekends and bank
    holidays do not count (Durham issued on Friday 5 February 2016 for Monday 15 February: five clear days)."""
    count = 0
    day = issued_on + dt.timedelta(days=1)
    while day < meeting_date:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def clear_days_warning(meeting: Meeting, issued_on: dt.date | None = None) -> str | None:
    """A warning when the pack goes out fewer than the partnership's clear days before the meeting."""
    issued = issued_on or meeting.issued_on or dt.date.today()
    return clear_days_message(meeting.date, issued, meeting.committee.partnership.clear_days or 5)


def clear_days_message(meeting_date: dt.date, issued: dt.date, required: int) -> str | None:
    have = clear_days(issued, meeting_date)
    if issued < meeting_date and have >= required:
        return None
    latest = short_date(latest_issue_date(meeting_date, required))
    if issued >= meeting_date:
        return (f"The agenda is dated {short_date(issued)}, not before the meeting on {short_date(meeting_date)}; "
                f"the statutory minimum is {required} clear days. It should have gone out by {latest}.")
    return (f"The agenda is issued {have} clear day{'s' if have != 1 else ''} before the meeting on "
            f"{short_date(meeting_date)}; the statutory minimum is {required} clear days (the day of issue, the "
            f"day of the meeting, weekends and bank holidays do not count). It should go out by {latest}.")


def latest_issue_date(meeting_date: dt.date, required: int) -> dt.date:
    """The last working day on which the agenda can go out with ``required`` clear days."""
    day = meeting_date - dt.timedelta(days=1)
    while clear_days(day, meeting_date) < required or not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
