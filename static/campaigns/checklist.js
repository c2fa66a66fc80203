// Checkbox lists (templates/campaigns/movement/_checklist.html): a filter box, "select all shown", "clear"
// and the count chosen. Wired by data-checklist* attributes; no inline script (Content-Security-Policy).
// Without JavaScript the plain list of checkboxes still works.
(function () {
  "use strict";

  // "Đông Cương" and "dong cuong" are the same to the filter: no accents, đ as d, any case.
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function setUp(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-checklist-item]"));
    var boxes = items.map(function (item) { return item.querySelector("input[type=checkbox]"); });
    var keys = items.map(function (item) { return fold(item.textContent); });
    var tools = list.querySelector("[data-checklist-tools]");
    var filter = list.querySelector("[data-checklist-filter]");
    var count = list.querySelector("[data-checklist-count]");
    var empty = list.querySelector("[data-checklist-empty]");

    function showCount() {
      var chosen = boxes.filter(function (box) { return box.checked; }).length;
      if (count) count.textContent = chosen + "/" + boxes.length;
    }

    function applyFilter() {
      var wanted = fold(filter ? filter.value : "");
      var shown = 0;
      items.forEach(function (item, i) {
        var match = !wanted || keys[i].indexOf(wanted) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown > 0 || !items.length;
    }

    function setShown(checked) {
      items.forEach(function (item, i) {
        if (!item.hidden && !boxes[i].disabled) boxes[i].checked = checked;
      });
      showCount();
    }

    if (tools && items.length) tools.hidden = false;
    if (filter) {
      filter.addEventListener("input", applyFilter);
      // Enter in the filter box must not send the whole form.
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    var all = list.querySelector("[data-checklist-all]");
    var none = list.querySelector("[data-checklist-none]");
    if (all) all.addEventListener("click", function () { setShown(true); });
    if (none) none.addEventListener("click", function () { setShown(false); });
    list.addEventListener("change", showCount);
    showCount();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-checklist]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
