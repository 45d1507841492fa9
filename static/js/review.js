// The review form's helpers. Without JavaScript the form works as it is: the server adds up
// the marks, and "Insert" sends the form so the server adds the comment to "What would lift it
// to the next grade". With it, the total follows the marks as they are typed, the mark band a
// mark falls in is picked out, and "Insert" puts the comment at the cursor of the feedback box
// the teacher was last in, without leaving the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-review-form]");
  if (!form) return;

  // --- Stars: say the chosen rating in words beside the stars.
  var words = form.querySelector("[data-star-words]");
  function showStarWords() {
    if (!words) return;
    var checked = form.querySelector(".star-picker input:checked");
    var label = checked && form.querySelector('label[for="' + checked.id + '"]');
    words.textContent = label ? label.title.charAt(0).toUpperCase() + label.title.slice(1) : "";
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "stars") showStarWords();
  });
  showStarWords();

  // --- Marks: the sum, and the band each mark falls in.
  var sumOutput = form.querySelector("#marks-sum");
  var markInputs = Array.prototype.slice.call(form.querySelectorAll("input.mark-input"));
  function markValue(input) {
    var text = input.value.trim();
    if (!/^\d+$/.test(text)) return null;
    return parseInt(text, 10);
  }
  function showBand(input) {
    var row = input.closest(".objective-row");
    if (!row) return;
    var value = markValue(input);
    var bands = row.querySelectorAll(".band-ladder li");
    Array.prototype.forEach.call(bands, function (band) {
      var low = parseInt(band.getAttribute("data-low"), 10);
      var high = parseInt(band.getAttribute("data-high"), 10);
      var fits = value !== null && value >= low && value <= high;
      band.classList.toggle("band-current", fits);
      if (fits) band.setAttribute("aria-current", "true");
      else band.removeAttribute("aria-current");
    });
    var max = parseInt(input.getAttribute("data-max"), 10);
    input.classList.toggle("mark-over", value !== null && value > max);
  }
  function showSum() {
    if (!sumOutput) return;
    var total = 0;
    var any = false;
    markInputs.forEach(function (input) {
      var value = markValue(input);
      if (value !== null) {
        total += value;
        any = true;
      }
    });
    var outOf = sumOutput.getAttribute("data-out-of");
    sumOutput.textContent = any ? total + " out of " + outOf : "no marks given yet";
  }
  markInputs.forEach(function (input) {
    input.addEventListener("input", function () {
      showBand(input);
      showSum();
    });
    showBand(input);
  });
  showSum();

  // --- The comment bank.
  var bank = document.querySelector("[data-bank]");
  if (!bank) return;
  var status = bank.querySelector("[data-bank-status]");
  var targets = Array.prototype.slice.call(form.querySelectorAll("textarea[data-bank-target]"));
  var lastTarget = form.querySelector('textarea[data-bank-target="next_steps"]') || targets[0];
  var selection = { start: null, end: null };
  targets.forEach(function (area) {
    area.addEventListener("focus", function () {
      lastTarget = area;
    });
    // Remember the selection as the box loses focus: pressing a button elsewhere moves focus.
    area.addEventListener("blur", function () {
      selection = { start: area.selectionStart, end: area.selectionEnd, area: area };
    });
  });

  function say(message) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function fieldName(area) {
    var label = form.querySelector('label[for="' + area.id + '"]');
    return label ? label.textContent.trim() : "the feedback";
  }

  function insertAtCursor(area, text) {
    var value = area.value;
    var remembered = selection.area === area && selection.start !== null;
    var start = remembered ? selection.start : value.length;
    var end = remembered ? selection.end : value.length;
    var before = value.slice(0, start);
    var after = value.slice(end);
    // Keep the comment apart from the words around it.
    if (before && !/\s$/.test(before)) before += start === value.length ? "\n\n" : " ";
    if (after && !/^\s/.test(after)) text += " ";
    area.value = before + text + after;
    var cursor = before.length + text.length;
    area.focus();
    area.setSelectionRange(cursor, cursor);
    selection = { start: cursor, end: cursor, area: area };
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  bank.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="insert"]');
    if (!button || !lastTarget) return;
    event.preventDefault();
    var item = button.closest("li");
    var text = item.querySelector("[data-bank-text]").textContent;
    insertAtCursor(lastTarget, text);
    say("Comment inserted into “" + fieldName(lastTarget) + "”.");
  });

  // Show only the comments for one objective (or the general ones).
  var filterBox = bank.querySelector("[data-bank-filter]");
  var filter = filterBox && filterBox.querySelector("select");
  function applyFilter() {
    var wanted = filter.value;
    var shown = 0;
    Array.prototype.forEach.call(bank.querySelectorAll("[data-bank-list] li"), function (item) {
      var visible = wanted === "*" || item.getAttribute("data-code") === wanted;
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    return shown;
  }
  if (filter) {
    filterBox.hidden = false;
    filter.addEventListener("change", applyFilter);
  }

  // Save the text selected in a feedback box as a new bank comment.
  var saveBox = bank.querySelector("[data-bank-save]");
  var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
  if (saveBox && window.fetch && token) {
    saveBox.hidden = false;
    saveBox.querySelector("button").addEventListener("click", function () {
      var area = selection.area || lastTarget;
      var chosen = area && selection.area === area ? area.value.slice(selection.start, selection.end).trim() : "";
      if (!chosen) {
        say("Select some of the text you wrote in a feedback box first.");
        return;
      }
      var body = new FormData();
      body.append("text", chosen);
      body.append("csrfmiddlewaretoken", token.value);
      fetch(bank.getAttribute("data-bank-url"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            say("The comment could not be saved.");
            return;
          }
          addToList(result.data);
          say("Saved to your comment bank.");
        })
        .catch(function () {
          say("The comment could not be saved: check your connection and try again.");
        });
    });
  }

  function addToList(comment) {
    var list = bank.querySelector("[data-bank-list]");
    var empty = bank.querySelector("[data-bank-empty]");
    if (empty) empty.hidden = true;
    var item = document.createElement("li");
    item.setAttribute("data-code", comment.objective_code || "");
    var text = document.createElement("p");
    text.className = "bank-text";
    text.id = "bank-comment-" + comment.id;
    var words = document.createElement("span");
    words.setAttribute("data-bank-text", "");
    words.textContent = comment.text;
    text.appendChild(words);
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "insert";
    button.value = String(comment.id);
    button.setAttribute("form", form.id);
    button.className = "button-secondary button-small";
    button.setAttribute("aria-describedby", text.id);
    button.textContent = "Insert";
    item.appendChild(text);
    item.appendChild(button);
    list.appendChild(item);
    if (filter) applyFilter();
  }
})();
