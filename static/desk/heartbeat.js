// Keeps this editor's lock on the article alive while the form is open (a new article's from its first
// autosave), and says so when someone takes over: then saving is off (the server refuses it too) and
// "Copy my text" hands back what was typed.
(function () {
  "use strict";
  var box = document.getElementById("desk-lock");
  if (!box || !window.fetch) return;
  var interval = parseInt(box.dataset.interval || "10000", 10);
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var notice = document.getElementById("desk-lock-notice");
  var takeOver = box.querySelector(".desk-take-over");
  var form = document.getElementById("article_form");
  var held = form ? form.querySelector("input[name=edit_lock]") : null;
  var takenOver = false, timer = null;

  function myText() {
    var data = new FormData(form), parts = [];
    var body = form.querySelector("[name=body]");
    var shell = body ? body.closest(".prose-editor") : null;
    var editor = shell ? shell.querySelector(".ProseMirror[contenteditable=true]") : null;
    [["title", "Title"], ["summary", "Summary"], ["body", "Body"]].forEach(function (field) {
      // The body as the editor shows it (the HTML also waits in this editor's autosave).
      var value = field[0] === "body" && editor ? editor.innerText : data.get(field[0]);
      if (value && value.trim()) parts.push(field[1] + ":\n" + value.trim());
    });
    return parts.join("\n\n");
  }

  function copyMyText() {
    var area = document.getElementById("desk-my-text");
    area.value = myText();
    area.hidden = false;
    area.focus();
    area.select();
    var said = document.getElementById("desk-copy-status");
    said.textContent = "Your text is selected below: copy it (Ctrl+C or ⌘C).";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(area.value).then(function () {
        said.textContent = "Copied to the clipboard; it is also below.";
      }, function () { /* not allowed here: the selected text below is the way */ });
    }
  }

  function refuseSaving(lock) {
    takenOver = true;
    window.clearInterval(timer);
    box.classList.add("desk-lock--held", "desk-lock--taken");
    notice.textContent = lock.notice + ": they took over from you. Saving is off so neither of you overwrites " +
      "the other: copy your text, then open the article again.";
    takeOver.hidden = false;
    document.getElementById("desk-copy").hidden = false;
    form.querySelectorAll("[type=submit]").forEach(function (button) { button.disabled = true; });
  }

  function beat() {
    if (takenOver) return;
    fetch(box.dataset.heartbeatUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (lock) {
      if (!lock || takenOver) return;
      if (held && held.value === "held" && !lock.mine) return refuseSaving(lock);
      if (held && lock.mine) held.value = "held";  // the lock is this form's now (free, or handed back)
      notice.textContent = lock.mine ? "" : lock.notice;
      box.classList.toggle("desk-lock--held", !lock.mine);
      takeOver.hidden = lock.mine;
    }).catch(function () { /* offline: the lock expires on its own */ });
  }
  if (form) {
    form.addEventListener("submit", function (event) { if (takenOver) event.preventDefault(); });
    document.getElementById("desk-copy-text").addEventListener("click", copyMyText);
  }
  function start() {
    beat();
    timer = window.setInterval(beat, interval);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) beat(); });
    box.addEventListener("desk:beat", beat);  // tests (and anything else) can ask for a beat now
  }
  if (box.dataset.heartbeatUrl) return start();
  // A new article: the lock is taken when its first autosave creates the draft (static/desk/autosave.js).
  box.addEventListener("desk:created", function (event) {
    box.dataset.heartbeatUrl = event.detail.heartbeat_url;
    takeOver.action = event.detail.take_over_url;
    start();
  }, {once: true});
})();
