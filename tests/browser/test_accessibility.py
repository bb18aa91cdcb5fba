"""Accessibility in real Chromium: axe-core's WCAG 2.1 A/AA rules (text contrast
at least 4.5:1 among them) on a desktop and on a phone, in every tone the answer
can take; the answer announced to screen readers; every control reached and
used from the keyboard; no brush control that changes nothing the network sees.

axe-core is vendored under tests/browser/vendor/axe-core (version and licence
in its README.md).
"""

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from components.drawing_pad import CANVAS_SIZE
from testkit.browser import (
    character_tiles,
    clear,
    draw_with_mouse,
    draw_with_touch,
    emulate_screen,
    ink_pixels,
    number_on_pad,
    open_page,
    pad_size,
    pick_samples,
    predicted_digit,
    wait_for_digit,
)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
TONES = ("tone-idle", "tone-sure", "tone-unsure", "tone-error")

RUN_AXE = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(function (result) {
  done({
    violations: result.violations.map(function (v) {
      return {rule: v.id, help: v.help, nodes: v.nodes.map(function (n) {
        return n.target.join(' ') + ': ' + n.failureSummary; })};
    }),
    passes: result.passes.map(function (v) { return v.id; })
  });
});
"""


@pytest.fixture(scope="module")
def four(classifier):
    return pick_samples(classifier, [4])[4]


@pytest.fixture(scope="module")
def forty_two(classifier):
    return number_on_pad(classifier, "42")


def axe(driver) -> dict:
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text())
    driver.set_script_timeout(60)
    return driver.execute_async_script(RUN_AXE, AXE_TAGS)


def show_everything(driver) -> None:
    """The evidence for the answer on, and the About panel open: every text shown."""
    driver.find_elements(By.CSS_SELECTOR, ".evidence-tile")[4].click()
    WebDriverWait(driver, 10).until(
        lambda d: "Evidence for 4" in d.find_element(By.ID, ids.PREVIEW_CAPTION).text
    )
    driver.execute_script(f"document.getElementById('{ids.ABOUT_MODEL}').open = true;")


def assert_no_violations(driver) -> None:
    for tone in TONES:
        # Each tone's colours as the page shows them: the answer line takes the tone's class.
        driver.execute_script(
            "document.getElementById(arguments[0]).className = 'prediction-detail ' + arguments[1];"
            "document.getElementById(arguments[2]).className = 'strip-detail ' + arguments[1];",
            ids.PREDICTION_DETAIL,
            tone,
            ids.STRIP_DETAIL,
        )
        result = axe(driver)
        assert "color-contrast" in result["passes"], "axe checked no text contrast"
        assert result["violations"] == [], tone


def test_desktop_page_passes_axe_with_text_contrast(browser, live_dashboard, four):
    emulate_screen(browser, 1280, 800)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_mouse(browser, four)
        wait_for_digit(browser, "4")
        show_everything(browser)
        assert_no_violations(browser)
    finally:
        emulate_screen(browser, 0, 0)


def test_phone_page_passes_axe_with_text_contrast(browser, live_dashboard, four):
    emulate_screen(browser, 390, 664, touch=True)
    try:
        open_page(browser, live_dashboard.url)
        factor = pad_size(browser) / CANVAS_SIZE
        draw_with_touch(browser, [stroke * factor for stroke in four])
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, ids.STRIP_DIGIT).text == "4"
        )
        show_everything(browser)
        assert_no_violations(browser)
    finally:
        emulate_screen(browser, 0, 0)


def test_a_drawn_number_and_its_buttons_pass_axe(browser, live_dashboard, forty_two):
    emulate_screen(browser, 1280, 800)
    try:
        open_page(browser, live_dashboard.url)
        draw_with_mouse(browser, forty_two)
        wait_for_digit(browser, "42")
        character_tiles(browser)[1].click()  # one button pressed, one not
        WebDriverWait(browser, 10).until(
            lambda d: "character 2" in d.find_element(By.ID, ids.CHART_TITLE).text
        )
        assert_no_violations(browser)
    finally:
        emulate_screen(browser, 0, 0)


def test_the_answer_is_announced_to_screen_readers(browser, live_dashboard, four):
    open_page(browser, live_dashboard.url)
    live = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('[aria-live]'),"
        " function (n) { return [n.id, n.getAttribute('aria-live'),"
        " n.getAttribute('aria-atomic')]; });"
    )
    # The answer, and what became of a correction sent (components/correction_form.py).
    assert live == [
        [ids.PREDICTION_PANEL, "polite", "true"],
        [ids.CORRECTION_STATUS, "polite", "true"],
    ]
    draw_with_mouse(browser, four)
    wait_for_digit(browser, "4")
    spoken = browser.execute_script(
        "return document.getElementById(arguments[0]).textContent;", ids.PREDICTION_PANEL
    )
    assert "4" in spoken and "confident" in spoken
    # The phone's strip repeats the answer for the eye only.
    strip = browser.find_element(By.ID, ids.ANSWER_STRIP)
    assert strip.get_attribute("aria-hidden") == "true"


def focused(driver) -> str:
    return driver.execute_script(
        "var e = document.activeElement;"
        "if (e.tagName === 'SUMMARY') { return 'about'; }"
        "if (e.classList.contains('evidence-tile')) { return 'tile ' + e.textContent.slice(-1); }"
        "if (e.classList.contains('character-tile')) { return e.getAttribute('aria-label'); }"
        "return e.id || e.tagName;"
    )


def tab_through(driver, count: int, from_top: bool = True) -> list[str]:
    """Press Tab `count` times (from the page's title, or from where the focus is)."""
    if from_top:
        # A click on plain text moves where the next Tab starts from.
        driver.find_element(By.TAG_NAME, "h1").click()
    seen = []
    for _ in range(count):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        seen.append(focused(driver))
    return seen


def test_every_control_is_reached_with_tab_in_reading_order(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    seen = tab_through(browser, 14)
    tiles = [f"tile {digit}" for digit in range(10)]
    # Before anything is drawn the correction form offers only its privacy link.
    assert seen == [ids.UNDO_BUTTON, ids.CLEAR_BUTTON, ids.PRIVACY_LINK, *tiles, "about"]
    outline = browser.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle;"
    )
    assert outline != "none"  # where the keyboard is can be seen


def test_keyboard_alone_opens_about_shows_evidence_and_clears(browser, live_dashboard, four):
    open_page(browser, live_dashboard.url)
    draw_with_mouse(browser, four)
    wait_for_digit(browser, "4")
    seen = tab_through(browser, 11)
    # Under the answer, the correction form: Right, the field, Send, the privacy link.
    assert seen[2:6] == [ids.RIGHT_BUTTON, ids.WROTE_INPUT, ids.SEND_BUTTON, ids.PRIVACY_LINK]
    assert seen[-1] == "tile 4"
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    WebDriverWait(browser, 10).until(
        lambda d: "Evidence for 4" in d.find_element(By.ID, ids.PREVIEW_CAPTION).text
    )
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    WebDriverWait(browser, 10).until(
        lambda d: "Evidence for" not in d.find_element(By.ID, ids.PREVIEW_CAPTION).text
    )
    # Shift+Tab back to Clear, then Enter.
    for _ in range(9):
        ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert focused(browser) == ids.CLEAR_BUTTON
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: predicted_digit(d) == "" and ink_pixels(d) == 0)
    # On from Clear, past the privacy link and the ten digit buttons: the About
    # panel opens from the keyboard too.
    assert tab_through(browser, 12, from_top=False)[-1] == "about"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.find_element(By.ID, ids.ABOUT_MODEL).get_attribute("open") is not None
    assert browser.find_element(By.ID, ids.MODEL_NOTE).is_displayed()


def test_character_buttons_come_after_clear_and_say_what_they_read(
    browser, live_dashboard, forty_two
):
    open_page(browser, live_dashboard.url)
    draw_with_mouse(browser, forty_two)
    wait_for_digit(browser, "42")
    seen = tab_through(browser, 9)
    assert seen[:2] == [ids.UNDO_BUTTON, ids.CLEAR_BUTTON]
    assert seen[2:4] == ["Character 1: 4", "Character 2: 2"]
    assert seen[4:8] == [ids.RIGHT_BUTTON, ids.WROTE_INPUT, ids.SEND_BUTTON, ids.PRIVACY_LINK]
    assert seen[8] == "tile 0"
    spoken = browser.execute_script(
        "return document.getElementById(arguments[0]).textContent;", ids.PREDICTION_PANEL
    )
    assert "42" in spoken and "confident in both digits" in spoken


def test_no_brush_control_that_the_network_would_ignore(browser, live_dashboard):
    open_page(browser, live_dashboard.url)
    assert browser.find_elements(By.CSS_SELECTOR, "input[type=range], .rc-slider") == []
    clear(browser)
