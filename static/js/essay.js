// Counts a reading with a small uncached request, so pages served from a shared cache
// still count. Progressive enhancement: without JavaScript nothing else changes. The session
// cookie goes with it (sendBeacon always sends same-site cookies), so a signed-in reader's
// reading history records the essay.
(function () {
  var article = document.querySelector("article[data-read-url]");
  if (!article) return;
  var url = article.getAttribute("data-read-url");
  if (navigator.sendBeacon) {
    navigator.sendBeacon(url);
  } else if (window.fetch) {
    fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" });
  }
})();
