"""Why the network said what it said, in the browser: a click on a bar, or on the
digit button under it (mouse or keyboard), draws that digit's evidence over the
28x28 preview; the same digit again goes back to the plain input; a new drawing
gets its own evidence while a digit stays chosen."""

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from testkit.browser import (
    clear,
    draw_with_mouse,
    open_page,
    pick_samples,
    preview_pixels,
    wait_for_digit,
)

LABELS = (4, 7)
PLOT_AREA = "#probability-chart .nsewdrag"


@pytest.fixture(scope="module")
def samples(classifier):
    return pick_samples(classifier, LABELS)


@pytest.fixture(scope="module")
def page(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    return browser


def preview_traces(driver) -> list:
    return driver.execute_script(
        "return document.querySelector('#input-preview .js-plotly-plot').data"
        ".map(function (trace) { return trace.z; });"
    )


def evidence_shown(driver) -> np.ndarray | None:
    traces = preview_traces(driver)
    return np.asarray(traces[1], dtype=float) if len(traces) > 1 else None


def caption(driver) -> str:
    return driver.find_element(By.ID, ids.PREVIEW_CAPTION).text


def pressed(driver) -> list[int]:
    tiles = driver.find_elements(By.CSS_SELECTOR, ".evidence-tile")
    return [i for i, tile in enumerate(tiles) if tile.get_attribute("aria-pressed") == "true"]


def tile(driver, digit: int):
    return driver.find_elements(By.CSS_SELECTOR, ".evidence-tile")[digit]


def click_bar(driver, digit: int) -> None:
    """A real mouse click in the digit's column of the chart, halfway up."""
    area = driver.find_element(By.CSS_SELECTOR, PLOT_AREA)
    width = area.rect["width"]
    offset = (digit + 0.5) * width / 10 - width / 2
    ActionChains(driver).move_to_element_with_offset(area, round(offset), 0).click().perform()


def wait_for_evidence(driver, digit: int) -> np.ndarray:
    WebDriverWait(driver, 10).until(
        lambda d: evidence_shown(d) is not None and f"Evidence for {digit}" in caption(d),
        message=f"the evidence for {digit} never appeared",
    )
    return evidence_shown(driver)


def wait_for_plain_input(driver) -> None:
    WebDriverWait(driver, 10).until(
        lambda d: evidence_shown(d) is None, message="the evidence never went away"
    )


def test_clicking_a_bar_shows_red_and_blue_evidence_on_the_ink(page, samples):
    clear(page)
    draw_with_mouse(page, samples[4])
    wait_for_digit(page, "4")
    assert evidence_shown(page) is None
    click_bar(page, 4)
    shown = wait_for_evidence(page, 4)
    ink = preview_pixels(page)  # trace 0 is still the input itself
    assert shown.shape == (28, 28)
    assert shown.min() >= -1 and shown.max() <= 1
    assert np.all(shown[ink == 0] == 0)  # colour only where the network saw ink
    assert shown.max() > 0.5  # the answer has strong evidence for it
    assert pressed(page) == [4]
    assert "red" in caption(page) and "blue" in caption(page)


def test_the_same_bar_again_goes_back_to_the_plain_input(page, samples):
    clear(page)
    draw_with_mouse(page, samples[7])
    wait_for_digit(page, "7")
    click_bar(page, 7)
    wait_for_evidence(page, 7)
    click_bar(page, 7)
    wait_for_plain_input(page)
    assert pressed(page) == []
    assert "What the network saw" in caption(page)


def test_digit_buttons_work_from_the_keyboard(page, samples):
    clear(page)
    draw_with_mouse(page, samples[7])
    wait_for_digit(page, "7")
    tile(page, 1).send_keys(Keys.ENTER)  # focuses it, then Enter presses it
    against = wait_for_evidence(page, 1)
    assert pressed(page) == [1]
    # Evidence for another digit than the answer: its map is not the answer's.
    tile(page, 7).send_keys(Keys.SPACE)
    for_seven = wait_for_evidence(page, 7)
    assert not np.allclose(against, for_seven)
    tile(page, 7).send_keys(Keys.SPACE)
    wait_for_plain_input(page)


def test_a_new_drawing_gets_its_own_evidence(page, samples):
    clear(page)
    draw_with_mouse(page, samples[4])
    wait_for_digit(page, "4")
    tile(page, 4).click()
    first = wait_for_evidence(page, 4)
    # A stroke across the 4: the answer and its evidence are computed again.
    draw_with_mouse(page, [[(60, 320), (200, 330), (340, 340)]])
    WebDriverWait(page, 10).until(
        lambda d: evidence_shown(d) is not None and not np.array_equal(evidence_shown(d), first),
        message="the evidence did not follow the new drawing",
    )
    assert pressed(page) == [4]
    tile(page, 4).click()
    wait_for_plain_input(page)
