// A verified teacher's margin comments: select a passage, press "Comment on selection", write.
// Positions are counted as the server counts them, in Unicode code points over the essay's
// paragraphs (each <p data-start> says where it starts); the browser's own offsets are UTF-16
// code units, so text is measured with Array.from. Without this script the form attaches a
// comment to a whole paragraph.
(function () {
  var text = document.querySelector("[data-annotate]");
  var bar = document.querySelector("[data-annotate-bar]");
  var form = document.querySelector("[data-composer]");
  if (!text || !bar || !form) return;
  var button = bar.querySelector("[data-comment-selection]");
  var status = bar.querySelector("[data-annotate-status]");
  var selected = form.querySelector("[data-selected]");
  var selectedQuote = form.querySelector("[data-selected-quote]");
  var paragraphField = form.querySelector("[data-paragraph-field]");
  var body = form.querySelector("textarea[name=body]");
  var bank = form.querySelector("select[name=bank]");
  var composer = document.getElementById("comment-composer");
  // Inside a paragraph but not its text: comment numbers and words for screen readers.
  var NOT_TEXT = ".note-ref, .visually-hidden, .margin-notes";

  bar.hidden = false;
  var plainHelp = composer.querySelector("[data-help-plain]");
  var selectHelp = composer.querySelector("[data-help-select]");
  if (plainHelp) plainHelp.hidden = true;
  if (selectHelp) selectHelp.hidden = false;

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function paragraphOf(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    var p = element && element.closest("p[data-start]");
    return p && text.contains(p) ? p : null;
  }

  function textOf(range) {
    var copy = range.cloneContents();
    copy.querySelectorAll(NOT_TEXT).forEach(function (el) { el.remove(); });
    return copy.textContent;
  }

  // Where (node, offset) is in the essay's text, in code points.
  function position(p, node, offset) {
    var range = document.createRange();
    range.setStart(p, 0);
    range.setEnd(node, offset);
    return Number(p.getAttribute("data-start")) + Array.from(textOf(range)).length;
  }

  function currentPassage() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var first = paragraphOf(range.startContainer);
    var last = paragraphOf(range.endContainer);
    if (!first || !last) return null;
    var start = position(first, range.startContainer, range.startOffset);
    var end = position(last, range.endContainer, range.endOffset);
    var quote = textOf(range).replace(/\s+/g, " ").trim();
    if (end <= start || !quote) return null;
    return { start: start, end: end, quote: quote };
  }

  function choose(passage) {
    form.elements.start.value = passage ? passage.start : "";
    form.elements.end.value = passage ? passage.end : "";
    form.elements.quote.value = passage ? passage.quote : "";
    selected.hidden = !passage;
    paragraphField.hidden = !!passage;
    selectedQuote.textContent = passage ? "“" + passage.quote + "”" : "";
  }

  button.addEventListener("click", function () {
    var passage = currentPassage();
    if (!passage) {
      say("Select a passage of the essay first, then press “Comment on selection”.");
      return;
    }
    choose(passage);
    composer.scrollIntoView({ block: "start" });
    var next = body || form.querySelector("button[type=submit]");
    next.focus({ preventScroll: true });
    say("Passage selected. " + (body ? "Write your comment." : "Press “Attach the comment here”."));
  });

  // Selecting with the keyboard: the essay's text takes focus, and the arrow keys move a caret
  // through it (Shift extends the selection, Ctrl or Alt goes a word at a time), as a browser's
  // caret browsing would, without a teacher having to know that setting exists.
  var CARET_KEYS = {
    ArrowLeft: ["backward", "character"],
    ArrowRight: ["forward", "character"],
    ArrowUp: ["backward", "line"],
    ArrowDown: ["forward", "line"],
    Home: ["backward", "lineboundary"],
    End: ["forward", "lineboundary"],
  };
  var keysHelp = document.getElementById("annotate-keys");
  if (keysHelp) {
    keysHelp.hidden = false;
    text.setAttribute("aria-describedby", "annotate-keys");
  }
  text.tabIndex = 0;
  text.addEventListener("keydown", function (event) {
    var key = CARET_KEYS[event.key];
    var selection = window.getSelection();
    if (!key || event.target !== text || !selection || !selection.modify) return;
    if (selection.rangeCount === 0 || !text.contains(selection.focusNode)) {
      var first = text.querySelector("p[data-start]");
      if (!first) return;
      selection.collapse(first, 0);
      if (!event.shiftKey) { event.preventDefault(); return; }
    }
    var byWord = (event.ctrlKey || event.altKey) && key[1] === "character";
    selection.modify(event.shiftKey ? "extend" : "move", key[0], byWord ? "word" : key[1]);
    event.preventDefault();
  });

  form.querySelector("[data-clear-selection]").addEventListener("click", function () {
    choose(null);
    form.elements.paragraph.focus();
  });

  if (bank && body) {
    bank.addEventListener("change", function () {
      var option = bank.options[bank.selectedIndex];
      var saved = option && option.getAttribute("data-text");
      if (!saved) return;
      body.value = body.value.trim() ? body.value.replace(/\s+$/, "") + "\n" + saved : saved;
      bank.selectedIndex = 0;
      body.focus();
    });
  }
})();
