/* Tables too wide for the screen scroll sideways inside their `.table-wrap`. A keyboard user
   can only scroll what can take focus, so a wrapper that actually overflows becomes a named,
   focusable region (named after its table's caption, or the heading of its section); one that
   fits stays out of the tab order. Rechecked when the window is resized. */
(function () {
  "use strict";

  function regionName(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var table = wrap.querySelector("table[aria-label]");
    if (table) return table.getAttribute("aria-label");
    var section = wrap.closest("section, .card");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "Table";
  }

  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", regionName(wrap) + " (scrolls sideways)");
        wrap.dataset.scrollRegion = "";
      } else if (!scrolls && wrap.dataset.scrollRegion !== undefined) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        delete wrap.dataset.scrollRegion;
      }
    });
  }

  var pending = null;
  function schedule() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () {
      pending = null;
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", schedule);
  window.addEventListener("load", update);
  // Rows added or replaced live (the detail page, the list) can make a table overflow later.
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
})();
