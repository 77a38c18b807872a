// The library's chooser on the article form: a dialog with the pictures as a grid of thumbnails (most recent
// first), a search over alt text, caption, credit and file name, and an upload in place. The hero and social
// image fields (articles/media/chooser.py) use it, and so does the body's figure button
// (static/editor/library-figure.js, through window.newsroomChooser). Choosing a hero or social image updates
// its preview and the link-preview card at once, before any save.
"use strict";
(function () {
  const DIALOG_HTML = `
    <div class="chooser-head">
      <h2 id="library-chooser-title">Choose a picture</h2>
      <button type="button" class="button chooser-close" data-chooser-close>Close</button>
    </div>
    <form class="chooser-search" role="search">
      <label for="library-chooser-q">Search alt text, caption, credit or file name</label>
      <input type="search" id="library-chooser-q" name="q" autocomplete="off">
    </form>
    <details class="chooser-upload">
      <summary>Upload a new picture</summary>
      <form class="chooser-upload-form">
        <p><label for="library-chooser-file">Picture</label>
          <input type="file" id="library-chooser-file" name="file" accept="image/jpeg,image/png,image/webp,image/gif" required></p>
        <p><label for="library-chooser-alt">Alt text (what it shows)</label>
          <input type="text" id="library-chooser-alt" name="alt" maxlength="250" required></p>
        <p><label for="library-chooser-caption">Caption</label>
          <input type="text" id="library-chooser-caption" name="caption" maxlength="300"></p>
        <p><label for="library-chooser-credit">Credit</label>
          <input type="text" id="library-chooser-credit" name="credit" maxlength="150" placeholder="Photo: Jane Doe/AP"></p>
        <p><button type="submit" class="button default">Upload and choose</button></p>
        <ul class="errorlist chooser-errors" role="alert"></ul>
      </form>
    </details>
    <div class="chooser-results" data-chooser-results></div>`;

  let dialog = null;
  let settle = null; // resolves the open() promise: a choice, or null when closed
  let urls = {};
  let searchTimer = null;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function finish(choice) {
    const done = settle;
    settle = null;
    if (dialog.open) dialog.close();
    if (done) done(choice);
  }

  async function load(page, append) {
    const results = dialog.querySelector("[data-chooser-results]");
    const query = new URLSearchParams({ q: dialog.querySelector("input[name=q]").value, page: String(page) });
    const response = await fetch(`${urls.results}?${query}`, { credentials: "same-origin" });
    if (!response.ok) {
      results.textContent = `The library did not answer (${response.status}). Try again.`;
      return;
    }
    const html = await response.text(); // our own server-rendered, escaped grid
    if (append) {
      const more = results.querySelector(".chooser-more");
      if (more) more.remove();
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const grid = results.querySelector(".chooser-grid");
      const added = holder.querySelector(".chooser-grid");
      if (grid && added) grid.append(...added.children);
      const next = holder.querySelector(".chooser-more");
      if (next) results.append(next);
    } else {
      results.innerHTML = html;
    }
  }

  async function upload(form) {
    const errors = form.querySelector(".chooser-errors");
    errors.replaceChildren();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(urls.upload, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
      const answer = await response.json().catch(() => ({ errors: [`The upload failed (${response.status}).`] }));
      if (response.ok && answer.image) {
        form.reset();
        finish(answer.image);
        return;
      }
      for (const message of answer.errors || [`The upload failed (${response.status}).`]) {
        const item = document.createElement("li");
        item.textContent = message;
        errors.append(item);
      }
    } finally {
      button.disabled = false;
    }
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "library-chooser";
    dialog.setAttribute("aria-labelledby", "library-chooser-title");
    dialog.innerHTML = DIALOG_HTML;
    document.body.append(dialog);
    dialog.querySelector("[data-chooser-close]").addEventListener("click", () => finish(null));
    dialog.addEventListener("close", () => { if (settle) finish(null); });
    const search = dialog.querySelector("form.chooser-search");
    search.addEventListener("submit", (event) => { event.preventDefault(); load(1, false); });
    search.querySelector("input").addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => load(1, false), 250);
    });
    const uploadForm = dialog.querySelector("form.chooser-upload-form");
    uploadForm.addEventListener("submit", (event) => { event.preventDefault(); upload(uploadForm); });
    dialog.querySelector("[data-chooser-results]").addEventListener("click", (event) => {
      const item = event.target.closest(".chooser-item");
      if (item) { finish(JSON.parse(item.dataset.choice)); return; }
      const more = event.target.closest("[data-chooser-page]");
      if (more) load(Number(more.dataset.chooserPage), true);
    });
  }

  // Opens the chooser; resolves with the chosen picture ({id, alt, caption, credit, name, thumb, card, src, width,
  // height}) or null. `source` is an element carrying data-chooser-results-url and data-chooser-upload-url.
  function open(source, title) {
    if (!dialog) build();
    if (settle) finish(null);
    urls = { results: source.dataset.chooserResultsUrl, upload: source.dataset.chooserUploadUrl };
    dialog.querySelector("#library-chooser-title").textContent = title || "Choose a picture";
    dialog.querySelector("input[name=q]").value = "";
    dialog.querySelector(".chooser-upload").hidden = !urls.upload;
    dialog.showModal();
    dialog.querySelector("input[name=q]").focus();
    load(1, false);
    return new Promise((resolve) => { settle = resolve; });
  }

  window.newsroomChooser = { open };

  // --- the hero and social image fields -------------------------------------------------------------------

  function choiceOf(name) {
    const input = document.querySelector(`[data-image-chooser="${name}"] input[type=hidden]`);
    return input && input.value && input.dataset.choice ? JSON.parse(input.dataset.choice) : null;
  }

  function refreshCard() {
    const card = document.querySelector("[data-seo-preview=social]");
    if (!card) return;
    const chosen = choiceOf("social_image") || choiceOf("hero"); // as the page head: the social image, else the hero
    const picture = card.querySelector("[data-social-card]");
    picture.hidden = !chosen;
    if (chosen) picture.src = chosen.card;
    card.querySelector(".social-preview-no-image").hidden = Boolean(chosen);
  }

  function show(widget, choice) {
    const input = widget.querySelector("input[type=hidden]");
    input.value = choice ? String(choice.id) : "";
    input.dataset.choice = choice ? JSON.stringify(choice) : "";
    widget.querySelector("[data-chooser-preview]").hidden = !choice;
    widget.querySelector("[data-chooser-none]").hidden = Boolean(choice);
    widget.querySelector("[data-chooser-clear]").hidden = !choice;
    widget.querySelector("[data-chooser-open]").textContent = choice ? "Choose another picture" : "Choose a picture";
    if (choice) {
      widget.querySelector("[data-chooser-thumb]").src = choice.thumb;
      widget.querySelector("[data-chooser-words]").textContent = choice.credit ? `${choice.alt} — ${choice.credit}` : choice.alt;
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    refreshCard();
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const widget of document.querySelectorAll("[data-image-chooser]")) {
      const title = widget.dataset.imageChooser === "hero" ? "Choose the hero picture" : "Choose the link-preview picture";
      widget.querySelector("[data-chooser-open]").addEventListener("click", async () => {
        const choice = await open(widget, title);
        if (choice) show(widget, choice);
      });
      widget.querySelector("[data-chooser-clear]").addEventListener("click", () => show(widget, null));
    }
  });
})();
