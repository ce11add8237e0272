// The invoice page's blocks, swapped in by htmx after a live change (see live.js and
// templates/invoices/partials/detail_blocks.html), without losing what someone is doing:
//
// - a form whose fields differ from what the server rendered (a payment being typed) is
//   carried over into the new block as it is, with its values and focus;
// - a block with an open dialog, or with a typed-in form the new block no longer has
//   (the invoice was paid meanwhile), is kept as it is and marked stale; it is fetched
//   again once the dialog closes or the form is left as it was;
// - keyboard focus on a button or link of a swapped block moves to the same control in
//   the new block (matched by data-action or id), so a keyboard user is not sent back to
//   the top of the page.
(function () {
  "use strict";

  function fieldChanged(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") { return false; }
    return field.value !== field.defaultValue;
  }

  function typedIn(form) {
    return Array.prototype.some.call(form.querySelectorAll("input, select, textarea"), fieldChanged);
  }

  function typedInForms(block) {
    return Array.prototype.filter.call(block.querySelectorAll("form"), typedIn);
  }

  function busy(block) {
    return Boolean(block.querySelector("dialog[open]")) || typedInForms(block).length > 0;
  }

  function focusKey(element) {
    if (element.getAttribute("data-action")) { return '[data-action="' + element.getAttribute("data-action") + '"]'; }
    if (element.id) { return "#" + CSS.escape(element.id); }
    return null;
  }

  var refocus = null;

  function hold(event) {
    event.detail.shouldSwap = false;
    event.detail.target.setAttribute("data-stale", "true");
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var block = event.detail.target;
    var fresh = event.detail.fragment;
    if (block.querySelector("dialog[open]")) { hold(event); return; }
    var carried = [];
    var lost = typedInForms(block).some(function (form) {
      var twin = fresh.querySelector('form[action="' + CSS.escape(form.getAttribute("action") || "") + '"]');
      if (!twin) { return true; }
      carried.push([twin, form]);
      return false;
    });
    if (lost) { hold(event); return; }
    block.removeAttribute("data-stale");
    var active = document.activeElement;
    if (active && block.contains(active)) {
      refocus = { element: active, selector: focusKey(active) };
    }
    carried.forEach(function (pair) { pair[0].replaceWith(pair[1]); });
  });

  document.addEventListener("htmx:oobAfterSwap", function () {
    if (!refocus) { return; }
    var wanted = refocus;
    refocus = null;
    var target = wanted.element.isConnected ? wanted.element : null;
    if (!target && wanted.selector) { target = document.querySelector(wanted.selector); }
    if (target) { target.focus(); }
  });

  function refreshIfStale() {
    var stale = document.querySelector("[data-stale]");
    if (stale && !busy(stale)) { document.dispatchEvent(new CustomEvent("invoice-changed")); }
  }

  // A dialog closed, or a form was put back as it was: catch up on what was held back.
  document.addEventListener("close", refreshIfStale, true);
  document.addEventListener("focusout", function () { window.setTimeout(refreshIfStale, 0); });
})();
