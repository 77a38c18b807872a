// The admin's search-result and link-preview boxes follow the fields as the editor types (first non-empty wins).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const field = (name) => document.getElementById(`id_${name}`);
  const previews = document.querySelectorAll("[data-preview-text]");
  const counter = document.querySelector("[data-description-length]");

  function refresh() {
    for (const preview of previews) {
      const names = preview.dataset.previewText.split(" ");
      const value = names.map((name) => (field(name) ? field(name).value.trim() : "")).find(Boolean) || "";
      preview.textContent = value;
    }
    const description = field("meta_description");
    if (counter && description) {
      const length = (description.value.trim() || (field("summary") ? field("summary").value.trim() : "")).length;
      const { min, max } = counter.dataset;
      const verdict = length > Number(max) ? "too long: search engines cut it" : length < Number(min) ? "short" : "good";
      counter.textContent = `${length} characters (${verdict}; ${min}-${max} is best).`;
    }
  }

  for (const name of ["title", "summary", "meta_title", "meta_description", "social_title", "social_description"]) {
    if (field(name)) field(name).addEventListener("input", refresh);
  }
  refresh();
});
