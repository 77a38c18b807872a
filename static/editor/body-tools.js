// Live word count and reading time under the article body's editor (admin only).
"use strict";
(function () {
  const WORDS_PER_MINUTE = 230;

  function countWords(text) {
    const words = text.trim().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
    return words ? words.length : 0;
  }

  function describe(words) {
    const minutes = Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
    return `${words} ${words === 1 ? "word" : "words"} · ${minutes} min read`;
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    if (textarea.name !== "body") return;
    const status = document.createElement("p");
    status.className = "body-stats";
    status.setAttribute("aria-live", "polite");
    status.id = "body-stats";
    textarea.closest(".prose-editor").after(status);
    const update = () => { status.textContent = describe(countWords(editor.getText({ blockSeparator: "\n" }))); };
    editor.on("update", update);
    update();
  });
})();
