// Live status: every few seconds, while this tab is visible, ask each
// [data-poll] element to refresh itself (its hx-trigger is "twofold:poll").
// Hidden tabs ask nothing; coming back asks at once.
(function () {
  "use strict";
  var INTERVAL_MS = 4000;

  function poll() {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[data-poll]").forEach(function (element) {
      window.htmx.trigger(element, "twofold:poll");
    });
  }

  setInterval(poll, INTERVAL_MS);
  document.addEventListener("visibilitychange", poll);
})();

// Together mode: the left and right arrow keys follow the previous and next
// links, unless someone is typing.
document.addEventListener("keydown", function (event) {
  "use strict";
  if (!document.querySelector("[data-together]") || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  var rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  var link = rel && document.querySelector('[data-together] a[rel="' + rel + '"]');
  if (link) link.click();
});

// Autosave that does not reach the database (the server answers 5xx, or the
// network is down) must not look saved: say so where "Saved." would appear.
// The words stay in the box, and the next keystroke tries again.
(function () {
  "use strict";
  var MESSAGE = "Not saved: Twofold cannot be reached just now. Your words are still here; keep typing or try again in a minute.";

  function showUnsaved(event) {
    var status = event.detail && event.detail.target;
    if (!status || !status.classList.contains("save-status")) return;
    status.textContent = "";
    var error = document.createElement("span");
    error.className = "field-error";
    error.textContent = MESSAGE;
    status.appendChild(error);
  }

  document.addEventListener("htmx:responseError", showUnsaved);
  document.addEventListener("htmx:sendError", showUnsaved);
})();

// Copy buttons for invitation links and codes: hidden in the HTML, shown
// only where this script runs (the text stays selectable without it). The
// nearest .copy-status says what was copied, for screen readers too.
(function () {
  "use strict";

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var scratch = document.createElement("textarea");
      scratch.value = text;
      scratch.setAttribute("readonly", "");
      scratch.className = "visually-hidden";
      document.body.appendChild(scratch);
      scratch.select();
      var done = document.execCommand("copy");
      scratch.remove();
      if (done) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function say(button, words) {
    var section = button.closest("section, .card, main") || document;
    var status = section.querySelector(".copy-status");
    if (status) status.textContent = words;
  }

  function enhance(root) {
    root.querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    copy(button.dataset.copy).then(
      function () { say(button, button.dataset.copied + "."); },
      function () { say(button, "Could not copy here; select the text and copy it yourself."); }
    );
  });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();

// What only makes sense with or without this script: [data-js-only] is
// hidden in the HTML and shown here; [data-no-js-only] (the answering page's
// Save button, autosave doing its work) is hidden here.
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (element) { element.hidden = false; });
    root.querySelectorAll("[data-no-js-only]").forEach(function (element) { element.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
