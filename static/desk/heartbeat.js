// Keeps this editor's lock on the article alive while the form is open, and says so when someone takes over.
(function () {
  "use strict";
  var box = document.getElementById("desk-lock");
  if (!box || !window.fetch) return;
  var interval = parseInt(box.dataset.interval || "20000", 10);
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var notice = document.getElementById("desk-lock-notice");
  var takeOver = box.querySelector(".desk-take-over");

  function beat() {
    fetch(box.dataset.heartbeatUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (lock) {
      if (!lock) return;
      notice.textContent = lock.mine ? "" : lock.notice;
      box.classList.toggle("desk-lock--held", !lock.mine);
      takeOver.hidden = lock.mine;
    }).catch(function () { /* offline: the lock expires on its own */ });
  }
  beat();
  window.setInterval(beat, interval);
  box.addEventListener("desk:beat", beat);  // tests (and anything else) can ask for a beat now
})();
