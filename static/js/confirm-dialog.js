// Destructive actions (cancel, reject, delete) ask first, in a native modal <dialog>.
//
// The button that asks is a GET form to the action's confirmation page
// (form[data-confirm="<dialog id>"]): without JavaScript, or without <dialog>, the
// browser simply opens that page. Here the submit is caught and the dialog opened
// instead: focus moves into it (the reason field when there is one, else the button
// that keeps things as they are), Escape and "Keep" close it without doing anything,
// and focus goes back to the button that opened it, even if live updates re-rendered
// that button meanwhile. Listeners sit on document, so blocks swapped in by htmx work too.
(function () {
  "use strict";

  var opener = null;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var id = form.getAttribute("data-confirm");
    if (!id) { return; }
    var dialog = document.getElementById(id);
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    event.preventDefault();
    var button = event.submitter || form.querySelector("button");
    opener = { id: id, action: button ? button.getAttribute("data-action") : null, element: button };
    dialog.returnValue = "";
    dialog.showModal();
    var first = dialog.querySelector("textarea, input:not([type=hidden])") || dialog.querySelector("[data-initial-focus]");
    if (first) { first.focus(); }
  });

  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!opener || dialog.id !== opener.id) { return; }
    var form = dialog.querySelector("form");
    if (form && dialog.returnValue !== "submitted") { form.reset(); }
    var again = opener.action ? document.querySelector('form[data-confirm] [data-action="' + opener.action + '"]') : null;
    var target = again || opener.element;
    opener = null;
    if (target && target.isConnected) { target.focus(); }
  }, true);

  // The confirming submit leaves the page; mark it so closing does not clear the reason.
  document.addEventListener("click", function (event) {
    var submit = event.target.closest && event.target.closest("dialog [data-confirm-submit]");
    if (submit) { submit.closest("dialog").returnValue = "submitted"; }
  });
})();
