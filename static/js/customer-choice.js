// The invoice form's "New customer's name" field, only while "New customer…" is chosen
// in the customer select. The server renders the field visible, so without this script
// it simply stays there (and is ignored when a saved customer is chosen).
(function () {
  "use strict";

  var form = document.querySelector("[data-invoice-form]");
  if (!form) { return; }
  var select = form.querySelector("select[name='customer']");
  var field = form.querySelector("[data-new-customer-name]");
  if (!select || !field) { return; }

  function update() {
    field.hidden = select.value !== "";
  }

  // No focus move on change: arrow keys in a select fire it on every option.
  select.addEventListener("change", update);
  update();
})();
