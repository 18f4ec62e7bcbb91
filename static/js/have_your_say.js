// The "Have your say" form: the page is cached and shared, so the signed time it carries may be
// minutes old; ask for a fresh one as the page opens, so that the minimum fill time holds.
(function () {
  "use strict";
  var started = document.querySelector("input[name=started][data-started-url]");
  if (!started || !window.fetch) { return; }
  fetch(started.dataset.startedUrl, {credentials: "omit", cache: "no-store"})
    .then(function (answer) { return answer.ok ? answer.json() : null; })
    .then(function (data) { if (data && data.started) { started.value = data.started; } })
    .catch(function () { /* the page's own time is sent */ });
})();
