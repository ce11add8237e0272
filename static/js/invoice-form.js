// The invoice form's item table: add and remove lines, and live line totals, tax and
// total that equal the server's to the cent.
//
// It mirrors invoices/money.py exactly: line_total = round(quantity x unit_price x
// (1 - discount/100), 2), line tax = round(line_total x tax_rate/100, 2), both rounded
// half up (away from zero) once per line; subtotal and tax are sums of rounded lines.
// Numbers are exact decimals held as BigInt (digits and a scale), never floats, so
// 1.005 rounds to 1.01 here just as Decimal does on the server.
(function () {
  "use strict";

  var DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

  // "12.50" -> {m: 1250n, s: 2}; "" -> zero when `blankIsZero`, else null; junk -> null.
  function parseDecimal(text, blankIsZero) {
    var value = String(text == null ? "" : text).trim();
    if (value === "") { return blankIsZero ? { m: 0n, s: 0 } : null; }
    var match = DECIMAL.exec(value);
    if (!match || (match[2] === "" && !match[3])) { return null; }
    var fraction = match[3] || "";
    var digits = BigInt((match[2] || "0") + fraction);
    return { m: match[1] === "-" ? -digits : digits, s: fraction.length };
  }

  function pow10(n) { return 10n ** BigInt(n); }

  // num/den rounded to an integer, half away from zero (Python's ROUND_HALF_UP); den > 0.
  function roundHalfUp(num, den) {
    var negative = num < 0n;
    var magnitude = negative ? -num : num;
    var rounded = (2n * magnitude + den) / (2n * den);
    return negative ? -rounded : rounded;
  }

  // Cents of quantity x unit_price x (1 - discount/100).
  function lineCents(quantity, unitPrice, discount) {
    var keep = 100n * pow10(discount.s) - discount.m; // (100 - discount), scaled by 10^discount.s
    var numerator = quantity.m * unitPrice.m * keep * 100n;
    var denominator = pow10(quantity.s + unitPrice.s + discount.s) * 100n;
    return roundHalfUp(numerator, denominator);
  }

  // Cents of line_total x tax_rate / 100, from the line total in cents.
  function taxCents(lineTotalCents, taxRate) {
    return roundHalfUp(lineTotalCents * taxRate.m, pow10(taxRate.s) * 100n);
  }

  // 123456n -> "1,234.56" (grouped, for people) or "1234.56" (plain, as the API sends money).
  function formatCents(cents, grouped) {
    var negative = cents < 0n;
    var magnitude = negative ? -cents : cents;
    var units = (magnitude / 100n).toString();
    var fraction = (magnitude % 100n).toString().padStart(2, "0");
    if (grouped) { units = units.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
    return (negative ? "-" : "") + units + "." + fraction;
  }

  // Expose the arithmetic for anyone who wants to check it from the console or a test.
  window.InvoiceMoney = { parseDecimal: parseDecimal, lineCents: lineCents, taxCents: taxCents, formatCents: formatCents };

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
    return { blank: false, valid: true, total: total, tax: taxCents(total, tax) };
  }

  function recalculate() {
    var subtotal = 0n;
    var taxTotal = 0n;
    var complete = true;
    rows.querySelectorAll("[data-item-row]").forEach(function (row) {
      var amounts = rowAmounts(row);
      var output = row.querySelector("[data-line-total]");
      if (amounts.blank || !amounts.valid) {
        output.textContent = "—";
        if (!amounts.blank) { complete = false; }
        return;
      }
      output.textContent = formatCents(amounts.total, true);
      subtotal += amounts.total;
      taxTotal += amounts.tax;
    });
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
