// The article form's autosave, in two layers, so nothing typed is lost to a closed tab, a crash, a lost
// connection or a server error:
// - the server keeps the text every 30 s while it has changes (an "autosave" version, never published). A new
//   article's first autosave creates it as a draft (as WordPress and Ghost do): the form goes on as that
//   draft's change form (address, action, version) without a reload, so focus and typing carry on;
// - in between, this browser keeps a copy of every change (localStorage, per person and article, "new" for the
//   add form) and offers it back when the form opens again with other text ("Restore the text you typed at
//   10:42?"). A successful save forgets it (checked on the page the save leads to, the list included).
// Leaving with unsaved changes asks first.
(function () {
  "use strict";
  var PENDING = "newsroom:desk:pending-save";  // sessionStorage: the copy a submitted form forgets once saved
  var TEXT = ["title", "slug", "summary", "body", "byline", "dateline", "meta_title", "meta_description"];

  function storage(kind) {
    try { return window[kind]; } catch (refused) { return null; }  // storage switched off: the server's autosave
  }
  var local = storage("localStorage"), session = storage("sessionStorage");

  var bodyEditor = null, whenBodyReady = [];
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea.name !== "body") return;
    bodyEditor = event.detail.editor;
    whenBodyReady.splice(0).forEach(function (run) { run(); });
  });

  function forgetSavedCopy() {
    // The page a submitted form led to: a success message and no error means the text is saved for real.
    var key = session && session.getItem(PENDING);
    if (!key) return;
    session.removeItem(PENDING);
    var failed = document.querySelector(".errornote, .errorlist, .messagelist .error");
    if (document.querySelector(".messagelist .success") && !failed && local) local.removeItem(key);
  }

  function token() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function when(iso) {
    // "10:42" today, "2026-12-03 10:42" before: the desk's 24-hour times, in this browser's time zone.
    var at = new Date(iso), two = function (n) { return ("0" + n).slice(-2); };
    var time = two(at.getHours()) + ":" + two(at.getMinutes());
    if (at.toDateString() === new Date().toDateString()) return time;
    return at.getFullYear() + "-" + two(at.getMonth() + 1) + "-" + two(at.getDate()) + " " + time;
  }

  function init() {
    forgetSavedCopy();
    var form = document.getElementById("article_form");
    if (!form) return;
    var status = document.getElementById("autosave-status");
    var dirty = false, changedSinceAutosave = false, submitting = false, sending = false;
    var key = status ? status.dataset.copyKey : null;
    var isNew = key !== null && /:new$/.test(key);
    var found = null;
    try { found = key && local ? JSON.parse(local.getItem(key) || "null") : null; } catch (broken) { found = null; }
    var formToken = isNew && found && found.token ? found.token : token();

    function values() {
      var now = {};
      TEXT.forEach(function (name) {
        var field = form.elements[name];
        if (!field || field.type === "hidden" || field.readOnly) return;
        now[name] = name === "body" && bodyEditor ? bodyEditor.getHTML() : field.value;
      });
      return now;
    }

    function keep() {
      if (!local || !key || !dirty || submitting) return;
      try {
        local.setItem(key, JSON.stringify({at: new Date().toISOString(), fields: values(), token: formToken}));
      } catch (full) { /* storage full or refused: the server's autosave still runs */ }
    }

    function changed() {
      dirty = true;
      changedSinceAutosave = true;
      keep();
      window.setTimeout(keep, 50);  // the editor's own state follows the keystroke's event
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    whenBodyReady.push(function () { bodyEditor.on("update", function () { if (dirty) keep(); }); });
    window.addEventListener("pagehide", keep);
    document.addEventListener("visibilitychange", function () { if (document.hidden) keep(); });
    form.addEventListener("submit", function () {
      keep();
      submitting = true;
      if (session && key) session.setItem(PENDING, key);
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = "";  // the browser asks "Leave site? Changes you made may not be saved."
      }
    });

    offerCopy();
    if (!status || !window.fetch) return;

    // --- the browser's copy, offered back when the form opens with other text -------------------------------
    function offerCopy() {
      var offer = document.getElementById("local-copy-offer");
      if (!found || !found.fields || !offer) return;
      var check = function () {
        var shown = values(), differs = Object.keys(found.fields).some(function (name) {
          return name in shown && shown[name] !== found.fields[name];
        });
        if (!differs) { local.removeItem(key); return; }  // what the form shows already: saved
        document.getElementById("local-copy-said").textContent =
          "Restore the text you typed at " + when(found.at) + "? It was never saved; this browser kept it.";
        offer.hidden = false;
      };
      if (bodyEditor || !form.elements.body) check(); else whenBodyReady.push(check);
      document.getElementById("restore-local-copy").addEventListener("click", function () {
        Object.keys(found.fields).forEach(function (name) {
          var field = form.elements[name], value = found.fields[name];
          if (!field || field.readOnly) return;
          if (name === "body" && bodyEditor) {
            bodyEditor.commands.setContent(value, {emitUpdate: true});
            value = bodyEditor.getHTML();
          }
          field.value = value;
        });
        offer.hidden = true;
        if (status) status.textContent = "Your text from " + when(found.at) + " is back in the form. Review it and save.";
        changed();
      });
      document.getElementById("discard-local-copy").addEventListener("click", function () {
        local.removeItem(key);
        offer.hidden = true;
      });
    }

    // --- the server's autosave ------------------------------------------------------------------------------
    function becomeDraft(saved) {
      // The first autosave made this new article a draft: the form goes on as its change form.
      window.history.replaceState(window.history.state, "", saved.change_url);
      form.action = saved.change_url;
      form.elements.base_version.value = saved.base_version;
      form.elements.base_state.value = saved.base_state;
      form.elements.edit_lock.value = "held";
      var author = form.elements.author, byline = form.elements.byline;
      if (author && author.tagName === "SELECT" && !author.value) author.value = String(saved.author);
      if (byline && !byline.readOnly && !byline.value) byline.value = saved.byline;
      status.dataset.autosaveUrl = saved.autosave_url;
      var oldKey = key;
      key = status.dataset.copyPrefix + saved.id;
      isNew = false;
      if (local) { keep(); local.removeItem(oldKey); }
      var box = document.getElementById("desk-lock");
      if (box) box.dispatchEvent(new CustomEvent("desk:created", {detail: saved}));
    }

    function said(text) { status.textContent = text; }
    function autosave() {
      if (!changedSinceAutosave || sending || submitting) return;
      var data = new FormData(form);
      data.delete("hero_image");  // text only: uploads go with a real save
      if (bodyEditor) data.set("body", bodyEditor.getHTML());
      if (isNew) data.set("autosave_token", formToken);
      changedSinceAutosave = false;
      sending = true;
      fetch(status.dataset.autosaveUrl, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) {
          return response.json().catch(function () { return {error: "Not autosaved (the server answered " + response.status + ")."}; });
        })
        .then(function (saved) {
          sending = false;
          if (saved.error) {
            changedSinceAutosave = true;
            return said(saved.error + " Your text is kept in this browser; it is sent again shortly.");
          }
          if (saved.change_url && isNew) {
            becomeDraft(saved);
            return said("Autosaved at " + saved.saved_at + " as a draft (not published).");
          }
          said("Autosaved at " + saved.saved_at + " (not published).");
        })
        .catch(function () {
          sending = false;
          changedSinceAutosave = true;
          said("Not autosaved (no connection?): your text is kept in this browser; it is sent again shortly.");
        });
    }
    window.setInterval(autosave, parseInt(status.dataset.interval || "30000", 10));
    status.addEventListener("desk:autosave", autosave);  // tests (or a shortcut) can ask for one now
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
