// The invoice form's item table: add and remove lines, and live line totals, tax and
// total that equal the server's to the cent.
//
// The arithmetic is static/js/money.js, which mirrors invoices/money.py exactly.
(function () {
  "use strict";

  var money = window.InvoiceMoney;
  var parseDecimal = money.parseDecimal, lineCents = money.lineCents, taxCents = money.taxCents;
  var formatCents = money.formatCents;

  var form = document.querySelector("[data-invoice-form]");
  if (!form) { return; }
  var rows = form.querySelector("[data-item-rows]");
  var template = form.querySelector("[data-item-row-template]");
  var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
  var prefix = totalForms.name.replace(/-TOTAL_FORMS$/, "");
  var expectedTotal = form.querySelector("input[name='expected_total']");
  var currency = form.querySelector("select[name='currency']");
  var currencyLabel = form.querySelector("[data-currency-label]");
  var announcer = form.querySelector("[data-items-announcer]");
  var warning = form.querySelector("[data-totals-warning]");
  var fieldPattern = new RegExp("^(id_)?" + prefix + "-(\\d+|__prefix__)-");

  function field(row, name) { return row.querySelector("[name$='-" + name + "']"); }

  function rowAmounts(row) {
    var description = field(row, "description").value.trim();
    var priceText = field(row, "unit_price").value.trim();
    if (!description && !priceText) { return { blank: true }; } // dropped by the server too
    var quantity = parseDecimal(field(row, "quantity").value, false);
    var price = parseDecimal(priceText, false);
    var discount = parseDecimal(field(row, "discount_percent").value, true);
    var tax = parseDecimal(field(row, "tax_rate").value, true);
    if (!quantity || !price || !discount || !tax) { return { blank: false, valid: false }; }
    var total = lineCents(quantity, price, discount);
    var lineTax = taxCents(total, tax);
    // Below zero (a negative number, a discount over 100 %): the server will not save it.
    if (total < 0n || lineTax < 0n) { return { blank: false, valid: false, negative: true, total: total }; }
    return { blank: false, valid: true, total: total, tax: lineTax };
  }

  // Says which lines the totals leave out and why, instead of a total that silently
  // goes below zero or ignores a line; saving then shows the service's message on each.
  function showWarning(belowZero, notNumbers) {
    if (!warning) { return; }
    function lines(numbers) { return (numbers.length > 1 ? "lines " : "line ") + numbers.join(", "); }
    var parts = [];
    if (belowZero.length) { parts.push(lines(belowZero) + " (below zero)"); }
    if (notNumbers.length) { parts.push(lines(notNumbers) + " (a value is not a number)"); }
    warning.hidden = parts.length === 0;
    warning.textContent = parts.length ? "Not in the totals: " + parts.join("; ") + ". Saving will say what to fix." : "";
  }

  function recalculate() {
    var subtotal = 0n;
    var taxTotal = 0n;
    var complete = true;
    var belowZero = [];
    var notNumbers = [];
    rows.querySelectorAll("[data-item-row]").forEach(function (row, index) {
      var amounts = rowAmounts(row);
      var output = row.querySelector("[data-line-total]");
      if (amounts.blank || !amounts.valid) {
        output.textContent = amounts.negative ? formatCents(amounts.total, true) : "—";
        if (!amounts.blank) {
          complete = false;
          (amounts.negative ? belowZero : notNumbers).push(index + 1);
        }
        return;
      }
      output.textContent = formatCents(amounts.total, true);
      subtotal += amounts.total;
      taxTotal += amounts.tax;
    });
    showWarning(belowZero, notNumbers);
    form.querySelector("[data-subtotal]").textContent = formatCents(subtotal, true);
    form.querySelector("[data-tax]").textContent = formatCents(taxTotal, true);
    form.querySelector("[data-total]").textContent = formatCents(subtotal + taxTotal, true);
    // Sent only when every filled line could be computed: the server then refuses to save
    // a total other than the one the user saw.
    expectedTotal.value = complete ? formatCents(subtotal + taxTotal, false) : "";
    if (currency && currencyLabel) { currencyLabel.textContent = currency.value; }
  }

  function renumber() {
    var all = rows.querySelectorAll("[data-item-row]");
    all.forEach(function (row, index) {
      var number = String(index + 1);
      row.querySelectorAll("[name], [id], label[for], output[for]").forEach(function (element) {
        ["name", "id"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) { element.setAttribute(attribute, value.replace(fieldPattern, "$1" + prefix + "-" + index + "-")); }
        });
        var target = element.getAttribute("for"); // one id on a label, several on an output
        if (target) {
          element.setAttribute("for", target.split(" ").map(function (part) {
            return part.replace(fieldPattern, "$1" + prefix + "-" + index + "-");
          }).join(" "));
        }
      });
      row.querySelector("[data-line-number]").textContent = number;
      row.querySelectorAll("[data-line-label]").forEach(function (label) {
        label.textContent = label.textContent.replace(/^Line (\d+|__num__)/, "Line " + number);
      });
      row.querySelector("[data-line-total]").setAttribute("aria-label", "Line " + number + " total");
      row.querySelector("[data-remove-line]").setAttribute("aria-label", "Remove line " + number);
    });
    totalForms.value = String(all.length);
  }

  function announce(text) { if (announcer) { announcer.textContent = text; } }

  function addLine() {
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector("[data-item-row]");
    rows.appendChild(fragment);
    renumber();
    recalculate();
    field(row, "description").focus();
    announce("Line " + rows.querySelectorAll("[data-item-row]").length + " added.");
  }

  function removeLine(row) {
    var all = Array.prototype.slice.call(rows.querySelectorAll("[data-item-row]"));
    var index = all.indexOf(row);
    if (all.length === 1) {
      // Keep one line to type into; emptying it is the same as removing it.
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      field(row, "quantity").value = "1";
      field(row, "discount_percent").value = "0";
      field(row, "tax_rate").value = "0";
      field(row, "description").focus();
    } else {
      row.remove();
      renumber();
      var remaining = rows.querySelectorAll("[data-item-row]");
      var next = remaining[Math.min(index, remaining.length - 1)];
      next.querySelector("[data-remove-line]").focus();
    }
    recalculate();
    announce("Line " + (index + 1) + " removed.");
  }

  form.querySelector("[data-add-line]").addEventListener("click", addLine);
  rows.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-line]");
    if (button) { removeLine(button.closest("[data-item-row]")); }
  });
  form.addEventListener("input", recalculate);
  form.addEventListener("change", recalculate);
  renumber();
  recalculate();
})();
