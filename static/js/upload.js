// The upload form: say at once when the chosen file is too big or of a type Redink does not take,
// before anything is sent. A courtesy only: the server refuses both again, in the same words,
// which it puts on the file input (data-*) so that they are written in one place. Without
// JavaScript (or without the File API) the form works as before.
(function () {
  "use strict";
  var input = document.querySelector("input[type='file'][data-max-bytes]");
  if (!input || !window.File || !window.FileList || !input.form) return;
  var field = input.closest(".field") || input.parentNode;
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
  var accepted = (input.getAttribute("accept") || "").toLowerCase().split(",").map(function (ext) {
    return ext.trim();
  }).filter(Boolean);

  var message = document.createElement("p");
  message.className = "error";
  message.id = input.id + "-check";
  message.setAttribute("role", "alert");
  message.hidden = true;
  field.appendChild(message);

  // As the server writes sizes (redink/submissions/extract/base.py: human_size).
  function humanSize(size) {
    if (size >= 1024 * 1024) return (size / (1024 * 1024)).toFixed(1) + " MB";
    if (size >= 1024) return Math.round(size / 1024) + " KB";
    return size + " bytes";
  }

  // The extension as the server reads it: none for "essay", "essay." or ".docx".
  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : "";
  }

  function problemWith(file) {
    var extension = extensionOf(file.name);
    if (accepted.length && accepted.indexOf("." + extension) < 0) {
      return extension
        ? input.getAttribute("data-unsupported").split("{extension}").join(extension)
        : input.getAttribute("data-no-extension");
    }
    if (maxBytes && file.size > maxBytes) {
      return input.getAttribute("data-too-big").split("{size}").join(humanSize(file.size));
    }
    return "";
  }

  function describedBy(add) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== message.id;
    });
    if (add) ids.push(message.id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function check() {
    var file = input.files && input.files[0];
    var problem = file ? problemWith(file) : "";
    // Whatever the server said about a file sent earlier no longer applies to this one.
    Array.prototype.forEach.call(field.querySelectorAll(".error"), function (old) {
      if (old !== message) old.parentNode.removeChild(old);
    });
    message.textContent = problem;
    message.hidden = !problem;
    field.classList.toggle("field-error", !!problem);
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    describedBy(!!problem);
    return !problem;
  }

  input.addEventListener("change", check);
  input.form.addEventListener("submit", function (event) {
    if (!check()) {
      event.preventDefault();
      input.focus();
    }
  });
  // A file the browser kept when the page was restored (the back button).
  if (input.files && input.files.length) check();
})();
