// Live invoice updates for the list and detail pages.
//
// Connects to the WebSocket named by [data-live-socket] (/ws/invoices/ or
// /ws/invoices/<id>/); the browser sends the session cookie and the server checks the
// Origin. Each message is {type, invoice, event} (SPEC section 6). The page is updated
// in place: status badges, totals and balances of the invoice's row or page, the
// timeline on the detail page, and a short toast says what changed and who did it.
// Everything from the message is written with textContent, never as HTML.
//
// On the detail page the message then fires "invoice-changed" on document: htmx fetches
// the page's blocks as the server renders them now (buttons, totals, payments, credit
// notes, history) and swaps them in (templates/invoices/partials/detail_blocks.html).
//
// The socket pings every 25 seconds and reconnects with exponential backoff (1 s,
// doubling, at most 30 s, with jitter) unless the server refused us for good (4401 not
// signed in, 4403 not allowed, 4404 no such invoice). Other scripts can listen for the
// "invoice:message" event on document.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-socket]");
  if (!root) { return; }

  var TOAST_MS = 8000;
  var REFUSED = { 4401: "sign in again to get live updates", 4403: "not allowed", 4404: "this invoice is gone" };

  var path = root.getAttribute("data-live-socket");
  var page = root.getAttribute("data-live-page");
  var status = root.querySelector("[data-live-status]");
  var toasts = document.querySelector("[data-live-toasts]");

  var TOAST_TEXT = {
    "invoice.created": "created", "invoice.updated": "edited",
    "invoice.payment_recorded": "payment recorded", "invoice.credited": "credit note issued",
    "invoice.deleted": "deleted"
  };

  function statusLabel(value) {
    var text = String(value || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  var groupAmount = window.InvoiceMoney.groupAmount;

  // What has been paid, from the message's total and balance: exact cents, no floats.
  function paidAmount(invoice) {
    function cents(text) {
      var match = /^(-?)(\d+)\.(\d{2})$/.exec(String(text));
      if (!match) { return null; }
      var value = BigInt(match[2] + match[3]);
      return match[1] ? -value : value;
    }
    var total = cents(invoice.total_amount);
    var balance = cents(invoice.balance_due);
    if (total === null || balance === null) { return null; }
    var paid = total - balance;
    return (paid / 100n).toString() + "." + (paid % 100n).toString().padStart(2, "0");
  }

  function setState(state, text) {
    root.setAttribute("data-live-state", state);
    if (status) {
      status.setAttribute("data-state", state);
      status.textContent = text;
    }
  }

  function reveal(name) {
    var notice = root.querySelector('[data-live-notice="' + name + '"]');
    if (notice) { notice.hidden = false; }
  }

  function updateInvoice(invoice, type) {
    var scopes = root.querySelectorAll('[data-invoice-id="' + invoice.id + '"]');
    if (root.getAttribute("data-invoice-id") === String(invoice.id)) { scopes = [root]; }
    if (!scopes.length) {
      if (page === "list" && type === "invoice.created") { reveal("created"); }
      return;
    }
    Array.prototype.forEach.call(scopes, function (scope) {
      scope.querySelectorAll('[data-live-field="status"]').forEach(function (badge) {
        var shown = type === "invoice.deleted" ? "deleted" : invoice.status;
        badge.className = "badge badge--" + shown;
        badge.textContent = statusLabel(shown);
      });
      ["total_amount", "balance_due"].forEach(function (name) {
        scope.querySelectorAll('[data-live-field="' + name + '"]').forEach(function (element) {
          element.textContent = groupAmount(invoice[name]);
        });
      });
      var paid = paidAmount(invoice);
      scope.querySelectorAll('[data-live-field="amount_paid"]').forEach(function (element) {
        if (paid !== null) { element.textContent = groupAmount(paid); }
      });
      ["customer_name", "due_date"].forEach(function (name) {
        scope.querySelectorAll('[data-live-field="' + name + '"]').forEach(function (element) {
          if (invoice[name] != null) { element.textContent = invoice[name]; }
        });
      });
      if (type === "invoice.deleted" && scope.tagName === "TR") { scope.classList.add("is-deleted"); }
    });
  }

  // The actor as the pages name people: full name, else username (events.py actor_name).
  function actorName(actor) {
    return actor.name || actor.username;
  }

  // The server words every event (invoices/events.py `event_text`): the timeline row
  // appended here reads exactly like the one the page rendered.
  function describe(event) {
    return event.text || statusLabel(event.transition || event.kind);
  }

  function appendToTimeline(event) {
    var timeline = root.querySelector("[data-live-timeline]");
    if (!timeline || !event || timeline.querySelector('[data-event-id="' + event.id + '"]')) { return; }
    var item = document.createElement("li");
    item.setAttribute("data-event-id", String(event.id));
    var what = document.createElement("span");
    what.className = "timeline__what";
    what.textContent = describe(event);
    var meta = document.createElement("span");
    meta.className = "timeline__meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", event.at);
    time.textContent = String(event.at).replace("T", " ").slice(0, 16);
    meta.appendChild(time);
    if (event.actor) { meta.appendChild(document.createTextNode(" · by " + actorName(event.actor))); }
    item.appendChild(what);
    item.appendChild(meta);
    if (event.reason) {
      var reason = document.createElement("span");
      reason.className = "timeline__reason";
      reason.textContent = "“" + event.reason + "”";
      item.appendChild(reason);
    }
    timeline.appendChild(item);
  }

  function toast(text) {
    if (!toasts) { return; }
    var box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    var message = document.createElement("p");
    message.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button button--link";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(message);
    box.appendChild(close);
    toasts.appendChild(box);
    window.setTimeout(function () { box.remove(); }, TOAST_MS);
  }

  function toastText(message) {
    var event = message.event || {};
    var what = message.type === "invoice.status_changed"
      ? statusLabel(event.to_status || message.invoice.status).toLowerCase()
      : (TOAST_TEXT[message.type] || "changed");
    var who = event.actor ? " by " + actorName(event.actor) : "";
    return message.invoice.invoice_number + ": " + what + who;
  }

  function handle(message) {
    if (!message || !message.invoice || typeof message.type !== "string" || message.type.indexOf("invoice.") !== 0) {
      return;
    }
    updateInvoice(message.invoice, message.type);
    if (page === "detail" && String(message.invoice.id) === root.getAttribute("data-invoice-id")) {
      appendToTimeline(message.event);
      if (message.type === "invoice.deleted") {
        reveal("deleted");
      } else {
        document.dispatchEvent(new CustomEvent("invoice-changed", { detail: message }));
      }
    }
    toast(toastText(message));
    document.dispatchEvent(new CustomEvent("invoice:message", { detail: message }));
  }

  window.BillingLiveSocket.open({ path: path, refused: REFUSED, onMessage: handle, onState: setState });
})();
