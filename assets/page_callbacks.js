/*
 * The page's browser-side Dash callbacks (registered in components/callbacks.py):
 * nothing here needs the server.
 *
 * chooseEvidence: a click on a bar of the probability chart, or on a digit
 *   button under it, picks the digit whose evidence the preview shows (the
 *   evidence-digit store); the digit already shown goes back to none. The
 *   buttons' aria-pressed follows, so a screen reader says which is on.
 * copyAnswer: the answer strip above the pad (shown on phones) copies the
 *   answer panel's digit and words.
 */
(function () {
  "use strict";

  var CHART_ID = "probability-chart";
  var TILE_TYPE = "evidence-tile";
  var DIGITS = 10;

  function clickedDigit(triggered, clickData) {
    if (triggered === CHART_ID) {
      var point = clickData && clickData.points && clickData.points[0];
      var digit = point ? parseInt(point.x, 10) : NaN;
      return isNaN(digit) ? null : digit;
    }
    if (triggered && triggered.type === TILE_TYPE) {
      return triggered.digit;
    }
    return null;
  }

  function pressed(chosen) {
    var states = [];
    for (var digit = 0; digit < DIGITS; digit += 1) {
      states.push(digit === chosen ? "true" : "false");
    }
    return states;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitPage: {
      chooseEvidence: function (clickData, tileClicks, current) {
        var context = window.dash_clientside.callback_context;
        var digit = clickedDigit(context && context.triggered_id, clickData);
        if (digit === null || digit < 0 || digit >= DIGITS) {
          return [window.dash_clientside.no_update, window.dash_clientside.no_update];
        }
        var chosen = digit === current ? null : digit;
        return [chosen, pressed(chosen)];
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
