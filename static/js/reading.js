// The reading list without page reloads. Progressive enhancement: every form here also works
// as a plain POST without JavaScript. Loaded once per page, however many "Save" forms it has.
(function () {
  if (window.redinkReading) return;
  window.redinkReading = true;

  // The page a visitor reaches after logging in to save an essay: a GET changes nothing, so
  // the form it shows is submitted here (its button does it without JavaScript).
  var pending = document.querySelector("form[data-autosubmit]");
  if (pending) {
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) pending.submit(); // not again on coming Back to it
    });
  }

  if (!window.fetch || !window.FormData) return;

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function label(button, word, rest) {
    button.textContent = word;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = rest;
    button.appendChild(hidden);
  }

  function showSaved(form, data) {
    var title = "“" + form.getAttribute("data-title") + "”";
    var button = form.querySelector("[data-save-button]");
    form.querySelector("[data-save-label]").hidden = !data.saved;
    if (data.action) form.action = data.action;
    if (data.saved) label(button, "Remove", " " + title + " from your reading list");
    else label(button, "Save", " " + title + " to your reading list");
    form.querySelector("[data-save-status]").textContent = data.message;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var status;
    if (form.matches("form[data-save-form]")) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      status = form.querySelector("[data-save-status]");
      post(form)
        .then(function (data) { showSaved(form, data); })
        .catch(function () { status.textContent = "That did not work just now. Please try again."; })
        .then(function () { form.removeAttribute("aria-busy"); });
    } else if (form.matches("form[data-note-form]")) {
      event.preventDefault();
      status = form.querySelector("[data-note-status]");
      status.textContent = "Saving…";
      post(form)
        .then(function (data) { status.textContent = data.message; })
        .catch(function () { status.textContent = "Your note was not saved. Please try again."; });
    }
  });
})();
