"""Signing in and out in the browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browsing import BRIDGE, Web
from tests.workspace import PASSWORD


def test_sign_in_comes_back_to_the_page_asked_for_and_sign_out(web: Web) -> None:
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    page = web.page
    page.goto(plan.url("tasks"))
    expect(page).to_have_url(re.compile(rf"/login\?next=/projects/{plan.id}/tasks$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    web.shot("login")

    page.get_by_label("E-mail").fill(owner.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The e-mail or the password is not right.")
    expect(page.get_by_label("E-mail")).to_have_value(owner.email)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/projects/{plan.id}/tasks$"))
    expect(page.get_by_role("link", name=owner.email)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_sign_in_never_leaves_the_site(web: Web) -> None:
    user = web.server.user("visitor")
    page = web.page
    page.goto("/login?next=//example.org/phish")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    assert page.url == f"{web.server.url}/"


def test_account_page_makes_a_token_shown_once_and_changes_the_password(web: Web) -> None:
    user = web.server.user("scripter")
    web.sign_in(user)
    page = web.page
    page.goto("/account")
    page.get_by_placeholder("What it is for, e.g. CI export").fill("CI export")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status")).to_contain_text("Copy your new token now")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("mp_")
    expect(page.get_by_role("row", name=re.compile("CI export"))).to_contain_text(token[:6])
    page.goto("/account")
    expect(page.locator("#new-token")).to_have_count(0)

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill("another long password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_have_text("Your password was changed.")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("another long password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
