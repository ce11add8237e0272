// The invoice page's blocks, swapped in by htmx after a live change (see live.js and
// templates/invoices/partials/detail_blocks.html), without losing what someone is doing:
//
// - a block with an open dialog, or a form whose fields differ from what the server
//   rendered (a payment amount being typed), is kept as it is and marked stale; it is
//   fetched again once the dialog closes or the user leaves the form untouched;
// - keyboard focus on a button or link of a swapped block moves to the same control in
//   the new block (matched by data-action, id or text), so a keyboard user is not sent
//   back to the top of the page.
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

  function busy(block) {
    if (block.querySelector("dialog[open]")) { return true; }
    return Array.prototype.some.call(block.querySelectorAll("input, select, textarea"), fieldChanged);
  }

  function focusKey(element) {
    if (element.getAttribute("data-action")) { return '[data-action="' + element.getAttribute("data-action") + '"]'; }
    if (element.id) { return "#" + CSS.escape(element.id); }
    return null;
  }

  var refocus = null;

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var block = event.detail.target;
    if (busy(block)) {
      event.detail.shouldSwap = false;
      block.setAttribute("data-stale", "true");
      return;
    }
    block.removeAttribute("data-stale");
    var active = document.activeElement;
    if (active && block.contains(active)) {
      refocus = { selector: focusKey(active), text: active.textContent, tag: active.tagName };
    }
  });

  document.addEventListener("htmx:oobAfterSwap", function () {
    if (!refocus) { return; }
    var wanted = refocus;
    refocus = null;
    var target = wanted.selector ? document.querySelector(wanted.selector) : null;
    if (!target) {
      target = Array.prototype.find.call(document.querySelectorAll(wanted.tag), function (element) {
        return element.textContent === wanted.text;
      });
    }
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
