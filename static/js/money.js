// Money in the browser, exactly as invoices/money.py has it: the form's live totals and
// every amount a live update writes into a page.
//
// line_total = round(quantity x unit_price x (1 - discount/100), 2), line tax =
// round(line_total x tax_rate/100, 2), both rounded half up (away from zero) once per
// line; subtotal and tax are sums of rounded lines. Quantities and unit prices may have
// up to four places. Numbers are exact decimals held as BigInt (digits and a scale),
// never floats, so 1.005 rounds to 1.01 here just as Decimal does on the server.
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

  // "1234.50" (as the API and the live messages send money) -> "1,234.50", as
  // invoices/money.py format_money prints it on every page.
  function groupAmount(text) {
    var parts = String(text == null ? "0.00" : text).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  window.InvoiceMoney = {
    parseDecimal: parseDecimal, lineCents: lineCents, taxCents: taxCents, formatCents: formatCents,
    groupAmount: groupAmount
  };

})();
