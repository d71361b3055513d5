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
