"""The calendar editor: working week, public holidays, exceptions and time off;
problems beside the fields, conflicts that keep the typed values, calendars in use."""

from __future__ import annotations

import re

from tests.web.routes.test_resources import Site, field_problem, main, site

__all__ = ["site"]


def week_form(**days: str) -> dict[str, str]:
    return {f"week-{d}": days.get(d, "") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def test_add_a_calendar_then_edit_its_week_holidays_and_time_off(site: Site) -> None:
    owner = site.browser(site.owner)
    made = owner.post(f"{site.base}/calendars", {"key": "bob-cal", "name": "Bob's", "base": "standard"})
    assert made.status_code == 303, made.text
    editor = made.headers["location"]
    html = main(owner.get(editor).text)
    assert 'placeholder="from standard"' in html
    assert 'name="rows" value="3"' in html
    saved = owner.post(
        editor,
        {
            "version": "1", "name": "Bob's hours", "base": "standard", "holidays": "GB-ENG",
            **week_form(mon="10:00-12:00, 13:00-17:00", fri="off"),
            "rows": "3", "exc-0-name": "Bob on leave", "exc-0-from": "2027-03-08", "exc-0-to": "2027-03-12",
            "exc-1-name": "Short day", "exc-1-from": "2027-03-19", "exc-1-hours": "09:00-12:00",
        },
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    calendar = next(c for c in site.api("GET", "/calendars")["items"] if c["key"] == "bob-cal")
    assert calendar["definition"] == {
        "name": "Bob's hours",
        "base": "standard",
        "week": {"mon": "10:00-12:00, 13:00-17:00", "fri": "off"},
        "holidays": "GB-ENG",
        "exceptions": [
            {"name": "Bob on leave", "from": "2027-03-08", "to": "2027-03-12"},
            {"name": "Short day", "date": "2027-03-19", "hours": "09:00-12:00"},
        ],
    }
    again = main(owner.get(editor).text)
    assert 'value="10:00-12:00, 13:00-17:00"' in again
    assert 'value="Bob on leave"' in again
    assert 'name="rows" value="5"' in again
    removed = owner.post(editor, {"version": "2", "name": "Bob's hours", "base": "standard", "holidays": "GB-ENG",
                                  **week_form(), "rows": "2", "exc-0-name": "Bob on leave", "exc-0-from": "2027-03-08",
                                  "exc-0-to": "2027-03-12", "exc-0-remove": "on", "exc-1-name": "Short day",
                                  "exc-1-from": "2027-03-19"})  # fmt: skip
    assert removed.status_code == 303
    calendar = next(c for c in site.api("GET", "/calendars")["items"] if c["key"] == "bob-cal")
    assert calendar["definition"]["exceptions"] == [{"name": "Short day", "date": "2027-03-19"}]
    assert "week" not in calendar["definition"]  # every day from the base now


def test_problems_are_shown_beside_the_day_the_code_and_the_row(site: Site) -> None:
    owner = site.browser(site.owner)
    calendar = site.api("GET", "/calendars")["items"][0]
    editor = f"{site.base}/calendars/{calendar['id']}"
    refused = owner.post(
        editor,
        {"version": "1", "base": "standard", "holidays": "GB, XX", **week_form(tue="9 to 5"), "rows": "2",
         "exc-0-name": "Alice away", "exc-0-from": "2027-03-10", "exc-1-name": "Odd", "exc-1-from": "2027-04-01",
         "exc-1-hours": "late"},
    )  # fmt: skip
    assert refused.status_code == 422
    html = main(refused.text)
    assert "&#39;9 to 5&#39; is not a span of hours" in field_problem(html, "w-tue")
    assert "XX" in field_problem(html, "c-holidays")
    assert "&#39;late&#39;" in field_problem(html, "e-1-from")
    assert 'value="9 to 5"' in html
    assert 'value="GB, XX"' in html
    assert site.api("GET", f"/calendars/{calendar['id']}")["version"] == 1


def test_a_conflict_keeps_your_calendar_and_shows_theirs(site: Site) -> None:
    calendar = site.api("GET", "/calendars")["items"][0]
    site.api("PATCH", f"/calendars/{calendar['id']}", json={"holidays": "US-CA", "version": 1})
    mine = site.browser(site.owner).post(
        f"{site.base}/calendars/{calendar['id']}",
        {"version": "1", "base": "standard", "holidays": "GB", **week_form(sat="10:00-14:00"), "rows": "0"},
    )
    assert mine.status_code == 409
    html = main(mine.text)
    assert "Public holidays is now &#39;US-CA&#39; (you typed &#39;GB&#39;)" in html
    assert "Saturday is now &#39;from the base&#39; (you typed &#39;10:00-14:00&#39;)" in html
    assert 'value="GB"' in html
    assert 'value="10:00-14:00"' in html
    assert 'name="version" value="2"' in html


def test_a_calendar_in_use_is_not_deleted_and_a_free_one_is(site: Site) -> None:
    owner = site.browser(site.owner)
    used = site.api("GET", "/calendars")["items"][0]
    refused = owner.post(f"{site.base}/calendars/{used['id']}/delete", {"version": "1"})
    assert refused.status_code == 409
    assert "is used by 1 resource, so it cannot be deleted" in refused.text
    made = owner.post(f"{site.base}/calendars", {"key": "spare", "base": "standard"})
    spare = int(re.search(r"/calendars/(\d+)$", made.headers["location"]).group(1))  # type: ignore[union-attr]
    assert owner.post(f"{site.base}/calendars/{spare}/delete", {"version": "1"}).status_code == 303
    bad = owner.post(f"{site.base}/calendars", {"key": "no good", "base": "standard"})
    assert bad.status_code == 422
    assert "Calendar not added" in bad.text
