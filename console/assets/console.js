// The console works without this script. With it, a new secret gets a
// copy button, and a rotation or a key removal asks first (a delete has
// a page of its own that asks).
"use strict";

document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  var status = button.parentElement.querySelector(".copied");
  if (!source) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = source.textContent.trim();
    var said = function (msg) { if (status) status.textContent = msg; };
    var fallback = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      said(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C (or ⌘C) to copy.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { said("Copied."); }, fallback);
    } else {
      fallback();
    }
  });
});

document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var grace = form.querySelector("select[name=grace]");
    var question = grace && grace.value === "0" && form.dataset.confirmNow ? form.dataset.confirmNow : form.dataset.confirm;
    if (!window.confirm(question)) event.preventDefault();
  });
});
