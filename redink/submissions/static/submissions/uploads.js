// "My uploads": while an upload is still being processed or reviewed, ask the server for the
// statuses every few seconds and update the table in place. Without JavaScript, a reload does it.
(function () {
  "use strict";
  var table = document.getElementById("uploads");
  if (!table || !window.fetch) return;
  var url = table.getAttribute("data-status-url");
  var delay = 3000, maxDelay = 30000;

  function pending() {
    return table.querySelectorAll("tr[data-upload][data-final='0']").length > 0;
  }

  function update(upload) {
    var row = table.querySelector("tr[data-upload='" + upload.id + "']");
    if (!row) return;
    var badge = row.querySelector(".status");
    if (badge && badge.textContent !== upload.label) {
      badge.textContent = upload.label;
      badge.className = "status status-" + upload.status;
    }
    var reason = row.querySelector(".reason");
    if (reason && reason.textContent !== upload.reason) reason.textContent = upload.reason;
    var title = row.querySelector(".upload-title");
    if (upload.url && title && title.tagName !== "A") {
      var link = document.createElement("a");
      link.className = "upload-title";
      link.href = upload.url;
      link.textContent = title.textContent;
      title.parentNode.replaceChild(link, title);
    }
    row.setAttribute("data-final", upload.final ? "1" : "0");
  }

  function poll() {
    if (!pending()) return;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        data.uploads.forEach(update);
        delay = 3000;
      })
      .catch(function () { delay = Math.min(delay * 2, maxDelay); })
      .then(function () { if (pending()) window.setTimeout(poll, delay); });
  }

  window.setTimeout(poll, 1500);
})();
