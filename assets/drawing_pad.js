/*
 * Drawing pad glue for dash-canvas (components/drawing_pad.py).
 *
 * 1. Live answers: dash-canvas sends its drawing (json_data) only when its own
 *    Save button is pressed, so at the end of every stroke (mouse, pen or the
 *    touch below) this script presses that hidden button. Saves are throttled:
 *    at most one per MIN_SAVE_GAP_MS, the last stroke always sent. Dash itself
 *    drops an older answer when a newer call of the same callback is under way.
 * 2. Touch: fabric.js 1.7 inside dash-canvas reads no coordinates from touch
 *    events in current Chromium (it records paths of NaN), so touches on the pad
 *    are stopped before fabric sees them and replayed as mouse events. Stopping
 *    them also keeps the page from scrolling while a finger draws.
 * 3. Undo: our Undo button presses dash-canvas's hidden one, then sends. Its
 *    history throws when empty, so strokes are counted (it keeps UNDO_STEPS).
 *
 * window.digitPad.strokeEndedAt / savedAt (performance.now() values) let
 * bench/stroke_latency.py measure stroke end to answer.
 */
(function () {
  "use strict";

  var PAD_ID = "drawing-pad";
  var UNDO_ID = "undo-button";
  var CLEAR_ID = "clear-button";
  var MIN_SAVE_GAP_MS = 50;
  var UNDO_STEPS = 25;  // react-sketch's default undoSteps inside dash-canvas

  var state = {
    strokeEndedAt: null,
    savedAt: null,
    saves: 0,
    undoable: 0
  };
  window.digitPad = state;

  var lastSave = -Infinity;
  var saveTimer = null;
  var drawing = false;
  var touchId = null;
  var touchTarget = null;

  function pad() {
    return document.getElementById(PAD_ID);
  }

  function isPadCanvas(node) {
    var p = pad();
    return !!(p && node && node.classList && node.classList.contains("upper-canvas") &&
      p.contains(node));
  }

  function padButton(title) {
    var p = pad();
    return p ? p.querySelector("button[title='" + title + "']") : null;
  }

  function save() {
    saveTimer = null;
    var button = padButton("Save");
    if (!button) {
      return;
    }
    lastSave = performance.now();
    state.savedAt = lastSave;
    state.saves += 1;
    button.click();
  }

  // Deferred even when due now: fabric adds the finished path in its own
  // mouseup listener, which runs after this one.
  function requestSave() {
    if (saveTimer !== null) {
      return;
    }
    var wait = Math.max(0, MIN_SAVE_GAP_MS - (performance.now() - lastSave));
    saveTimer = window.setTimeout(save, wait);
  }

  document.addEventListener("mousedown", function (event) {
    if (event.button === 0 && isPadCanvas(event.target)) {
      drawing = true;
    }
  }, true);

  document.addEventListener("mouseup", function () {
    if (!drawing) {
      return;
    }
    drawing = false;
    state.strokeEndedAt = performance.now();
    state.undoable = Math.min(state.undoable + 1, UNDO_STEPS);
    requestSave();
  }, true);

  function findTouch(list, id) {
    for (var i = 0; i < list.length; i += 1) {
      if (list[i].identifier === id) {
        return list[i];
      }
    }
    return null;
  }

  function replay(type, touch) {
    var target = type === "mousedown" ? touchTarget : (touchTarget || document);
    target.dispatchEvent(new MouseEvent(type, {
      bubbles: true,
      cancelable: true,
      view: window,
      button: 0,
      buttons: type === "mouseup" ? 0 : 1,
      clientX: touch.clientX,
      clientY: touch.clientY,
      screenX: touch.screenX,
      screenY: touch.screenY
    }));
  }

  function onTouchStart(event) {
    if (!isPadCanvas(event.target)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (touchId !== null) {
      return;  // one finger draws; others are ignored until it lifts
    }
    var touch = event.changedTouches[0];
    touchId = touch.identifier;
    touchTarget = event.target;
    replay("mousedown", touch);
  }

  function onTouchMove(event) {
    if (touchId === null) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    var touch = findTouch(event.changedTouches, touchId);
    if (touch) {
      replay("mousemove", touch);
    }
  }

  function onTouchEnd(event) {
    if (touchId === null) {
      return;
    }
    var touch = findTouch(event.changedTouches, touchId);
    event.preventDefault();
    event.stopPropagation();
    if (!touch) {
      return;
    }
    replay("mouseup", touch);
    touchId = null;
    touchTarget = null;
  }

  var active = {capture: true, passive: false};
  window.addEventListener("touchstart", onTouchStart, active);
  window.addEventListener("touchmove", onTouchMove, active);
  window.addEventListener("touchend", onTouchEnd, active);
  window.addEventListener("touchcancel", onTouchEnd, active);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) {
      return;
    }
    if (target.closest("#" + CLEAR_ID)) {
      state.undoable = 0;  // the server swaps in a fresh canvas
      return;
    }
    var undo = target.closest("#" + UNDO_ID) && padButton("Undo");
    if (undo && state.undoable > 0) {
      state.undoable -= 1;
      undo.click();
      requestSave();
    }
  });
}());
