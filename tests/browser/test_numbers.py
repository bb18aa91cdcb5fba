"""Whole numbers on the page, in real headless Chromium: "42" drawn with the
mouse shows "42", a button per character, and the bars and 28x28 of the
character pressed (mouse or keyboard), with its evidence on request; clear, then
a single "7" looks as a digit always did. On a phone the strip shows the number
and the buttons fit the screen. The number's screens are saved as
artifacts/browser/number-desktop-1280x800.png, number-phone-390x664.png and
number-phone-390x664-results.png (scrolled to the buttons) (the
README's picture is a copy of the first).
"""

from pathlib import Path

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from components.drawing_pad import CANVAS_SIZE
from testkit.browser import (
    character_tiles,
    chart_heights,
    clear,
    draw_with_mouse,
    draw_with_touch,
    emulate_screen,
    number_on_pad,
    open_page,
    pad_size,
    pick_samples,
    predicted_digit,
    preview_picture,
    preview_pixels,
    settle,
    wait_for_digit,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


@pytest.fixture(scope="module")
def forty_two(classifier):
    return number_on_pad(classifier, "42")


@pytest.fixture(scope="module")
def seven(classifier):
    return pick_samples(classifier, [7])[7]


@pytest.fixture(scope="module")
def page(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    return browser


def chart_title(driver) -> str:
    return driver.find_element(By.ID, ids.CHART_TITLE).text


def caption(driver) -> str:
    return driver.find_element(By.ID, ids.PREVIEW_CAPTION).text


def tile_states(driver) -> list[tuple[str, str]]:
    return [
        (tile.get_attribute("aria-label"), tile.get_attribute("aria-pressed"))
        for tile in character_tiles(driver)
    ]


def strip_digit(driver) -> str:
    # The strip is a phone's: on a desktop it is hidden, so read its text, not what shows.
    return driver.execute_script(
        "return document.getElementById(arguments[0]).textContent;", ids.STRIP_DIGIT
    )


def wait_for_character(driver, place: int, count: int) -> None:
    WebDriverWait(driver, 10).until(
        lambda d: f"character {place} of {count}" in chart_title(d),
        message=f"the bars never showed character {place}",
    )


def evidence_shown(driver) -> bool:
    return preview_picture(driver).ndim == 3  # the evidence view is in colour


def test_drawn_42_shows_the_number_and_a_button_per_character(page, forty_two):
    clear(page)
    draw_with_mouse(page, forty_two)
    wait_for_digit(page, "42")
    assert "confident in both digits" in page.find_element(By.ID, ids.PREDICTION_DETAIL).text
    assert strip_digit(page) == "42"
    assert tile_states(page) == [("Character 1: 4", "true"), ("Character 2: 2", "false")]
    # Until a button is pressed the bars are the first character's, and say so.
    wait_for_character(page, 1, 2)
    assert int(np.argmax(chart_heights(page))) == 4
    assert "Character 1 of 2" in caption(page)
    first_input = preview_pixels(page)
    assert first_input.shape == (28, 28) and first_input.max() > 0.5

    character_tiles(page)[1].click()
    wait_for_character(page, 2, 2)
    assert int(np.argmax(chart_heights(page))) == 2
    assert "Character 2 of 2" in caption(page)
    assert not np.array_equal(preview_pixels(page), first_input)
    assert tile_states(page) == [("Character 1: 4", "false"), ("Character 2: 2", "true")]
    assert predicted_digit(page) == "42"


def test_evidence_is_for_the_character_shown(page, forty_two):
    clear(page)
    draw_with_mouse(page, forty_two)
    wait_for_digit(page, "42")
    character_tiles(page)[1].click()
    wait_for_character(page, 2, 2)
    page.find_elements(By.CSS_SELECTOR, ".evidence-tile")[2].click()
    WebDriverWait(page, 10).until(
        lambda d: "Evidence for 2" in caption(d) and evidence_shown(d),
        message="the evidence for the second character never appeared",
    )
    assert "Character 2 of 2" in caption(page)
    page.find_elements(By.CSS_SELECTOR, ".evidence-tile")[2].click()
    WebDriverWait(page, 10).until(lambda d: not evidence_shown(d))


def test_a_character_button_works_from_the_keyboard_and_keeps_the_focus(page, forty_two):
    clear(page)
    draw_with_mouse(page, forty_two)
    wait_for_digit(page, "42")
    character_tiles(page)[1].send_keys(Keys.ENTER)  # focuses it, then Enter presses it
    wait_for_character(page, 2, 2)
    focused = page.execute_script("return document.activeElement.getAttribute('aria-label');")
    assert focused == "Character 2: 2"
    character_tiles(page)[0].send_keys(Keys.SPACE)
    wait_for_character(page, 1, 2)


def test_after_clear_a_single_7_looks_as_a_digit_always_did(page, forty_two, seven):
    clear(page)
    draw_with_mouse(page, forty_two)
    wait_for_digit(page, "42")
    character_tiles(page)[1].click()
    wait_for_character(page, 2, 2)
    page.find_element(By.ID, ids.CLEAR_BUTTON).click()
    WebDriverWait(page, 10).until(lambda d: predicted_digit(d) == "" and not character_tiles(d))
    assert chart_title(page) == "Probabilities"
    draw_with_mouse(page, seven)
    wait_for_digit(page, "7")
    assert character_tiles(page) == []
    assert chart_title(page) == "Probabilities"
    assert int(np.argmax(chart_heights(page))) == 7
    assert "Character" not in caption(page)
    assert page.find_element(By.ID, ids.PREDICTION_DETAIL).text.endswith("confident")


def save_screen(driver, name: str) -> None:
    settle(0.1)  # the answer drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def scaled(strokes, driver):
    factor = pad_size(driver) / CANVAS_SIZE
    return [stroke * factor for stroke in strokes]


def test_desktop_shows_the_number_its_buttons_and_bars_without_scrolling(
    browser, live_dashboard, forty_two
):
    emulate_screen(browser, 1280, 800)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_mouse(browser, scaled(forty_two, browser))
        wait_for_digit(browser, "42")
        character_tiles(browser)[1].click()
        wait_for_character(browser, 2, 2)
        save_screen(browser, "number-desktop-1280x800.png")
        for selector in ("#predicted-digit", ".character-tiles", "#probability-chart"):
            box = browser.execute_script(
                "return document.querySelector(arguments[0]).getBoundingClientRect().toJSON();",
                selector,
            )
            assert box["top"] >= 0 and box["bottom"] <= 800, selector
    finally:
        emulate_screen(browser, 0, 0)


def test_phone_strip_shows_the_number_and_the_buttons_fit(browser, live_dashboard, forty_two):
    emulate_screen(browser, 390, 664, touch=True)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_touch(browser, scaled(forty_two, browser))
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, ids.STRIP_DIGIT).text == "42",
            message="the answer strip never showed the number",
        )
        assert len(character_tiles(browser)) == 2
        save_screen(browser, "number-phone-390x664.png")
        browser.execute_script(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
            f"#{ids.CHARACTER_TILES}",
        )
        save_screen(browser, "number-phone-390x664-results.png")
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth,"
            " document.querySelector(arguments[0]).getBoundingClientRect().right];",
            f"#{ids.CHARACTER_TILES}",
        )
        assert max(widths) <= 390
        for tile in character_tiles(browser):
            assert tile.is_displayed() and tile.size["height"] >= 44  # a finger's target
    finally:
        emulate_screen(browser, 0, 0)
