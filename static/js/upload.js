/* The upload page: post the chosen (or dropped) files to the upload API with the session,
 * then follow the batch's socket and show each document's stage, progress and outcome.
 * The socket first sends where every task stands, so a fast worker is never missed. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  var input = document.getElementById("upload-files");
  var zone = document.getElementById("drop-zone");
  var errorBox = document.getElementById("upload-error");
  var rows = document.querySelector("#upload-tasks tbody");
  var connection = document.getElementById("upload-connection");
  var dropped = null;
  var STAGES = { read: "Reading", extract: "Extracting", validate: "Checking", save: "Saving", complete: "Done" };

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function describe(body) {
    if (!body) { return "The upload failed."; }
    if (body.detail) { return body.detail; }
    return Object.keys(body).map(function (key) { return key + ": " + [].concat(body[key]).join(" "); }).join("; ");
  }

  function cell(row, index) { return row.children[index]; }

  function addRow(task, name) {
    var row = document.createElement("tr");
    row.dataset.taskId = task.task_id;
    ["", "Queued", "", ""].forEach(function (text) {
      var td = document.createElement("td");
      td.textContent = text;
      row.appendChild(td);
    });
    cell(row, 0).textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Progress of " + name);
    cell(row, 2).appendChild(bar);
    rows.appendChild(row);
  }

  function update(message) {
    var row = rows.querySelector('tr[data-task-id="' + message.task_id + '"]');
    if (!row) { return; }
    cell(row, 1).textContent = STAGES[message.stage] || message.stage || "Queued";
    cell(row, 2).querySelector("progress").value = message.progress;
    var result = cell(row, 3);
    if (message.type === "complete" && message.result) {
      result.textContent = "";
      if (message.result.invoice_id) {
        var link = document.createElement("a");
        link.href = "/invoices/" + message.result.invoice_id + "/";
        link.textContent = "Draft invoice " + ((message.result.structured_data || {}).invoice_number || "");
        result.appendChild(link);
        row.dataset.outcome = "saved";
      } else {
        result.textContent = message.result.message || "Needs review";
        row.dataset.outcome = "needs_review";
      }
    } else if (message.type === "error") {
      result.textContent = message.error || "Processing failed";
      row.dataset.outcome = "failed";
    }
  }

  function follow(body) {
    window.BillingLiveSocket.open({
      path: body.websocket.batch,
      refused: { 4401: "sign in again to follow the upload", 4403: "not yours", 4404: "the upload is gone" },
      onMessage: update,
      onState: function (state, label) { connection.textContent = label; }
    });
  }

  function chosenFiles() {
    return dropped && dropped.length ? dropped : input.files;
  }

  zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("drop-zone--over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("drop-zone--over"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("drop-zone--over");
    dropped = event.dataTransfer.files;
    zone.querySelector("label").textContent = dropped.length + " file(s) ready to upload";
  });
  input.addEventListener("change", function () { dropped = null; });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    showError("");
    var files = chosenFiles();
    if (!files || !files.length) { showError("Choose at least one file."); return; }
    var data = new FormData();
    var names = [];
    Array.prototype.forEach.call(files, function (file) { data.append("files", file); names.push(file.name); });
    data.append("auto_save", document.getElementById("upload-auto-save").checked ? "true" : "false");
    data.append("confidence_threshold", document.getElementById("upload-threshold").value || "0.8");
    fetch("/api/v1/invoices/upload/", {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; },
                                   function () { return { ok: false, body: null }; });
    }).then(function (answer) {
      if (!answer.ok) { showError(describe(answer.body)); return; }
      answer.body.tasks.forEach(function (task, index) { addRow(task, names[index] || task.file_id); });
      follow(answer.body);
      form.reset();
      dropped = null;
    }, function () { showError("The upload could not reach the server."); });
  });
})();
