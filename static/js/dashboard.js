// The dashboard, live: SVG charts drawn here, figures kept fresh by /ws/dashboard/.
//
// The server renders every figure (the charts' numbers are in tables under each chart),
// so the page reads without this script. The script draws the aging and monthly charts
// as inline SVG from the JSON the page embeds (the same shapes /api/v1/dashboard/ returns),
// redraws them when their box changes width, and listens on /ws/dashboard/: each
// {"type": "dashboard.metrics", "metrics": {...}} message updates the key figure cards and
// status counts in place, then the charts, top customers and activity are fetched again
// from the API with the session cookie. The socket rides on the session cookie too (the
// server checks the Origin), and reconnects with exponential backoff (1 s doubling to
// 30 s, with jitter) unless the server refused us for good (4401, 4403).
// Everything from the server is written with textContent, never as HTML.
(function () {
  "use strict";

  var root = document.querySelector("[data-dashboard]");
  if (!root) { return; }

  var SVG = "http://www.w3.org/2000/svg";
  var REFUSED = { 4401: "sign in again to get live updates", 4403: "not allowed" };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var text = readJson("dashboard-text") || { statuses: {} };

  // --- formatting ----------------------------------------------------------------------

  // "1234.50" -> "1,234.50", as invoices/money.py format_money prints it (static/js/money.js).
  var money = window.InvoiceMoney.groupAmount;

  function counted(count, singular, plural) {
    return count + " " + (Number(count) === 1 ? singular : plural);
  }

  function format(spec, value) {
    if (spec === "money") { return money(value); }
    if (spec === "days") { return value == null ? "—" : value + " days"; }
    if (spec && spec.indexOf("count:") === 0) {
      var nouns = spec.slice(6).split(",");
      return counted(value, nouns[0], nouns[1]);
    }
    return String(value);
  }

  function pick(object, path) {
    return path.split(".").reduce(function (found, key) { return found == null ? found : found[key]; }, object);
  }

  function monthLabel(key, long) {
    var parts = key.split("-");
    var index = Number(parts[1]) - 1;
    return (long ? MONTH_NAMES[index] : MONTHS[index]) + " " + parts[0];
  }

  // Axis labels: 1500 -> "1.5k", 2000000 -> "2M".
  function compact(value) {
    var abs = Math.abs(value);
    if (abs >= 1e6) { return trim(value / 1e6) + "M"; }
    if (abs >= 1e3) { return trim(value / 1e3) + "k"; }
    return trim(value);
  }

  function trim(value) { return String(Math.round(value * 10) / 10); }

  // A round step for about `count` gridlines over 0..max.
  function niceStep(max, count) {
    var raw = max / count;
    var magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i += 1) {
      if (raw <= steps[i] * magnitude) { return steps[i] * magnitude; }
    }
    return 10 * magnitude;
  }

  function element(name, attributes, content) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (content != null) { node.textContent = content; }
    return node;
  }

  function svgElement(name, attributes, content) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (content != null) { node.textContent = content; }
    return node;
  }

  function flash(node) {
    node.classList.add("is-changed");
    window.setTimeout(function () { node.classList.remove("is-changed"); }, 700);
  }

  function setText(node, value) {
    if (node.textContent !== value) {
      node.textContent = value;
      flash(node);
    }
  }

  // --- charts --------------------------------------------------------------------------

  function drawAging(drawing, row) {
    var width = Math.max(260, Math.round(drawing.clientWidth));
    var narrow = width < 420;
    var labelWidth = narrow ? 80 : 86;
    var valueWidth = narrow ? 92 : 128;
    var rowHeight = 32;
    var barHeight = 18;
    var track = Math.max(40, width - labelWidth - valueWidth);
    var amounts = row.buckets.map(function (bucket) { return parseFloat(bucket.amount); });
    var max = Math.max.apply(null, amounts.concat([0]));
    var height = row.buckets.length * rowHeight;
    var svg = svgElement("svg", {
      viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img",
      "aria-label": "Bar chart of unpaid " + row.currency + " balances by days past due: " + row.buckets.map(
        function (bucket) { return bucket.label + " " + money(bucket.amount) + " on " + counted(bucket.count, "invoice", "invoices"); }
      ).join("; ") + ". The figures are also in the table below."
    });
    row.buckets.forEach(function (bucket, index) {
      var top = index * rowHeight;
      var middle = top + rowHeight / 2;
      var group = svgElement("g", { "aria-hidden": "true" });
      group.appendChild(svgElement("title", {}, bucket.label + ": " + money(bucket.amount) + " " + row.currency
        + " on " + counted(bucket.count, "invoice", "invoices")));
      group.appendChild(svgElement("text", { x: 0, y: middle, "dominant-baseline": "central", "font-size": 13 }, bucket.label));
      group.appendChild(svgElement("rect", {
        "class": "bar-track", x: labelWidth, y: middle - barHeight / 2, width: track, height: barHeight, rx: 3
      }));
      var length = max > 0 ? Math.max(amounts[index] > 0 ? 3 : 0, amounts[index] / max * track) : 0;
      if (length > 0) {
        group.appendChild(svgElement("rect", {
          "class": "bar bar--" + bucket.bucket, x: labelWidth, y: middle - barHeight / 2, width: length,
          height: barHeight, rx: 3
        }));
      }
      group.appendChild(svgElement("text", {
        x: labelWidth + track + 8, y: middle, "dominant-baseline": "central", "font-size": 13,
        "font-weight": amounts[index] > 0 ? 600 : 400, "class": amounts[index] > 0 ? "" : "chart-muted"
      }, money(bucket.amount) + (narrow ? "" : " (" + bucket.count + ")")));
      svg.appendChild(group);
    });
    return svg;
  }

  function drawRevenue(drawing, row) {
    var width = Math.max(260, Math.round(drawing.clientWidth));
    var height = 230;
    var left = 44;
    var bottom = 36;
    var top = 10;
    var plotWidth = width - left - 4;
    var plotHeight = height - top - bottom;
    var months = row.months;
    var values = [];
    months.forEach(function (month) { values.push(parseFloat(month.invoiced), parseFloat(month.paid)); });
    var max = Math.max.apply(null, values.concat([0]));
    var step = max > 0 ? niceStep(max, 4) : 1;
    var ceiling = max > 0 ? Math.ceil(max / step) * step : 4;
    var slot = plotWidth / months.length;
    var barWidth = Math.max(2, Math.min(16, (slot - 6) / 2));
    var everyOther = slot < 34;
    var svg = svgElement("svg", {
      viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img",
      "aria-label": "Bar chart of " + row.currency + " invoiced and paid per month, " + monthLabel(months[0].month, true)
        + " to " + monthLabel(months[months.length - 1].month, true) + ": " + money(row.total_invoiced) + " invoiced and "
        + money(row.total_paid) + " paid in total. The monthly figures are also in the table below."
    });
    var axis = svgElement("g", { "aria-hidden": "true" });
    for (var tick = 0; tick <= ceiling + step / 2; tick += step) {
      var y = top + plotHeight - tick / ceiling * plotHeight;
      axis.appendChild(svgElement("line", { "class": tick === 0 ? "chart-axis" : "chart-grid", x1: left, x2: width - 4, y1: y, y2: y }));
      axis.appendChild(svgElement("text", {
        x: left - 6, y: y, "text-anchor": "end", "dominant-baseline": "central", "font-size": 11, "class": "chart-muted"
      }, compact(tick)));
    }
    svg.appendChild(axis);
    var labelledYear = null;
    months.forEach(function (month, index) {
      var centre = left + slot * index + slot / 2;
      var group = svgElement("g", { "aria-hidden": "true" });
      group.appendChild(svgElement("title", {}, monthLabel(month.month, true) + ": " + money(month.invoiced) + " "
        + row.currency + " invoiced, " + money(month.paid) + " " + row.currency + " paid"));
      [["invoiced", centre - barWidth - 1], ["paid", centre + 1]].forEach(function (bar) {
        var amount = parseFloat(month[bar[0]]);
        var barHeight = amount > 0 ? Math.max(2, amount / ceiling * plotHeight) : 0;
        group.appendChild(svgElement("rect", {
          "class": "bar bar--" + bar[0], x: bar[1], y: top + plotHeight - barHeight, width: barWidth, height: barHeight
        }));
      });
      // A transparent box over the whole month, so the tooltip shows wherever one points.
      group.appendChild(svgElement("rect", { x: centre - slot / 2, y: top, width: slot, height: plotHeight, fill: "transparent" }));
      var parts = month.month.split("-");
      // Narrow charts label every other month, always the latest; the year goes under the
      // first labelled month of each year.
      if (!everyOther || index % 2 === (months.length - 1) % 2) {
        group.appendChild(svgElement("text", {
          x: centre, y: height - bottom + 15, "text-anchor": "middle", "font-size": 11
        }, MONTHS[Number(parts[1]) - 1]));
        if (parts[0] !== labelledYear) {
          labelledYear = parts[0];
          group.appendChild(svgElement("text", {
            x: centre, y: height - bottom + 30, "text-anchor": "middle", "font-size": 11, "class": "chart-muted"
          }, parts[0]));
        }
      }
      svg.appendChild(group);
    });
    return svg;
  }

  var DRAW = { aging: drawAging, revenue: drawRevenue };

  function draw(drawing) {
    if (!drawing.chartRow || !drawing.clientWidth) { return; }
    drawing.chartWidth = drawing.clientWidth;
    drawing.replaceChildren(DRAW[drawing.chartKind](drawing, drawing.chartRow));
  }

  var resizes = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      if (Math.abs(entry.target.clientWidth - (entry.target.chartWidth || 0)) >= 1) { draw(entry.target); }
    });
  }) : null;

  function table(caption, headings, rows) {
    var wrap = element("div", { "class": "table-wrap" });
    var grid = element("table");
    grid.appendChild(element("caption", { "class": "visually-hidden" }, caption));
    var head = element("tr");
    headings.forEach(function (heading, index) {
      head.appendChild(element("th", { scope: "col", "class": index ? "num" : "" }, heading));
    });
    grid.appendChild(element("thead")).appendChild(head);
    var body = grid.appendChild(element("tbody"));
    rows.forEach(function (cells) {
      var line = body.appendChild(element("tr"));
      line.appendChild(element("th", { scope: "row" }, cells[0]));
      cells.slice(1).forEach(function (cell) { line.appendChild(element("td", { "class": "num" }, cell)); });
    });
    wrap.appendChild(grid);
    return wrap;
  }

  var FIGURES = {
    aging: function (row) {
      return {
        caption: row.currency + ": " + money(row.total.amount) + " unpaid on " + counted(row.total.count, "invoice", "invoices"),
        summary: "Aging figures for " + row.currency + " as a table",
        table: table("Unpaid balances in " + row.currency + " by days past due",
          ["Days past due", "Balance (" + row.currency + ")", "Invoices"],
          row.buckets.map(function (bucket) { return [bucket.label, money(bucket.amount), String(bucket.count)]; }))
      };
    },
    revenue: function (row) {
      return {
        caption: row.currency + ": " + money(row.total_invoiced) + " invoiced, " + money(row.total_paid) + " paid",
        summary: "Monthly figures for " + row.currency + " as a table",
        table: table("Invoiced and paid per month in " + row.currency,
          ["Month", "Invoiced (" + row.currency + ")", "Paid (" + row.currency + ")"],
          row.months.map(function (month) { return [month.month, money(month.invoiced), money(month.paid)]; }))
      };
    }
  };

  var EMPTY = {
    aging: "Nothing is waiting to be paid.",
    revenue: "Nothing sent or paid in the last " + (root.getAttribute("data-revenue-url").split("months=")[1] || "12")
      + " months."
  };

  // Rebuild a chart section from selector output, keeping open tables open.
  function renderCharts(kind, data) {
    var area = root.querySelector('[data-chart-section="' + kind + '"] [data-chart-area]');
    if (!area || !data) { return; }
    var open = {};
    area.querySelectorAll("figure[data-currency]").forEach(function (figure) {
      var details = figure.querySelector("details");
      open[figure.getAttribute("data-currency")] = Boolean(details && details.open);
    });
    var nodes = data.currencies.map(function (row) {
      var parts = FIGURES[kind](row);
      var figure = element("figure", { "class": "chart", "data-currency": row.currency });
      figure.appendChild(element("figcaption", { "class": "chart__caption" }, parts.caption));
      var drawing = figure.appendChild(element("div", { "class": "chart__drawing", "data-chart-drawing": "" }));
      drawing.chartKind = kind;
      drawing.chartRow = row;
      var details = figure.appendChild(element("details", { "class": "chart__table" }));
      details.open = Boolean(open[row.currency]);
      details.appendChild(element("summary", {}, parts.summary));
      details.appendChild(parts.table);
      return figure;
    });
    if (!nodes.length) { nodes = [element("p", { "class": "empty-note" }, EMPTY[kind])]; }
    area.querySelectorAll("[data-chart-drawing]").forEach(function (old) { if (resizes) { resizes.unobserve(old); } });
    area.replaceChildren.apply(area, nodes);
    area.querySelectorAll("[data-chart-drawing]").forEach(function (drawing) {
      draw(drawing);
      if (resizes) { resizes.observe(drawing); }
    });
  }

  // --- key figures ---------------------------------------------------------------------

  var groups = root.querySelector("[data-kpi-groups]");
  var template = root.querySelector("template[data-kpi-template]");

  function currencyGroup(currency) {
    var group = groups.querySelector('.kpi-group[data-currency="' + currency + '"]');
    if (group || !template) { return group; }
    group = template.content.firstElementChild.cloneNode(true);
    group.setAttribute("data-currency", currency);
    group.setAttribute("aria-labelledby", "kpi-title-" + currency);
    var title = group.querySelector("[data-currency-title]");
    title.id = "kpi-title-" + currency;
    title.textContent = currency;
    group.querySelectorAll("[data-currency-unit]").forEach(function (unit) { unit.textContent = currency; });
    return group;
  }

  function updateMetrics(metrics) {
    var seen = {};
    metrics.currencies.forEach(function (row) {
      var group = currencyGroup(row.currency);
      if (!group) { return; }
      seen[row.currency] = true;
      groups.appendChild(group); // in the server's order; an existing group just moves
      group.querySelectorAll("[data-metric]").forEach(function (node) {
        setText(node, format(node.getAttribute("data-format"), pick(row, node.getAttribute("data-metric"))));
      });
      group.querySelectorAll("[data-alert-when]").forEach(function (card) {
        card.classList.toggle("kpi--alert", Number(pick(row, card.getAttribute("data-alert-when"))) > 0);
      });
    });
    groups.querySelectorAll(".kpi-group[data-currency]").forEach(function (group) {
      if (!seen[group.getAttribute("data-currency")]) { group.remove(); }
    });
    var empty = root.querySelector("[data-kpi-empty]");
    if (empty) { empty.hidden = metrics.currencies.length > 0; }
    root.querySelectorAll('[data-metric="pending_approvals"]').forEach(function (node) {
      setText(node, String(metrics.pending_approvals));
    });
    root.querySelectorAll("[data-status-count]").forEach(function (node) {
      setText(node, String(metrics.counts_by_status[node.getAttribute("data-status-count")] || 0));
    });
    var asOf = root.querySelector("[data-as-of]");
    if (asOf && metrics.as_of) {
      asOf.setAttribute("datetime", metrics.as_of);
      asOf.textContent = metrics.as_of;
    }
  }

  // --- top customers and activity ------------------------------------------------------

  function link(pattern, id, label) {
    return element("a", { href: pattern.replace(/\/0\/$/, "/" + id + "/") }, label);
  }

  function renderCustomers(data) {
    var area = root.querySelector("[data-customers]");
    var pattern = root.getAttribute("data-customer-url");
    if (!area || !data) { return; }
    var nodes = data.currencies.map(function (group) {
      var wrap = element("div", { "class": "table-wrap" });
      // Stacked into cards on phones (css/stacked-tables.css): each value carries its heading.
      var grid = wrap.appendChild(element("table", { "class": "compact-table stacked-table", "data-currency": group.currency }));
      grid.appendChild(element("caption", {}, group.currency));
      var head = grid.appendChild(element("thead")).appendChild(element("tr"));
      var headings = ["Customer", "Balance", "Overdue", "Invoices"];
      headings.forEach(function (heading, index) {
        head.appendChild(element("th", { scope: "col", "class": index ? "num" : "" }, heading));
      });
      var body = grid.appendChild(element("tbody"));
      group.customers.forEach(function (row) {
        var line = body.appendChild(element("tr"));
        line.appendChild(element("th", { scope: "row" })).appendChild(link(pattern, row.customer.id, row.customer.name));
        [money(row.balance), money(row.overdue_balance), String(row.invoice_count)].forEach(function (cell, index) {
          line.appendChild(element("td", { "class": "num", "data-label": headings[index + 1] }, cell));
        });
      });
      return wrap;
    });
    if (!nodes.length) { nodes = [element("p", { "class": "empty-note" }, "No customer owes anything right now.")]; }
    area.replaceChildren.apply(area, nodes);
  }

  // The server words every event (invoices/events.py `event_text`) and sends the text along.
  function describe(event) {
    return event.text || String(event.transition || event.kind || "").replace(/_/g, " ");
  }

  function renderActivity(data) {
    var area = root.querySelector("[data-activity]");
    var pattern = root.getAttribute("data-invoice-url");
    if (!area || !data) { return; }
    if (!data.results.length) {
      area.replaceChildren(element("p", { "class": "empty-note" }, "Nothing has happened yet."));
      return;
    }
    var list = element("ol", { "class": "activity" });
    data.results.forEach(function (row) {
      var item = list.appendChild(element("li"));
      var what = item.appendChild(element("span", { "class": "activity__what" }));
      what.appendChild(link(pattern, row.invoice.id, row.invoice.invoice_number));
      what.appendChild(document.createTextNode(" " + describe(row.event)));
      var meta = item.appendChild(element("span", { "class": "activity__meta" }));
      meta.appendChild(document.createTextNode(row.invoice.customer_name + " · "));
      meta.appendChild(element("time", { datetime: row.event.at }, String(row.event.at).replace("T", " ").slice(0, 16)));
      if (row.event.actor) { meta.appendChild(document.createTextNode(" · by " + (row.event.actor.name || row.event.actor.username))); }
    });
    area.replaceChildren(list);
  }

  // --- refreshing from the API ---------------------------------------------------------

  var fetching = false;
  var fetchAgain = false;
  var note = root.querySelector("[data-refresh-note]");

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function refresh() {
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    fetchAgain = false;
    Promise.all(["data-aging-url", "data-revenue-url", "data-customers-url", "data-activity-url"].map(function (name) {
      return getJson(root.getAttribute(name));
    })).then(function (results) {
      renderCharts("aging", results[0]);
      renderCharts("revenue", results[1]);
      renderCustomers(results[2]);
      renderActivity(results[3]);
      if (note) { note.textContent = "Figures updated."; }
      root.setAttribute("data-refreshed", String(Date.now()));
    }).catch(function () {
      if (note) { note.textContent = "Some figures could not be refreshed; reload the page to see the latest."; }
    }).then(function () {
      fetching = false;
      if (fetchAgain) { refresh(); }
    });
  }

  // --- the socket ----------------------------------------------------------------------

  var status = root.querySelector("[data-live-status]");
  var socketPath = root.getAttribute("data-socket");
  var renderedMetrics = JSON.stringify(readJson("dashboard-metrics"));
  var firstMessage = true;

  function setState(state, label) {
    root.setAttribute("data-live-state", state);
    if (status) {
      status.setAttribute("data-state", state);
      status.textContent = label;
    }
  }

  function handle(message) {
    if (!message || message.type !== "dashboard.metrics" || !message.metrics) { return; }
    // The first push on connect usually repeats what the page was rendered with; the
    // charts are fetched again only if something changed since.
    var changed = !firstMessage || JSON.stringify(message.metrics) !== renderedMetrics;
    firstMessage = false;
    updateMetrics(message.metrics);
    if (changed) { refresh(); }
  }

  renderCharts("aging", readJson("dashboard-aging"));
  renderCharts("revenue", readJson("dashboard-revenue"));
  window.BillingLiveSocket.open({
    path: socketPath,
    refused: REFUSED,
    onMessage: handle,
    onState: setState,
    onResume: function () { firstMessage = false; }
  });
})();
