// Import progress: polls the job's progress and reloads the page when the job is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-progress-url");

  function show(state) {
    if (!state.running) { window.location.reload(); return; }
    if (state.total > 0) {
      bar.max = state.total;
      bar.value = state.done;
      text.textContent = state.done + " / " + state.total + " " + text.getAttribute("data-rows-label");
    }
    window.setTimeout(poll, 1000);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
