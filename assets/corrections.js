/*
 * The correction form's browser-side Dash callbacks (registered in
 * components/correction_form.py); sending and deleting go to the server.
 *
 * resetForm: every new answer, and every change to the drawing, asks again:
 *   the field starts with the reading's digits (at most 12) and the form shows
 *   Right and Send (or nothing to answer while the pad is empty). The answer
 *   is written again, unchanged, when a digit's evidence is chosen: that asks
 *   nothing new, so "Saved, thank you" stays. A form that is off (no database
 *   on this server) stays off.
 * digitsOnly: the field keeps only the digits typed or pasted, at most 12.
 */
(function () {
  "use strict";

  var MAX_DIGITS = 12;
  var OFF = "state-off";
  // What the form last asked about, in this page only.
  var asked = { answer: null, drawing: null };

  function digits(text) {
    return String(text || "").replace(/[^0-9]/g, "").slice(0, MAX_DIGITS);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitCorrections: {
      resetForm: function (answer, jsonData, formClass) {
        if (String(formClass || "").indexOf(OFF) !== -1) {
          return [window.dash_clientside.no_update, formClass, ""];
        }
        var noUpdate = window.dash_clientside.no_update;
        if (answer === asked.answer && jsonData === asked.drawing) {
          return [noUpdate, noUpdate, noUpdate];
        }
        asked = { answer: answer, drawing: jsonData };
        var shown = String(answer || "");
        var state = shown ? "ask" : "idle";
        return [digits(shown), "correction-form state-" + state, ""];
      },
      digitsOnly: function (value) {
        var kept = digits(value);
        return kept === value ? window.dash_clientside.no_update : kept;
      },
    },
  });
})();
