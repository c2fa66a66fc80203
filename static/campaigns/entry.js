// Shows "met / not met" beside each indicator while typing, with the same rules as
// campaigns/evaluation.py; the server decides again when the form is saved.
(function () {
  function parseNumber(text) {
    var s = String(text).replace(/\s|\u00a0/g, "");
    if (!s) return null;
    if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, "").replace(",", ".");
    else if (/^-?\d{1,3}(,\d{3})+\.\d+$/.test(s)) s = s.replace(/,/g, "");
    else if (s.indexOf(",") >= 0 && s.indexOf(".") < 0) s = s.replace(",", ".");
    var n = Number(s);
    return isFinite(n) ? n : NaN;
  }
  function isMet(kind, comparator, raw, threshold) {
    if (kind === "text") return raw.trim() ? true : null;
    var value = parseNumber(raw);
    if (value === null) return null;
    if (isNaN(value)) return undefined;
    var limit = threshold === "" ? null : Number(threshold);
    if (kind === "boolean") return (value !== 0) === (limit === null ? true : limit !== 0);
    if (limit === null) return true;
    return {">=": value >= limit, "<=": value <= limit, ">": value > limit, "<": value < limit, "==": value === limit}[comparator];
  }
  var labels = document.documentElement.lang === "vi" ? ["Đạt", "Chưa đạt", "Không hợp lệ"] : ["Met", "Not met", "Invalid"];
  document.querySelectorAll(".indicator").forEach(function (row) {
    var input = row.querySelector("[name^=v_]");
    var badge = row.querySelector(".met-badge");
    if (!input || !badge || input.disabled) return;
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    function update() {
      var met = isMet(row.dataset.kind, row.dataset.comparator, input.value, row.dataset.threshold);
      badge.className = "badge met-badge " + (met === true ? "text-bg-success" : met === false ? "text-bg-danger" : met === undefined ? "text-bg-warning" : "text-bg-light border");
      badge.textContent = met === true ? labels[0] : met === false ? labels[1] : met === undefined ? labels[2] : "—";
    }
  });
})();
