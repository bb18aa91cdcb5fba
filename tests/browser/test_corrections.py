"""Corrections on the page, in real headless Chromium with real pointer and key
events, against a real SQLite store: draw a 4, press Wrong's field, type,
Send, see "Saved, thank you", the token kept in localStorage, and Delete it
removes the row; the same by keyboard alone (Tab, typing, Enter, Space), with
the field keeping digits only; and the owner's review page showing it.

Screenshots: artifacts/browser/corrections-saved.png (the page after sending),
corrections-ask.png, corrections-phone-390x664.png and review.png (the review
page); docs/screenshot-corrections.png and docs/screenshot-review.png are
copies of the saved page's and the review page's.
"""

import base64
import json
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from components import correction_form, ids
from corrections import upgrade
from testkit.browser import (
    clear,
    draw_with_mouse,
    draw_with_touch,
    emulate_screen,
    open_page,
    pad_size,
    pick_samples,
    settle,
    wait_for_digit,
)
from testkit.corrections import row_count
from testkit.corrections_web import TOKEN, make_app
from testkit.payloads import canvas_json
from testkit.servers import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
PHONE = (390, 664)


@pytest.fixture(scope="module")
def store_engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('corrections') / 'corrections.sqlite3'}"
    engine = sa.create_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def site(classifier, store_engine):
    url, _ = store_engine
    with LiveServer(make_app(classifier, url)) as server:
        yield server


@pytest.fixture(scope="module")
def digits(classifier):
    return pick_samples(classifier, [4, 7])


def rows(engine) -> list:
    with engine.connect() as connection:
        query = sa.text("SELECT id, wrote, reading, canvas_json, canvas_width FROM corrections")
        return connection.execute(query).mappings().all()


def status_text(driver) -> str:
    return driver.find_element(By.ID, ids.CORRECTION_STATUS).text.strip()


def wait_for_status(driver, text: str, timeout: float = 10) -> None:
    WebDriverWait(driver, timeout).until(
        lambda d: (
            status_text(d) == text and d.find_element(By.ID, ids.CORRECTION_STATUS).is_displayed()
        ),
        message=f"the form never said {text!r} (it says {status_text(driver)!r})",
    )


def field(driver):
    return driver.find_element(By.ID, ids.WROTE_INPUT)


def saved_tokens(driver) -> list:
    stored = driver.execute_script(
        "return window.localStorage.getItem(arguments[0]);", ids.SAVED_CORRECTIONS
    )
    return json.loads(stored)["saved"] if stored else []


def test_draw_say_what_was_written_send_and_delete_it(browser, site, store_engine, digits):
    _, engine = store_engine
    open_page(browser, site.url)
    browser.execute_script("window.localStorage.clear();")
    form = browser.find_element(By.ID, ids.CORRECTION_FORM)
    assert not browser.find_element(By.ID, ids.SEND_BUTTON).is_displayed()  # nothing drawn yet
    height_before = form.rect["height"]
    draw_with_mouse(browser, digits[4])
    wait_for_digit(browser, "4")
    WebDriverWait(browser, 10).until(lambda d: field(d).get_attribute("value") == "4")
    assert field(browser).get_attribute("inputmode") == "numeric"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "corrections-ask.png"))
    assert browser.find_element(By.ID, ids.RIGHT_BUTTON).is_displayed()
    consent = browser.find_element(By.CSS_SELECTOR, f"#{ids.CORRECTION_FORM} .consent")
    assert "stores your drawing and your answer" in consent.text
    assert consent.find_element(By.TAG_NAME, "a").get_attribute("href").endswith("/privacy")

    field(browser).click()
    field(browser).send_keys(Keys.BACKSPACE, "9")
    assert field(browser).get_attribute("value") == "9"
    browser.find_element(By.ID, ids.SEND_BUTTON).click()
    wait_for_status(browser, correction_form.SAVED)
    assert browser.find_element(By.ID, ids.DELETE_BUTTON).is_displayed()
    assert form.rect["height"] == height_before  # the answer moved nothing

    (row,) = rows(engine)
    assert row["wrote"] == "9" and row["reading"] == "4" and row["canvas_width"] == 400
    drawn = json.loads(row["canvas_json"])["objects"]
    assert len([o for o in drawn if o["type"] == "path"]) == len(digits[4])
    (kept,) = saved_tokens(browser)
    assert kept["id"] == row["id"] and len(kept["delete_token"]) >= 32
    browser.save_screenshot(str(ARTIFACTS / "corrections-saved.png"))

    # Choosing a digit's evidence writes the same answer again: it asks nothing new.
    tile = browser.find_elements(By.CSS_SELECTOR, ".evidence-tile")[4]
    tile.click()
    WebDriverWait(browser, 10).until(
        lambda d: "Evidence for 4" in d.find_element(By.ID, ids.PREVIEW_CAPTION).text
    )
    settle(0.5)
    assert status_text(browser) == correction_form.SAVED

    browser.find_element(By.ID, ids.DELETE_BUTTON).click()
    wait_for_status(browser, correction_form.DELETED)
    assert rows(engine) == []
    assert saved_tokens(browser) == []
    clear(browser)


def test_the_form_works_by_keyboard_alone_and_keeps_digits_only(
    browser, site, store_engine, digits
):
    _, engine = store_engine
    open_page(browser, site.url)
    draw_with_mouse(browser, digits[7])
    wait_for_digit(browser, "7")
    WebDriverWait(browser, 10).until(lambda d: field(d).get_attribute("value") == "7")
    # From the Right button, Tab reaches the field, then Send.
    browser.execute_script("document.getElementById(arguments[0]).focus();", ids.RIGHT_BUTTON)
    active = browser.switch_to.active_element
    active.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == ids.WROTE_INPUT
    typing = browser.switch_to.active_element
    typing.send_keys(Keys.BACKSPACE, "1a-2 b3")
    WebDriverWait(browser, 5).until(lambda d: field(d).get_attribute("value") == "123")
    typing.send_keys("4567890123456")  # more than 12 in all: the field stops at 12
    WebDriverWait(browser, 5).until(lambda d: len(field(d).get_attribute("value")) == 12)
    typing.send_keys(Keys.CONTROL, "a")
    typing.send_keys("1", Keys.ENTER)  # Enter in the field sends
    wait_for_status(browser, correction_form.SAVED)
    assert [(r["wrote"], r["reading"]) for r in rows(engine)] == [("1", "7")]
    browser.switch_to.active_element.send_keys(Keys.TAB)
    delete = browser.find_element(By.ID, ids.DELETE_BUTTON)
    delete.send_keys(Keys.SPACE)
    wait_for_status(browser, correction_form.DELETED)
    assert row_count(engine) == 0

    # Right, pressed from the keyboard, stores the reading as what was written.
    clear(browser)
    draw_with_mouse(browser, digits[7])
    wait_for_digit(browser, "7")
    right = browser.find_element(By.ID, ids.RIGHT_BUTTON)
    WebDriverWait(browser, 10).until(lambda d: right.is_displayed())
    right.send_keys(Keys.ENTER)
    wait_for_status(browser, correction_form.SAVED)
    assert [(r["wrote"], r["reading"]) for r in rows(engine)] == [("7", "7")]
    # A new stroke asks again.
    clear(browser)
    WebDriverWait(browser, 10).until(
        lambda d: not d.find_element(By.ID, ids.CORRECTION_STATUS).is_displayed()
    )


def tap(driver, element) -> None:
    """One finger's tap in the middle of `element` (Chromium's touch input)."""
    x, y = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return [r.left + r.width / 2, r.top + r.height / 2];",
        element,
    )
    for kind, points in (("touchStart", [{"x": x, "y": y}]), ("touchEnd", [])):
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_on_a_phone_the_form_fits_and_works_by_touch(browser, site, store_engine, digits):
    _, engine = store_engine
    before = row_count(engine)
    emulate_screen(browser, *PHONE, touch=True)
    try:
        open_page(browser, site.url)
        scale = pad_size(browser) / 400
        draw_with_touch(browser, [stroke * scale for stroke in digits[4]])
        wait_for_digit(browser, "4")
        form = browser.find_element(By.ID, ids.CORRECTION_FORM)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", form)
        WebDriverWait(browser, 10).until(lambda d: field(d).get_attribute("value") == "4")
        overflow = browser.execute_script(
            "var f = arguments[0]; return [f.scrollWidth, f.clientWidth];", form
        )
        assert overflow[0] <= overflow[1], "the form is wider than the phone's screen"
        for part in (ids.RIGHT_BUTTON, ids.WROTE_INPUT, ids.SEND_BUTTON):
            rect = browser.find_element(By.ID, part).rect
            assert rect["x"] >= 0 and rect["x"] + rect["width"] <= PHONE[0], part
            assert rect["height"] >= 40, f"{part} is too small a target for a finger"
        tap(browser, field(browser))
        field(browser).send_keys(Keys.BACKSPACE, "9")
        browser.save_screenshot(str(ARTIFACTS / "corrections-phone-390x664.png"))
        tap(browser, browser.find_element(By.ID, ids.SEND_BUTTON))
        wait_for_status(browser, correction_form.SAVED)
        assert row_count(engine) == before + 1
        tap(browser, browser.find_element(By.ID, ids.DELETE_BUTTON))
        wait_for_status(browser, correction_form.DELETED)
        assert row_count(engine) == before
    finally:
        emulate_screen(browser, 0, 0)


def test_the_review_page_shows_the_correction_to_its_owner(browser, site, store_engine, digits):
    _, engine = store_engine
    # One more, said to be wrong, sent over HTTP as any client would.
    body = {"canvas": canvas_json(digits[4]), "width": 400, "height": 400, "wrote": "9"}
    request = urllib.request.Request(
        site.url + "api/corrections",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    assert row_count(engine) >= 2
    credentials = base64.b64encode(f"owner:{TOKEN}".encode()).decode()
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {credentials}"}}
    )
    try:
        browser.get(site.url + "review")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Corrections"
        assert browser.find_elements(By.CSS_SELECTOR, "img.thumb")
        browser.save_screenshot(str(ARTIFACTS / "review.png"))
        browser.find_element(By.CSS_SELECTOR, "button.accept").click()
        WebDriverWait(browser, 10).until(lambda d: "accepted: 1" in d.page_source)
    finally:
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
