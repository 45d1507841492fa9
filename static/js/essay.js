// Counts a reading with a small uncached request, so pages served from a shared cache
// still count. Progressive enhancement: without JavaScript nothing else changes.
(function () {
  var article = document.querySelector("article[data-read-url]");
  if (!article) return;
  var url = article.getAttribute("data-read-url");
  if (navigator.sendBeacon) {
    navigator.sendBeacon(url);
  } else if (window.fetch) {
    fetch(url, { method: "POST", keepalive: true, credentials: "omit" });
  }
})();
