// Judges each value of the entry form while it is typed, by the rules the server applies when the form is
// saved: numbers are read as portal/numbers.py parse_number reads them (1.234,5; "1.234" is one thousand two
// hundred and thirty-four), bounded as campaigns/results/forms.py bounds them, and compared with the threshold
// as campaigns/criteria/evaluation.py compare does, exactly (decimal strings, no floating point). A value the
// server would refuse shows the server's own message (from ResultsForm.live_rules) and never "met".
// The server decides again on save. tests/e2e/test_entry_live_hints.py holds the two to the same answers.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var rulesElement = document.getElementById("entry-rules");
  if (!form || !rulesElement) return;
  var rules = JSON.parse(rulesElement.textContent);

  // The three forms parse_number takes, ASCII digits only; tried in this order, each on the whole text.
  var GROUPED_DOTS = /^(-?)([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?$/;
  var GROUPED_COMMAS = /^(-?)([0-9]{1,3}(?:,[0-9]{3})+)\.([0-9]+)$/;
  var PLAIN = /^(-?)([0-9]*)(?:[.,]([0-9]*))?$/;

  // A decimal as sign, whole digits and fraction digits, without leading or trailing zeros.
  function decimal(negative, whole, fraction) {
    whole = whole.replace(/^0+/, "");
    fraction = fraction.replace(/0+$/, "");
    return { negative: negative && !!(whole || fraction), whole: whole, fraction: fraction };
  }

  // What was typed: null when empty, {error: code} when refused, a decimal otherwise.
  function parse(text) {
    var raw = String(text).trim();
    if (Array.from(raw).length > rules.maxLength) return { error: "too_long" };
    var s = raw.replace(/\s+/g, "");
    if (!s) return null;
    var parts = GROUPED_DOTS.exec(s) || GROUPED_COMMAS.exec(s) || PLAIN.exec(s);
    if (!parts) return { error: "invalid" };
    var whole = parts[2].replace(/[.,]/g, "");
    var fraction = parts[3] || "";
    if (!whole && !fraction) return { error: "invalid" };
    var number = decimal(parts[1] === "-", whole, fraction);
    if (number.whole.length > rules.wholeDigits || number.fraction.length > rules.places) return { error: "digits" };
    return number;
  }

  // A number the server wrote in an attribute ("90.0000", "100", "234"); null when there is none.
  function written(text) {
    if (text === undefined || text === null || text === "") return null;
    var parts = /^(-?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
    if (!parts) parts = /^(-?)([0-9]*)(?:\.([0-9]*))?$/.exec(Number(text).toFixed(rules.places));
    return parts ? decimal(parts[1] === "-", parts[2], parts[3] || "") : null;
  }

  function compareAbsolute(a, b) {
    if (a.whole.length !== b.whole.length) return a.whole.length < b.whole.length ? -1 : 1;
    if (a.whole !== b.whole) return a.whole < b.whole ? -1 : 1;
    var length = Math.max(a.fraction.length, b.fraction.length);
    var x = a.fraction.padEnd(length, "0");
    var y = b.fraction.padEnd(length, "0");
    return x === y ? 0 : x < y ? -1 : 1;
  }

  function compare(a, b) {
    if (a.negative !== b.negative) return a.negative ? -1 : 1;
    var order = compareAbsolute(a, b);
    return a.negative ? -order : order;
  }

  var COMPARATORS = {
    ">=": function (order) { return order >= 0; },
    "<=": function (order) { return order <= 0; },
    ">": function (order) { return order > 0; },
    "<": function (order) { return order < 0; },
    "==": function (order) { return order === 0; },
  };

  // {error: message} for what the server refuses; otherwise {met: true, false or null (nothing entered)}.
  function judgeNumber(input, row) {
    var text = input.value.trim();
    var number = parse(text);
    if (number === null) return { met: null };
    if (number.error) return { error: rules.messages[number.error].replace("%(value)s", text) };
    var low = written(input.dataset.min);
    var high = written(input.dataset.max);
    if (low && compare(number, low) < 0) return { error: rules.messages.min_value };
    if (high && compare(number, high) > 0) return { error: rules.messages.max_value };
    // ResultsForm.clean: a count is whole; then the unit's profile bounds it.
    if (input.hasAttribute("data-count") && number.fraction) return { error: rules.messages.whole };
    var bound = written(input.dataset.bound);
    if (bound && compare(number, bound) > 0) return { error: input.dataset.boundMessage };
    var threshold = written(row.dataset.threshold);
    if (!threshold) return { met: true };
    return { met: COMPARATORS[row.dataset.comparator](compare(number, threshold)) };
  }

  function judge(input, row) {
    var kind = row.dataset.kind;
    if (kind === "text") return { met: input.value.trim() ? true : null };
    if (kind === "boolean") {
      if (input.value === "") return { met: null };
      var threshold = written(row.dataset.threshold);
      var wanted = threshold === null ? true : !!(threshold.whole || threshold.fraction);
      return { met: (input.value !== "0") === wanted };
    }
    return judgeNumber(input, row);
  }

  // Whether two texts typed in a number box are the same number (for autosave.js: "95,50" is "95,5").
  function sameNumber(a, b) {
    var x = parse(a);
    var y = parse(b);
    if (x === null || y === null || x.error || y.error) return String(a).trim() === String(b).trim();
    return compare(x, y) === 0;
  }
  window.kieumauEntry = { sameNumber: sameNumber };

  var labels = { met: form.dataset.labelMet, notMet: form.dataset.labelNotMet, invalid: form.dataset.labelInvalid };

  document.querySelectorAll("#entry-form .indicator").forEach(function (row) {
    var input = row.querySelector("[name^=v_]");
    var badge = row.querySelector(".met-badge");
    var hint = row.querySelector("[data-live-hint]");
    if (!input || !badge || input.disabled) return;
    input.addEventListener("input", update);
    input.addEventListener("change", update);

    function update() {
      var verdict = judge(input, row);
      // What the server said about the value it was given no longer applies once the value changes.
      row.querySelectorAll("[data-server-error]").forEach(function (old) { old.hidden = true; });
      var invalid = verdict.error !== undefined;
      badge.className = "badge met-badge " + (
        invalid ? "text-bg-warning" : verdict.met === true ? "text-bg-success"
          : verdict.met === false ? "text-bg-danger" : "text-bg-light border");
      badge.textContent = invalid ? labels.invalid : verdict.met === true ? labels.met
        : verdict.met === false ? labels.notMet : "—";
      if (hint) {
        hint.textContent = invalid ? verdict.error : "";
        hint.hidden = !invalid;
      }
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      input.classList.toggle("is-invalid", invalid);
    }
  });
})();
