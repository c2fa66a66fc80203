// Keeps what is typed in the results entry form on this device (localStorage) until the server has saved it,
// so that a dropped connection, a failed save or a closed tab loses nothing, and offers it back on return.
//
// A draft belongs to one user, unit and period (the form's data-draft-key) and to the results the form showed
// when it was typed: its storage key ends with a fingerprint of the results' versions (the ver_<id> fields),
// and each kept value remembers the version and the saved value of its box. A draft is never applied over
// results saved since: on restore, a box whose result was saved again since the value was typed keeps the
// saved value, and what had been typed for it is listed in the banner instead; boxes typed into since the
// page opened are left as they are.
//
// The draft is cleared only once the server has confirmed a save: a post from this tab is marked in
// sessionStorage, and the page it leads to carries data-saved when the save succeeded. An offline save is
// not even sent: the form stays, with its draft, and says the values are kept on this device.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var storage = available(window.localStorage);
  if (!form || !form.dataset.draftKey || !storage) return;

  var base = form.dataset.draftKey; // kieumau:entry-draft:<user>:<unit>:<period>
  var PENDING = "kieumau:entry-pending";
  var MAX_AGE_MS = 90 * 24 * 3600 * 1000;
  var banner = document.querySelector("[data-draft-banner]");
  var offlineNotice = document.querySelector("[data-offline-notice]");
  var versions = readVersions();
  var key = base + ":" + fingerprint(versions);
  var offer = null; // the draft shown in the banner, until restored or discarded

  function available(store) {
    try {
      store.setItem("kieumau:probe", "1");
      store.removeItem("kieumau:probe");
      return store;
    } catch (error) {
      return null; // storage blocked or full: the form works as before, without drafts
    }
  }

  function readVersions() {
    var out = {};
    form.querySelectorAll("input[name^='ver_']").forEach(function (input) { out[input.name.slice(4)] = input.value; });
    return out;
  }

  function fingerprint(map) {
    var text = Object.keys(map).sort().map(function (k) { return k + "=" + map[k]; }).join(",");
    var hash = 5381;
    for (var i = 0; i < text.length; i++) hash = ((hash << 5) + hash + text.charCodeAt(i)) | 0;
    return (hash >>> 0).toString(36);
  }

  // The boxes a draft keeps: every enabled value, note and the reason; never files, versions or the CSRF token.
  function boxes() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.name !== "csrfmiddlewaretoken"
        && ["file", "hidden", "submit", "button", "reset"].indexOf(el.type) < 0;
    });
  }

  function box(name) {
    var el = form.elements.namedItem(name);
    return el && !el.disabled && boxes().indexOf(el) >= 0 ? el : null;
  }

  // What the server holds for the box: data-saved-value (ResultsForm), which differs from what the box
  // shows when the form comes back with errors; else what the page was rendered with.
  function initial(el) {
    if (el.hasAttribute("data-saved-value")) return el.dataset.savedValue;
    if (el.tagName === "SELECT") {
      for (var i = 0; i < el.options.length; i++) if (el.options[i].defaultSelected) return el.options[i].value;
      return el.options.length ? el.options[0].value : "";
    }
    return el.defaultValue;
  }

  function indicatorOf(name) {
    var match = /^[vn]_(\d+)$/.exec(name);
    return match ? match[1] : null;
  }

  function same(el, a, b) {
    if (el.hasAttribute("data-number") && window.kieumauEntry) return window.kieumauEntry.sameNumber(a, b);
    return a === b;
  }

  function touched(el) {
    return !same(el, el.value, initial(el));
  }

  // The boxes typed into on this page, each with the version and saved value it was typed against.
  function typedHere() {
    var out = {};
    boxes().forEach(function (el) {
      if (!touched(el)) return;
      var indicator = indicatorOf(el.name);
      out[el.name] = { value: el.value, version: indicator ? versions[indicator] || "" : "", saved: initial(el) };
    });
    return out;
  }

  function filesChosen() {
    var out = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.files && input.files.length) out.push(input.name);
    });
    return out;
  }

  function drafts() {
    var out = [];
    for (var i = 0; i < storage.length; i++) {
      var k = storage.key(i);
      if (k && k.indexOf(base + ":") === 0) out.push(k);
    }
    return out;
  }

  function read(k) {
    try {
      var draft = JSON.parse(storage.getItem(k));
      if (draft && typeof draft.at === "number" && draft.boxes) return draft;
    } catch (error) { /* a damaged draft is dropped below */ }
    return null;
  }

  function removeAll(except) {
    drafts().forEach(function (k) { if (k !== except) storage.removeItem(k); });
  }

  function store(sent) {
    var kept = offer ? Object.assign({}, offer.boxes) : {};
    var typed = typedHere();
    Object.keys(typed).forEach(function (name) { kept[name] = typed[name]; });
    var files = filesChosen().concat(offer ? offer.files || [] : []);
    try {
      if (Object.keys(kept).length || files.length) {
        storage.setItem(key, JSON.stringify({ at: Date.now(), boxes: kept, files: files, sent: sent === true }));
      } else {
        storage.removeItem(key);
      }
    } catch (error) { /* storage full: keep typing; the server is still there */ }
    if (!offer) removeAll(key);
  }

  // Whether the saved result of a kept box changed since the value was typed.
  function changedSince(el, kept) {
    var indicator = indicatorOf(el.name);
    var version = indicator ? versions[indicator] || "" : "";
    return version !== (kept.version || "") || !same(el, initial(el), kept.saved);
  }

  function differs(draft) {
    return Object.keys(draft.boxes).some(function (name) {
      var el = box(name);
      return el && !same(el, el.value, draft.boxes[name].value);
    }) || ((draft.files || []).length > 0 && !draft.sent); // files sent with a save are not asked for again
  }

  function shown(el, value) {
    if (el.tagName === "SELECT") {
      var option = Array.prototype.find.call(el.options, function (o) { return o.value === value; });
      return option ? option.textContent : value;
    }
    return value;
  }

  function describe(el) {
    var row = el.closest(".indicator");
    var code = row ? row.dataset.code : "";
    if (el.name.indexOf("n_") === 0) return code + " (" + form.dataset.labelNote + ")";
    if (code) return code;
    var label = form.querySelector("label[for='" + el.id + "']");
    return label ? label.textContent.trim() : el.name;
  }

  function when(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" + two(d.getMonth() + 1)
      + "/" + d.getFullYear();
  }

  function part(selector) { return banner.querySelector(selector); }

  function listChanged(draft) {
    var list = part("[data-draft-changed-list]");
    list.textContent = "";
    Object.keys(draft.boxes).forEach(function (name) {
      var el = box(name);
      var kept = draft.boxes[name];
      if (!el || !changedSince(el, kept) || same(el, el.value, kept.value)) return;
      var item = document.createElement("li");
      item.textContent = describe(el) + ": " + shown(el, kept.value);
      list.appendChild(item);
    });
    part("[data-draft-changed]").hidden = !list.children.length;
  }

  function listFiles(draft) {
    var codes = (draft.files || []).map(function (name) {
      var input = form.elements.namedItem(name);
      var row = input && input.closest(".indicator");
      return row ? row.dataset.code : null;
    }).filter(function (code, i, all) { return code && all.indexOf(code) === i; });
    part("[data-draft-files-list]").textContent = codes.join(", ");
    part("[data-draft-files]").hidden = !codes.length;
  }

  function showOffer(draft) {
    offer = draft;
    var message = part("[data-draft-offer]");
    message.textContent = message.textContent.replace("{time}", when(draft.at));
    listChanged(draft);
    listFiles(draft);
    banner.hidden = false;
  }

  function restore() {
    var first = null;
    Object.keys(offer.boxes).forEach(function (name) {
      var el = box(name);
      var kept = offer.boxes[name];
      if (!el || touched(el) || changedSince(el, kept) || same(el, el.value, kept.value)) return;
      el.value = kept.value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
      first = first || el;
    });
    var old = offer.key;
    offer = null;
    if (old !== key) storage.removeItem(old);
    store();
    part("[data-draft-offer]").hidden = true;
    part("[data-draft-restored]").hidden = false;
    part("[data-draft-restore]").hidden = true;
    var discard = part("[data-draft-discard]");
    discard.textContent = discard.dataset.closeLabel;
    if (first) first.focus();
    else discard.focus();
  }

  function discard() {
    if (offer) {
      var old = offer.key;
      offer = null;
      storage.removeItem(old);
      store(); // what was typed on this page since it opened stays kept
    }
    banner.hidden = true;
    var next = boxes()[0];
    if (next) next.focus();
  }

  function showConnection() {
    if (offlineNotice) offlineNotice.hidden = navigator.onLine;
  }

  function start() {
    var pending = null;
    try {
      pending = window.sessionStorage.getItem(PENDING);
      window.sessionStorage.removeItem(PENDING);
    } catch (error) { /* no session storage: drafts are then dropped only when the form shows them */ }
    if (pending === base && form.hasAttribute("data-saved")) {
      removeAll(null); // the server has confirmed the save this tab sent
      return;
    }
    var found = drafts().map(function (k) {
      var draft = read(k);
      if (draft) draft.key = k;
      return draft;
    }).filter(function (draft) { return draft && Date.now() - draft.at < MAX_AGE_MS; });
    found.sort(function (a, b) { return b.at - a.at; });
    removeAll(found.length ? found[0].key : null); // older, damaged and expired drafts
    if (found.length && differs(found[0])) showOffer(found[0]);
    // Otherwise the form shows the draft already: saved since, or sent back with errors and still unsaved,
    // which store() keeps (it holds every box that differs from what is saved) before dropping the rest.
    else store();
  }

  if (banner) {
    part("[data-draft-restore]").addEventListener("click", restore);
    part("[data-draft-discard]").addEventListener("click", discard);
  }
  form.addEventListener("input", function () { store(); });
  form.addEventListener("change", function () { store(); });
  form.addEventListener("submit", function (event) {
    store(navigator.onLine);
    if (!navigator.onLine) {
      event.preventDefault(); // the browser would show its own error page: stay here, with the draft
      showConnection();
      if (offlineNotice) offlineNotice.focus();
      return;
    }
    try {
      window.sessionStorage.setItem(PENDING, base);
    } catch (error) { /* the draft is then dropped when the page shows the saved values */ }
  });
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();
  start();
})();
