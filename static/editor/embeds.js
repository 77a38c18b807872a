// Click to load: an embed's iframe is created only when the reader asks for it (templates/editor/embed.html).
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-embed-src]");
  if (!button) return;
  const figure = button.closest("figure.embed");
  const frame = document.createElement("iframe");
  frame.src = button.dataset.embedSrc;
  frame.title = button.dataset.embedTitle;
  frame.loading = "lazy";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.allow = "encrypted-media; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  figure.querySelector(".embed-placeholder").replaceWith(frame);
  frame.focus();
});
