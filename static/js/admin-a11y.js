/* The back office's two-box "filter" selects (groups, permissions) label their search boxes
   with an icon <span aria-label>, which assistive technology ignores without a role: give it
   role="img" once Django's SelectFilter2 has built them. SelectFilter2 builds them in its own
   window "load" listener, which the form's media adds after this file, so the fix waits for
   every load listener to have run. */
window.addEventListener("load", function () {
  "use strict";
  window.setTimeout(function () {
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
