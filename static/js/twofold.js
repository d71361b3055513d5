// Live updates. A page that can still change holds one event stream: its
// <main> has sse-connect, and htmx's SSE extension keeps the stream open and
// reconnects it. The page's [data-live] parts fetch themselves through the
// normal views when the stream says something changed, and when it is back
// after a drop ("ready" again: twofold:reconnected), so nothing that changed
// while it was away is missed; the parts that must not miss a change made
// while the page was loading fetch on the first "ready" too (sse:ready).
// <body data-stream> says how the page hears: "listening" or "polling".
// Where no stream gets through (a proxy that buffers it, so "ready"
// never comes), the page polls instead: every 15 seconds, backing off to two
// minutes while nothing changes, and not at all while the tab is hidden.
(function () {
  "use strict";
  var READY_WITHIN_MS = 10000;
  var FAILURES_BEFORE_POLLING = 5; // the extension waits longer each time: about 15 s in all
  var POLL_MS = 15000;
  var POLL_MAX_MS = 120000;
  var sources = [];
  var readies = 0;
  var failures = 0;
  var polling = false;
  var delay = POLL_MS;
  var timer = null;
  var lastAnswer = {};

  function track(source) {
    if (polling) {
      source.close();
      return;
    }
    sources.push(source);
    var ready = false;
    var deadline = setTimeout(function () { if (!ready) fallBack(); }, READY_WITHIN_MS);
    source.addEventListener("ready", function () {
      ready = true;
      failures = 0;
      clearTimeout(deadline);
      document.body.dataset.stream = "listening";
      readies += 1;
      if (readies > 1) {
        document.querySelectorAll("[data-live]").forEach(function (element) {
          window.htmx.trigger(element, "twofold:reconnected");
        });
      }
    });
    source.addEventListener("error", function () {
      if (ready) return; // it was working: the browser reconnects it, and "ready" comes again
      clearTimeout(deadline);
      failures += 1;
      if (failures >= FAILURES_BEFORE_POLLING) fallBack();
    });
  }

  function fallBack() {
    if (polling) return;
    polling = true;
    document.body.dataset.stream = "polling";
    // Without the attribute the extension opens no new stream.
    document.querySelectorAll("[sse-connect]").forEach(function (element) {
      element.removeAttribute("sse-connect");
    });
    sources.forEach(function (source) { source.close(); });
    sources = [];
    poll();
  }

  function poll() {
    clearTimeout(timer);
    timer = null;
    if (document.visibilityState !== "visible") return; // coming back polls at once
    document.querySelectorAll("[data-live]").forEach(function (element) {
      window.htmx.trigger(element, "twofold:poll");
    });
    timer = setTimeout(poll, delay);
  }

  document.addEventListener("visibilitychange", function () {
    if (polling && document.visibilityState === "visible") {
      delay = POLL_MS;
      poll();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail.elt;
    if (!polling || !element.matches("[data-live]")) return;
    var xhr = event.detail.xhr;
    var answer = xhr.status + " " + xhr.responseText;
    var unchanged = xhr.status === 204 || lastAnswer[element.id] === answer;
    lastAnswer[element.id] = answer;
    delay = unchanged ? Math.min(delay * 2, POLL_MAX_MS) : POLL_MS;
  });

  if (window.htmx && window.htmx.createEventSource) {
    var open = window.htmx.createEventSource;
    window.htmx.createEventSource = function (url) {
      var source = open(url);
      track(source);
      return source;
    };
  }
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
  // The page's own words (base.html, in the reader's language); these if it has none.
  var MESSAGE = "Not saved: Twofold cannot be reached just now. Your words are still here; keep typing or try again in a minute.";

  function showUnsaved(event) {
    var status = event.detail && event.detail.target;
    if (!status || !status.classList.contains("save-status")) return;
    status.textContent = "";
    var error = document.createElement("span");
    error.className = "field-error";
    error.textContent = document.body.dataset.unsavedMessage || MESSAGE;
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

  // The page's own words (base.html, in the reader's language); these if it has none.
  var COPY_FAILED = "Could not copy here; select the text and copy it yourself.";

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
      function () { say(button, document.body.dataset.copyFailedMessage || COPY_FAILED); }
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
