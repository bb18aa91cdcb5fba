"""Drawing on the dashboard's pad in real headless Chromium, and reading what the page shows.

Chromium and chromedriver are /usr/bin/chromium and /usr/bin/chromedriver unless
CHROMIUM_BIN / CHROMEDRIVER_BIN say otherwise. Strokes come from the committed
pen-written sample (testkit.fixtures: x, y in 0..100, y down), scaled into the
square pad and replayed as real input: W3C pointer actions for the mouse, CDP
Input.dispatchTouchEvent for a finger.
"""

import base64
import io
import os
import shutil
import time

import numpy as np
from PIL import Image
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from components import ids
from components.drawing_pad import CANVAS_SIZE
from model.numbers import number
from testkit.fixtures import pen_digits_sample
from testkit.payloads import canvas_json, densify_by_step, place_on_pad
from testkit.predict import predict_canvas

# Headless Chromium as this project runs it everywhere (tests and bench/).
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
]

# Where the 0..100 pen coordinates land on the pad, in canvas pixels.
MARGIN = 70
STEP_PX = 8
MOVE_MS = 4
UPPER_CANVAS = f"#{ids.DRAWING_PAD} canvas.upper-canvas"
LOWER_CANVAS = f"#{ids.DRAWING_PAD} canvas.lower-canvas"


def executable(env_name: str, default: str) -> str | None:
    path = os.environ.get(env_name, default)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which(path)


def find_browser() -> tuple[str | None, str | None]:
    """(chromium, chromedriver) paths, None for each that is missing."""
    return (
        executable("CHROMIUM_BIN", "/usr/bin/chromium"),
        executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"),
    )


def start_chromium(chromium: str, chromedriver: str, log_console: bool = False):
    """A headless Chromium driven through chromedriver, with this project's flags."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    if log_console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(30)
    return driver


def to_canvas(strokes, size: float = CANVAS_SIZE) -> list[np.ndarray]:
    """Pen strokes (0..100) to pad pixels, densified like a real pointer's moves."""
    return [densify_by_step(s, STEP_PX) for s in place_on_pad(strokes, size, MARGIN)]


def pick_pen_digits(classifier, labels, tries: int = 30) -> dict[int, dict]:
    """For each label, the first pen digit (a testkit.fixtures record) the model
    reads as that label, surely, when drawn alone on the pad.

    The browser tests check the page, not the model's accuracy, so they draw
    digits whose strokes the model gets right outside the browser.
    """
    chosen = {}
    digits = pen_digits_sample()
    for label in labels:
        candidates = [d for d in digits if d["label"] == label][:tries]
        for digit in candidates:
            strokes = to_canvas(digit["strokes"])
            answer = predict_canvas(classifier, canvas_json(strokes), CANVAS_SIZE, CANVAS_SIZE)
            if answer.digit == label and not answer.unsure:
                chosen[label] = digit
                break
        else:
            raise AssertionError(f"none of {len(candidates)} pen digits {label} is read as {label}")
    return chosen


def pick_samples(classifier, labels, tries: int = 30) -> dict[int, list]:
    """For each label, pick_pen_digits's choice as strokes on the pad."""
    return {
        label: to_canvas(digit["strokes"])
        for label, digit in pick_pen_digits(classifier, labels, tries).items()
    }


def number_on_pad(
    classifier, text: str, size: float = CANVAS_SIZE, gap: float = 40, margin: float = 30
) -> list[np.ndarray]:
    """The digits of `text` (pick_pen_digits's), side by side with a clear gap,
    each in a square of about a third of the pad (smaller for long numbers):
    strokes on the pad, densified like a pointer's. Checked outside the browser:
    model.numbers.number reads them as `text`."""
    records = pick_pen_digits(classifier, sorted({int(c) for c in text}))
    count = len(text)
    cell = min(size / 3, (size - 2 * margin - (count - 1) * gap) / count)
    left = (size - count * cell - (count - 1) * gap) / 2
    top = (size - cell) / 2
    strokes = []
    for place, character in enumerate(text):
        offset = np.array([left + place * (cell + gap), top])
        for stroke in records[int(character)]["strokes"]:
            points = np.asarray(stroke, dtype=np.float64) * cell / 100 + offset
            strokes.append(densify_by_step(points, STEP_PX))
    read = number.read_canvas_number(classifier, canvas_json(strokes), size, size).number
    assert read == text, f"the pen digits for {text!r} are read as {read!r}"
    return strokes


def open_page(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script(
            "var c = document.querySelector(arguments[0]);"
            "var g = document.querySelector('#probability-chart .bar');"
            "return !!(c && c.width > 0 && g && window.digitPad);",
            UPPER_CANVAS,
        )
    )


def emulate_screen(driver, width: int, height: int, touch: bool = False) -> None:
    """Make the page's viewport exactly width x height CSS pixels (a phone's when
    `touch`: mobile metrics and touch input); emulate_screen(driver, 0, 0) undoes it.
    Reload the page afterwards: the layout is laid out for the old size until then."""
    if not width:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        return
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": touch}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.execute_cdp_cmd(
        "Emulation.setTouchEmulationEnabled", {"enabled": touch, "maxTouchPoints": 1}
    )


def pad_size(driver) -> int:
    """The drawing canvas's side in pixels (smaller on a phone)."""
    return driver.execute_script("return document.querySelector(arguments[0]).width;", UPPER_CANVAS)


def draw_with_mouse(driver, strokes) -> None:
    """Each stroke as one mouse drag over the pad's upper canvas. Dash may mount
    the pad's canvas anew just after a Clear; a stroke aimed at the old element
    fails before any of it is sent (the origin is looked up when the actions
    are performed), so it is sent again to the new one."""
    for stroke in strokes:
        for attempt in range(3):
            try:
                _drag(driver, driver.find_element(By.CSS_SELECTOR, UPPER_CANVAS), stroke)
                break
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                settle(0.1)


def _drag(driver, canvas, stroke) -> None:
    rect = canvas.rect
    cx, cy = rect["width"] / 2, rect["height"] / 2
    actions = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_MOUSE, "mouse"))
    mouse = actions.pointer_inputs[0]
    x0, y0 = stroke[0]
    mouse.create_pointer_move(duration=0, x=round(x0 - cx), y=round(y0 - cy), origin=canvas)
    mouse.create_pointer_down(button=0)
    for x, y in stroke[1:]:
        mouse.create_pointer_move(duration=MOVE_MS, x=round(x - cx), y=round(y - cy), origin=canvas)
    mouse.create_pointer_up(button=0)
    actions.perform()


def draw_with_touch(driver, strokes) -> None:
    """One finger, through Chromium's touch input (no touch emulation: as on a
    desktop with a touch screen)."""
    left, top = driver.execute_script(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return [r.left, r.top];",
        UPPER_CANVAS,
    )
    for stroke in strokes:
        points = [{"x": left + x, "y": top + y} for x, y in stroke]
        driver.execute_cdp_cmd(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [points[0]]}
        )
        for point in points[1:]:
            driver.execute_cdp_cmd(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]}
            )
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def character_tiles(driver) -> list:
    """The character buttons under the answer (a drawing of several characters)."""
    return driver.find_elements(By.CSS_SELECTOR, f"#{ids.CHARACTER_TILES} .character-tile")


def predicted_digit(driver) -> str:
    return driver.find_element(By.ID, ids.PREDICTED_DIGIT).text.strip()


def detail_text(driver) -> str:
    return driver.find_element(By.ID, ids.PREDICTION_DETAIL).text.strip()


def wait_for_digit(driver, expected: str, timeout: float = 10) -> None:
    WebDriverWait(driver, timeout).until(
        lambda d: predicted_digit(d) == expected,
        message=f"predicted-digit never showed {expected!r}",
    )


def chart_heights(driver) -> list[float]:
    """The ten bars' heights in percent, as the page was told them."""
    return driver.execute_script(
        "return Array.prototype.map.call("
        "document.querySelectorAll('#probability-chart .bar'),"
        " function (bar) { return parseFloat(bar.getAttribute('data-percent')); });"
    )


def preview_picture(driver) -> np.ndarray:
    """The preview's picture as the page shows it: 28x28 grey (the plain input)
    or 28x28x3 RGB (the evidence view), values 0-255."""
    src = driver.find_element(By.ID, ids.INPUT_PREVIEW).get_attribute("src")
    data = base64.b64decode(src.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)), dtype=float)


def preview_pixels(driver) -> np.ndarray:
    """The plain preview's 28x28 pixels in [0, 1] (ink bright, like the network's input)."""
    picture = preview_picture(driver)
    assert picture.ndim == 2, "the preview shows evidence, not the plain input"
    return picture / 255.0


def ink_pixels(driver) -> int:
    """Dark pixels on the pad's drawing layer (the pad itself is light blue)."""
    return driver.execute_script(
        "var c = document.querySelector(arguments[0]);"
        "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
        "for (var i = 0; i < d.length; i += 4) { if (d[i] < 100 && d[i + 3] > 0) n++; }"
        "return n;",
        LOWER_CANVAS,
    )


def clear(driver) -> None:
    driver.find_element(By.ID, ids.CLEAR_BUTTON).click()
    WebDriverWait(driver, 10).until(
        lambda d: predicted_digit(d) == "" and ink_pixels(d) == 0,
        message="clear did not empty the pad and the answer",
    )


def settle(seconds: float) -> None:
    time.sleep(seconds)
