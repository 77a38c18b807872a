// The article form: autosave its text every 30 s while it has changes (kept as an "autosave" version, never
// published), and ask before leaving with unsaved changes.
(function () {
  "use strict";
  var form = document.getElementById("article_form");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var dirty = false, changedSinceAutosave = false, submitting = false;

  function changed() { dirty = true; changedSinceAutosave = true; }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";  // the browser asks "Leave site? Changes you made may not be saved."
    }
  });

  if (!status || !window.fetch) return;
  function autosave() {
    if (!changedSinceAutosave) return;
    var data = new FormData(form);
    data.delete("hero_image");  // text only: uploads go with a real save
    changedSinceAutosave = false;
    fetch(status.dataset.autosaveUrl, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (saved) { if (saved) status.textContent = "Autosaved at " + saved.saved_at + " (not published)."; })
      .catch(function () { changedSinceAutosave = true; });
  }
  window.setInterval(autosave, parseInt(status.dataset.interval || "30000", 10));
  status.addEventListener("desk:autosave", autosave);  // tests (or a shortcut) can ask for one now
})();
