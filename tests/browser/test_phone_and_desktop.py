"""The page's layout as a person sees it: on a phone (390x664 visible, touch),
on the phone turned (664x390) and on a desktop (1280x800, mouse), after drawing.

Phone: while a finger draws, the digit and its confidence are on screen without
scrolling; the pad is centred and square; the chart stays inside its card; and
nothing is wider than the screen. Desktop, with the answer's evidence shown: the
pad, the answer, the preview, every bar and the digit buttons are all visible
without scrolling. The phone turned shows the whole pad beside the answer. Each
screen is saved as artifacts/browser/phone-390x664.png, phone-turned-664x390.png
and desktop-1280x800.png (the README's pictures are copies of these).
"""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from components.drawing_pad import CANVAS_SIZE
from testkit.browser import (
    draw_with_mouse,
    draw_with_touch,
    emulate_screen,
    number_on_pad,
    open_page,
    pad_size,
    pick_samples,
    settle,
    wait_for_digit,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
PHONE = (390, 664)
PHONE_TURNED = (664, 390)
DESKTOP = (1280, 800)

BOXES = """
function box(selector) {
  var node = document.querySelector(selector);
  if (!node) { return null; }
  var r = node.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: r.width, height: r.height};
}
var widest = 0;
document.querySelectorAll('body *').forEach(function (node) {
  var r = node.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) { widest = Math.max(widest, r.right); }
});
var bars = Array.prototype.map.call(
  document.querySelectorAll('#probability-chart .bar'),
  function (path) { var r = path.getBoundingClientRect(); return r.bottom; });
return {
  viewport: [window.innerWidth, window.innerHeight],
  scroll: [document.documentElement.scrollWidth, window.scrollY],
  widest: widest,
  bars: bars,
  strip: box('#answer-strip'), stripDigit: box('#strip-digit'), stripDetail: box('#strip-detail'),
  padCard: box('.pad-card'), pad: box('#drawing-pad'),
  canvas: box('#drawing-pad canvas.upper-canvas'),
  results: box('.results'), chart: box('#probability-chart'),
  digit: box('#predicted-digit'), detail: box('#prediction-detail'),
  preview: box('#input-preview'), tiles: box('.evidence-tiles'),
  clear: box('#clear-button'), undo: box('#undo-button')
};
"""


def layout(driver) -> dict:
    return driver.execute_script(BOXES)


def within_screen(box: dict, viewport) -> bool:
    width, height = viewport
    inside_x = box["left"] >= 0 and box["right"] <= width
    return inside_x and box["top"] >= 0 and box["bottom"] <= height


@pytest.fixture(scope="module")
def sample(classifier):
    return pick_samples(classifier, [4])[4]


def save_screen(driver, name: str) -> None:
    settle(0.1)  # the answer drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def scaled(strokes, driver):
    """The sample's strokes fitted to the pad as it is on this screen."""
    factor = pad_size(driver) / CANVAS_SIZE
    return [stroke * factor for stroke in strokes]


@pytest.fixture
def phone(browser, live_dashboard, sample):
    emulate_screen(browser, *PHONE, touch=True)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_touch(browser, scaled(sample, browser))
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, ids.STRIP_DIGIT).text == "4",
            message="the answer strip never showed the digit",
        )
        save_screen(browser, "phone-390x664.png")
        yield browser
    finally:
        emulate_screen(browser, 0, 0)


@pytest.fixture
def desktop(browser, live_dashboard, sample):
    emulate_screen(browser, *DESKTOP)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_mouse(browser, scaled(sample, browser))
        wait_for_digit(browser, "4")
        browser.find_elements(By.CSS_SELECTOR, ".evidence-tile")[4].click()
        WebDriverWait(browser, 10).until(
            lambda d: "Evidence for 4" in d.find_element(By.ID, ids.PREVIEW_CAPTION).text,
            message="the evidence for the answer never appeared",
        )
        save_screen(browser, "desktop-1280x800.png")
        yield browser
    finally:
        emulate_screen(browser, 0, 0)


def test_phone_shows_the_digit_and_its_confidence_while_drawing(phone):
    boxes = layout(phone)
    assert boxes["viewport"] == list(PHONE)
    assert boxes["scroll"][1] == 0  # nobody scrolled
    assert within_screen(boxes["stripDigit"], PHONE)
    assert within_screen(boxes["stripDetail"], PHONE)
    assert phone.find_element(By.ID, ids.STRIP_DETAIL).text.endswith("confident")
    # ... next to the pad, which is wholly on screen too.
    assert within_screen(boxes["pad"], PHONE)
    assert boxes["stripDetail"]["bottom"] <= boxes["pad"]["top"]


def test_phone_pad_is_square_centred_and_the_buttons_are_on_screen(phone):
    boxes = layout(phone)
    canvas, card = boxes["canvas"], boxes["padCard"]
    assert canvas["width"] == pytest.approx(canvas["height"], abs=1)
    assert canvas["width"] >= 300
    assert canvas["left"] - card["left"] == pytest.approx(card["right"] - canvas["right"], abs=1)
    assert within_screen(boxes["clear"], PHONE) and within_screen(boxes["undo"], PHONE)


def test_phone_chart_stays_inside_its_card(phone):
    boxes = layout(phone)
    chart, card = boxes["chart"], boxes["results"]
    assert chart["height"] >= 150  # room for the bars
    assert card["left"] <= chart["left"] and chart["right"] <= card["right"]
    assert card["top"] <= chart["top"] and chart["bottom"] <= boxes["tiles"]["top"] + 1
    assert boxes["tiles"]["bottom"] <= card["bottom"]


def test_phone_nothing_is_wider_than_the_screen(phone):
    boxes = layout(phone)
    assert boxes["scroll"][0] <= PHONE[0]
    assert boxes["widest"] <= PHONE[0]


def test_desktop_shows_everything_with_every_bar_without_scrolling(desktop):
    boxes = layout(desktop)
    assert boxes["viewport"] == list(DESKTOP)
    for part in ("pad", "digit", "detail", "preview", "chart", "tiles", "clear", "undo"):
        assert within_screen(boxes[part], DESKTOP), part
    assert len(boxes["bars"]) == 10
    assert max(boxes["bars"]) <= DESKTOP[1]
    assert boxes["scroll"][0] <= DESKTOP[0]
    # Side by side: the answer is right of the pad, and the strip is a phone's only.
    assert boxes["digit"]["left"] > boxes["pad"]["right"]
    assert boxes["strip"]["height"] == 0


def test_phone_turned_shows_the_whole_pad_beside_the_answer(browser, live_dashboard, classifier):
    """664x390, touch: the pad, sized by the screen's height, is wholly on screen
    with the number read beside it (saved as phone-turned-664x390.png)."""
    emulate_screen(browser, *PHONE_TURNED, touch=True)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_touch(browser, scaled(number_on_pad(classifier, "42"), browser))
        wait_for_digit(browser, "42")
        save_screen(browser, "phone-turned-664x390.png")
        boxes = layout(browser)
        assert boxes["scroll"] == [PHONE_TURNED[0], 0]  # nothing wider, nobody scrolled
        for part in ("pad", "clear", "undo", "digit", "detail"):
            assert within_screen(boxes[part], PHONE_TURNED), part
        assert boxes["canvas"]["width"] >= 240  # as big as the height allows, still
        assert boxes["digit"]["left"] > boxes["pad"]["right"]  # beside the pad
    finally:
        emulate_screen(browser, 0, 0)
