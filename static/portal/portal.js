// Small behaviours the pages ask for with data- attributes, so no page needs an inline script
// (the Content-Security-Policy allows scripts from our static files only).
(function () {
  // <select data-autosubmit>: choosing an option submits its form (a <noscript> button does it without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <select data-navigate>: each option's value is an address; choosing one goes there.
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () { window.location = select.value; });
  });
  // <button data-print>: prints the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
