/*
 * The page's browser-side Dash callbacks (registered in components/callbacks.py):
 * nothing here needs the server.
 *
 * chooseEvidence: a press on a digit button under the bars picks the digit
 *   whose evidence the preview shows (the evidence-digit store); the digit
 *   already shown goes back to none; Clear forgets it (the choice belongs to
 *   the drawing). The buttons' aria-pressed follows, so a screen reader says
 *   which is on. A click on a bar presses its digit's button (below).
 * chooseCharacter: a press on a character's button (a drawing of several
 *   characters) picks the character whose bars and preview are shown (the
 *   selected-character store) and marks its button pressed; the buttons stay
 *   in place (the server draws them only for a new drawing), so the keyboard's
 *   focus stays on the one pressed. Clear forgets the choice. Buttons newly
 *   drawn (n_clicks 0) change nothing, so an answer never costs a second request.
 * copyAnswer: the answer strip above the pad (shown on phones) copies the
 *   answer panel's digit (or number) and words.
 */
(function () {
  "use strict";

  var CHART_ID = "probability-chart";
  var TILE_TYPE = "evidence-tile";
  var DIGITS = 10;
  var CHARACTER_TYPE = "character-tile";
  var CLEAR_ID = "clear-button";

  function clickedDigit(triggered) {
    if (triggered && triggered.type === TILE_TYPE) {
      return triggered.digit;
    }
    return null;
  }

  // A click anywhere in a digit's column of the chart, however short its bar,
  // presses that digit's button: one way in, for the mouse, a finger and keys.
  document.addEventListener("click", function (event) {
    var column = event.target && event.target.closest &&
      event.target.closest("#" + CHART_ID + " [data-digit]");
    if (!column) {
      return;
    }
    var tiles = document.querySelectorAll("." + TILE_TYPE);
    var tile = tiles[parseInt(column.getAttribute("data-digit"), 10)];
    if (tile) {
      tile.click();
    }
  });

  function pressed(chosen, count) {
    var states = [];
    for (var index = 0; index < count; index += 1) {
      states.push(index === chosen ? "true" : "false");
    }
    return states;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitPage: {
      chooseEvidence: function (tileClicks, clearClicks, current) {
        var context = window.dash_clientside.callback_context;
        var triggered = context && context.triggered_id;
        var noUpdate = window.dash_clientside.no_update;
        if (triggered === CLEAR_ID) {
          var none = current === undefined || current === null;
          return none ? [noUpdate, noUpdate] : [null, pressed(null, DIGITS)];
        }
        var digit = clickedDigit(triggered);
        if (digit === null || digit < 0 || digit >= DIGITS) {
          return [noUpdate, noUpdate];
        }
        var chosen = digit === current ? null : digit;
        return [chosen, pressed(chosen, DIGITS)];
      },

      chooseCharacter: function (tileClicks, clearClicks, current) {
        var context = window.dash_clientside.callback_context;
        var triggered = context && context.triggered_id;
        var noUpdate = window.dash_clientside.no_update;
        var chosen = current === undefined ? null : current;
        var nothing = [noUpdate, noUpdate];
        if (triggered === CLEAR_ID) {
          return chosen === null ? nothing : [null, noUpdate];
        }
        var pressedNow = context && context.triggered && context.triggered[0];
        if (!triggered || triggered.type !== CHARACTER_TYPE || !pressedNow || !pressedNow.value) {
          return nothing;
        }
        if (triggered.index === chosen) {
          return nothing;
        }
        return [triggered.index, pressed(triggered.index, (tileClicks || []).length)];
      },

      copyAnswer: function (digit, detail, detailClass) {
        var tone = (detailClass || "").split(" ").filter(function (name) {
          return name.indexOf("tone-") === 0;
        });
        return [digit || "", detail || "", ["strip-detail"].concat(tone).join(" ")];
      }
    }
  });
}());
