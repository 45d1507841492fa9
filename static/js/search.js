// Title suggestions for every search box that names a suggestion endpoint. Without
// JavaScript the boxes are plain GET forms and still work.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input[data-suggest-url]");
  Array.prototype.forEach.call(boxes, function (input, n) {
    var url = input.getAttribute("data-suggest-url");
    var list = document.createElement("ul");
    var listId = "suggestions-" + n;
    var status = document.createElement("div");
    var timer = null, items = [], active = -1, lastQuery = "";
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Essay titles");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.parentNode.style.position = "relative";
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    }
    function render(suggestions) {
      list.innerHTML = "";
      items = suggestions.map(function (s, i) {
        // An option holds only text (a link inside it would be a control inside a control); a
        // click or Enter on it goes to the essay.
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-href", s.url);
        li.textContent = s.title;
        list.appendChild(li);
        return li;
      });
      status.textContent = items.length ? items.length + " suggestions. Use the arrow keys to choose." : "";
      if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else { close(); }
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { render([]); return; }
      if (q === lastQuery) return;
      lastQuery = q;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
        .catch(function () { render([]); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].getAttribute("data-href"); }
      else if (e.key === "Escape") { close(); }
    });
    list.addEventListener("click", function (e) {
      var option = e.target.closest("[role=option]");
      if (option) window.location.href = option.getAttribute("data-href");
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  });
})();
