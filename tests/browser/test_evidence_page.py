"""Why the network said what it said, in the browser: a click on a bar, or on the
digit button under it (mouse or keyboard), draws that digit's evidence on the
ink of the 28x28 preview, on a diverging scale shown under it; the same digit
again goes back to the plain input; another stroke on the same drawing gets its
own evidence while a digit stays chosen; Clear forgets the choice (checked on
four screens in test_steady_page.py)."""

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
    preview_picture,
    preview_pixels,
    wait_for_digit,
)

LABELS = (4, 7)


@pytest.fixture(scope="module")
def samples(classifier):
    return pick_samples(classifier, LABELS)


@pytest.fixture(scope="module")
def page(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    return browser


def evidence_shown(driver) -> np.ndarray | None:
    """The evidence view's picture (28x28 RGB), or None for the plain input."""
    picture = preview_picture(driver)
    return picture if picture.ndim == 3 else None


def caption(driver) -> str:
    return driver.find_element(By.ID, ids.PREVIEW_CAPTION).text


def pressed(driver) -> list[int]:
    tiles = driver.find_elements(By.CSS_SELECTOR, ".evidence-tile")
    return [i for i, tile in enumerate(tiles) if tile.get_attribute("aria-pressed") == "true"]


def tile(driver, digit: int):
    return driver.find_elements(By.CSS_SELECTOR, ".evidence-tile")[digit]


def click_bar(driver, digit: int) -> None:
    """A real mouse click in the digit's column of the chart, near its top (far
    above a short bar)."""
    column = driver.find_elements(By.CSS_SELECTOR, "#probability-chart .bar-column")[digit]
    height = column.rect["height"]
    ActionChains(driver).move_to_element_with_offset(
        column, 0, round(-height / 3)
    ).click().perform()


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


def reddest(picture: np.ndarray) -> float:
    """How strongly red the reddest pixel is: red above the other two channels."""
    return float((picture[..., 0] - picture[..., 1:].max(axis=-1)).max())


def test_clicking_a_bar_shows_red_and_blue_evidence_on_the_ink(page, samples):
    clear(page)
    draw_with_mouse(page, samples[4])
    wait_for_digit(page, "4")
    assert evidence_shown(page) is None
    ink = preview_pixels(page)
    click_bar(page, 4)
    shown = wait_for_evidence(page, 4)
    assert shown.shape == (28, 28, 3)
    assert np.all(shown[ink == 0] == 255)  # colour only where the network saw ink: white
    assert np.any(shown[ink > 0.5] != 255)
    assert reddest(shown) > 100  # the answer has strong evidence for it
    assert pressed(page) == [4]
    words = caption(page)
    assert "red" in words and "blue" in words
    assert "−1 against" in words and "+1 for" in words  # the scale


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
    assert preview_pixels(page).max() > 0.5  # the plain input again


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
