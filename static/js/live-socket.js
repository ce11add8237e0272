/* One live WebSocket for a page: connect with the session cookie, ping, reconnect with
 * exponential backoff and jitter, stop on refusals, and come back after the back/forward
 * cache. Pages pass what to do with each message and how to show the connection state:
 *
 *   BillingLiveSocket.open({
 *     path: "/ws/invoices/",
 *     refused: { 4401: "sign in again to get live updates" },
 *     onMessage: function (message) { ... },        // parsed JSON, pongs filtered out
 *     onState: function (state, label) { ... },     // connecting | open | reconnecting | closed
 *     onResume: function () { ... }                 // optional: the page came back from the cache
 *   });
 */
(function () {
  "use strict";

  var PING_EVERY_MS = 25000;
  var MAX_DELAY_MS = 30000;

  function open(options) {
    var refused = options.refused || {};
    var socket = null;
    var attempts = 0;
    var pingTimer = null;
    var retryTimer = null;
    var leaving = false;

    function setState(state, label) {
      if (options.onState) { options.onState(state, label); }
    }

    function stopPinging() {
      if (pingTimer) { window.clearInterval(pingTimer); pingTimer = null; }
    }

    function scheduleReconnect() {
      var delay = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, attempts));
      delay = Math.round(delay * (0.8 + Math.random() * 0.4));
      attempts += 1;
      setState("reconnecting", "Reconnecting for live updates…");
      retryTimer = window.setTimeout(connect, delay);
    }

    function connect() {
      retryTimer = null;
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      try {
        socket = new WebSocket(scheme + window.location.host + options.path);
      } catch (error) {
        scheduleReconnect();
        return;
      }
      socket.addEventListener("open", function () {
        attempts = 0;
        setState("open", "Live");
        pingTimer = window.setInterval(function () {
          if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify({ type: "ping" })); }
        }, PING_EVERY_MS);
      });
      socket.addEventListener("message", function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (message && message.type === "pong") { return; }
        options.onMessage(message);
      });
      socket.addEventListener("close", function (event) {
        stopPinging();
        socket = null;
        if (leaving) { return; }
        if (refused[event.code]) {
          setState("closed", "No live updates: " + refused[event.code]);
          return;
        }
        scheduleReconnect();
      });
    }

    window.addEventListener("pagehide", function () {
      leaving = true;
      stopPinging();
      if (retryTimer) { window.clearTimeout(retryTimer); }
      if (socket) { socket.close(1000); }
    });
    window.addEventListener("pageshow", function (event) {
      // Back/forward cache: the page comes back without its socket, and maybe stale.
      if (event.persisted && leaving) {
        leaving = false;
        attempts = 0;
        if (options.onResume) { options.onResume(); }
        connect();
      }
    });

    if (!("WebSocket" in window) || !options.path) {
      setState("closed", "No live updates in this browser");
      return;
    }
    setState("connecting", "Connecting for live updates…");
    connect();
  }

  window.BillingLiveSocket = { open: open };
})();
