// Select-all for the bulk actions of the results pages. Without this script every box is ticked one by
// one and the form posts the ticked ones just the same.
//   <input type=checkbox data-select-all="G">  ticks or clears every [data-select="G"] box; it sits in
//                                              a [data-select-all-wrapper] kept hidden until this runs
//   <span data-selected-count="G" hidden>      shows how many boxes of G are ticked
(function () {
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var group = all.dataset.selectAll;
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll('input[type=checkbox][data-select="' + group + '"]')
    ).filter(function (box) { return !box.disabled; });
    var counters = document.querySelectorAll('[data-selected-count="' + group + '"]');
    var wrapper = all.closest("[data-select-all-wrapper]") || all;
    function update() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      counters.forEach(function (counter) {
        counter.textContent = String(ticked);
        counter.hidden = ticked === 0;
      });
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    wrapper.hidden = boxes.length === 0;
    update();
  });
})();
