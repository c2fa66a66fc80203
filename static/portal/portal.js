// Small behaviours the pages ask for with data- attributes, so no page needs an inline script
// (the Content-Security-Policy allows scripts from our static files only).
(function () {
  // A select that acts on its own choice (below) must not act while the keyboard steps through its options:
  // on a closed select, Chrome fires "change" at every arrow key. A choice made so waits for Enter; one made
  // with a pointer, or in the open list, acts at once.
  var STEPPING = /^(Arrow(Up|Down|Left|Right)|Home|End|Page(Up|Down))$/;
  function onChoice(select, act) {
    var stepping = false;
    var pending = false;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && pending) {
        event.preventDefault();
        pending = false;
        act();
        return;
      }
      stepping = !event.altKey && (STEPPING.test(event.key) || event.key.length === 1) && event.key !== " ";
    });
    select.addEventListener("pointerdown", function () { stepping = false; });
    select.addEventListener("change", function () {
      if (stepping) {
        pending = true;
        return;
      }
      act();
    });
  }
  // <select data-autosubmit>: choosing an option submits its form (a <noscript> button does it without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    onChoice(select, function () { select.form.submit(); });
  });
  // <select data-navigate>: each option's value is an address; choosing one goes there.
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    onChoice(select, function () { window.location = select.value; });
  });
  // <button data-print>: prints the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A table wider than the screen scrolls sideways inside .table-responsive. When nothing in it takes focus,
  // the box itself does, so that the keyboard can scroll it too (arrow keys); it is named after the table's
  // caption or the heading before it. Checked again when the window changes size (a phone turned sideways).
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  function scrollerName(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return "";
  }
  // Something in the box the keyboard reaches: disabled fields and controls in hidden columns do not count.
  function takesFocus(box) {
    return Array.prototype.some.call(box.querySelectorAll(FOCUSABLE), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var needed = box.scrollWidth > box.clientWidth + 1 && !takesFocus(box);
      // data-scroll-focus lists the attributes added here, so that only those are taken away again.
      if (needed && !box.hasAttribute("data-scroll-focus")) {
        var added = ["tabindex"];
        box.tabIndex = 0;
        var name = scrollerName(box);
        if (name && !box.hasAttribute("role") && !box.hasAttribute("aria-label")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
          added.push("role", "aria-label");
        }
        box.setAttribute("data-scroll-focus", added.join(" "));
      } else if (!needed && box.hasAttribute("data-scroll-focus")) {
        box.getAttribute("data-scroll-focus").split(" ").forEach(function (a) { box.removeAttribute(a); });
        box.removeAttribute("data-scroll-focus");
      }
    });
  }
  focusableScrollers();
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusableScrollers, 200);
  });
})();
