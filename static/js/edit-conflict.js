// The edit page of an existing invoice, while someone else changes it.
//
// Follows /ws/invoices/<id>/ (live-socket.js). When a change arrives:
// - the form still holds what the server rendered: the page is loaded again, so the
//   form shows the invoice as it is now (nothing typed is lost);
// - the form has unsaved changes: they are left alone and the notice
//   [data-edit-conflict] says so, with a link to reload. Saving anyway is safe: the
//   form carries the ETag it was rendered with, and the server refuses a stale save
//   while keeping what was typed.
(function () {
  "use strict";

  var notice = document.querySelector("[data-edit-conflict]");
  var form = document.querySelector("[data-invoice-form]");
  if (!notice || !form || !window.BillingLiveSocket) { return; }

  function snapshot() {
    var values = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { values.push([name, value]); }
    });
    return JSON.stringify(values);
  }

  var rendered = snapshot();
  var saving = false;
  form.addEventListener("submit", function () { saving = true; });

  window.BillingLiveSocket.open({
    path: notice.getAttribute("data-edit-conflict"),
    refused: { 4401: "signed out", 4403: "not allowed", 4404: "gone" },
    onMessage: function (message) {
      if (saving || !message || !message.invoice || String(message.type).indexOf("invoice.") !== 0) { return; }
      if (snapshot() === rendered) {
        window.location.reload();
      } else {
        notice.hidden = false;
      }
    }
  });
})();
