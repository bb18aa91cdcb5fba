"""The dashboard in real headless Chromium: draw with real pointer and touch
input and watch the answer appear with no click; undo, clear, layout, console."""

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from components.prediction_text import EMPTY_PROMPT
from testkit.browser import (
    chart_heights,
    clear,
    detail_text,
    draw_with_mouse,
    draw_with_touch,
    ink_pixels,
    open_page,
    pick_samples,
    predicted_digit,
    preview_pixels,
    settle,
    wait_for_digit,
)

LABELS = (2, 4, 7)


@pytest.fixture(scope="module")
def samples(classifier):
    return pick_samples(classifier, LABELS)


@pytest.fixture(scope="module")
def page(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    return browser


def update_requests(driver) -> int:
    return driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(function (e) { return e.name.indexOf('/_dash-update-component') >= 0; }).length;"
    )


def test_empty_page_asks_for_a_digit(page):
    assert predicted_digit(page) == ""
    assert detail_text(page) == EMPTY_PROMPT
    assert chart_heights(page) == [0] * 10
    assert preview_pixels(page).sum() == 0


@pytest.mark.parametrize("label", LABELS)
def test_mouse_stroke_shows_digit_bars_and_input_without_a_click(page, samples, label):
    clear(page)
    draw_with_mouse(page, samples[label])
    wait_for_digit(page, str(label))
    heights = chart_heights(page)
    assert int(np.argmax(heights)) == label
    assert sum(heights) == pytest.approx(100, abs=1)
    preview = preview_pixels(page)
    assert preview.shape == (28, 28) and preview.max() > 0.5
    assert "confident" in detail_text(page) or "Not sure" in detail_text(page)


def test_each_stroke_sends_exactly_one_update(page, samples):
    clear(page)
    before = update_requests(page)
    draw_with_mouse(page, samples[4])
    wait_for_digit(page, "4")
    # A second stroke across the digit: the answer is recomputed once more.
    draw_with_mouse(page, [[(60, 340), (200, 345), (340, 350)]])
    WebDriverWait(page, 10).until(lambda d: update_requests(d) - before >= 2)
    settle(0.3)
    assert update_requests(page) - before == 2


def test_finger_draws_too(page, samples):
    clear(page)
    draw_with_touch(page, samples[7])
    wait_for_digit(page, "7")
    assert ink_pixels(page) > 500
    assert preview_pixels(page).max() > 0.5


def test_undo_takes_back_the_last_stroke(page, samples):
    clear(page)
    draw_with_mouse(page, samples[2])
    wait_for_digit(page, "2")
    one_stroke_ink = ink_pixels(page)
    draw_with_mouse(page, [[(60, 60), (340, 340)], [(340, 60), (60, 340)]])
    WebDriverWait(page, 10).until(lambda d: ink_pixels(d) > one_stroke_ink)
    page.find_element(By.ID, ids.UNDO_BUTTON).click()
    page.find_element(By.ID, ids.UNDO_BUTTON).click()
    WebDriverWait(page, 10).until(lambda d: ink_pixels(d) == one_stroke_ink)
    wait_for_digit(page, "2")


def test_clear_empties_pad_digit_bars_and_preview(page, samples):
    clear(page)
    draw_with_mouse(page, samples[7])
    wait_for_digit(page, "7")
    page.find_element(By.ID, ids.CLEAR_BUTTON).click()
    WebDriverWait(page, 10).until(lambda d: predicted_digit(d) == "")
    WebDriverWait(page, 10).until(lambda d: sum(chart_heights(d)) == 0)
    assert detail_text(page) == EMPTY_PROMPT
    assert preview_pixels(page).sum() == 0
    assert ink_pixels(page) == 0
    # Undo on an empty pad is harmless (no console error: checked after every test).
    page.find_element(By.ID, ids.UNDO_BUTTON).click()


def geometry(driver) -> dict:
    return driver.execute_script(
        "function box(s) { var r = document.querySelector(s).getBoundingClientRect();"
        "  return {left: r.left, top: r.top, width: r.width, height: r.height}; }"
        "var c = document.querySelector('#drawing-pad canvas.lower-canvas');"
        "return {canvas: [c.width, c.height], pad: box('#drawing-pad'),"
        "  results: box('#predicted-digit'), viewport: document.documentElement.clientWidth};"
    )


def test_pad_is_square_side_by_side_on_desktop_and_stacked_on_a_phone(page):
    desktop = geometry(page)
    assert desktop["canvas"][0] == desktop["canvas"][1] >= 380
    assert desktop["results"]["left"] > desktop["pad"]["left"] + desktop["pad"]["width"]
    try:
        page.set_window_size(390, 844)
        page.refresh()
        WebDriverWait(page, 20).until(lambda d: d.execute_script("return !!window.digitPad"))
        WebDriverWait(page, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#drawing-pad canvas.lower-canvas")
        )
        phone = geometry(page)
        assert phone["canvas"][0] == phone["canvas"][1] >= 280
        assert phone["pad"]["width"] <= phone["viewport"]
        assert phone["results"]["top"] > phone["pad"]["top"] + phone["pad"]["height"]
    finally:
        page.set_window_size(1200, 900)
        page.refresh()
        WebDriverWait(page, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#drawing-pad canvas.upper-canvas")
        )
