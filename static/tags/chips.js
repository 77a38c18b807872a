// The article form's tags as chips: type, pick a suggestion (existing tags, most used first, any case) or press
// Enter or comma, remove with × or Backspace. The comma field taggit reads (articles/tags/chips.py) stays in the
// form, hidden and kept in step, so the form posts exactly what it would without this script.
"use strict";
(function () {
  const DELAY_MS = 150;

  // taggit's own spelling: a name with a space or a comma is quoted, names are joined by ", ".
  function asField(names) {
    return names.map((name) => (/[ ,]/.test(name) ? `"${name}"` : name)).join(", ");
  }

  function clean(typed) {
    return typed.replace(/"/g, "").replace(/\s+/g, " ").trim();
  }

  function enhance(field) {
    let names = JSON.parse(field.dataset.tagNames || "[]");
    let suggestions = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    const box = document.createElement("div");
    box.className = "tag-chips";
    const chips = document.createElement("ul");
    chips.className = "tag-chips-list";
    chips.setAttribute("aria-label", "Tags");
    const input = document.createElement("input");
    input.type = "text";
    input.className = "tag-chips-input";
    input.id = `${field.id}_chips`;
    input.autocomplete = "off";
    input.placeholder = "Add a tag";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    const list = document.createElement("ul");
    list.className = "tag-chips-suggestions";
    list.id = `${field.id}_suggestions`;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Existing tags");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    box.append(chips, input, list);
    field.after(box);
    field.hidden = true;
    const label = document.querySelector(`label[for="${field.id}"]`);
    if (label) label.htmlFor = input.id;

    function sync() {
      field.value = asField(names);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawChips() {
      chips.replaceChildren(
        ...names.map((name) => {
          const chip = document.createElement("li");
          chip.className = "tag-chip";
          const text = document.createElement("span");
          text.textContent = name;
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "tag-chip-remove";
          remove.textContent = "×";
          remove.setAttribute("aria-label", `Remove tag ${name}`);
          remove.addEventListener("click", () => {
            names = names.filter((other) => other !== name);
            drawChips();
            sync();
            input.focus();
          });
          chip.append(text, remove);
          return chip;
        }),
      );
    }

    function close() {
      suggestions = [];
      active = -1;
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function add(typed) {
      let name = clean(typed);
      if (!name) return;
      // An existing tag in another case is that tag: take its spelling (the server would match it anyway).
      const known = suggestions.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
      if (known) name = known.name;
      if (!names.some((other) => other.toLowerCase() === name.toLowerCase())) {
        names = [...names, name];
        drawChips();
        sync();
      }
      input.value = "";
      close();
    }

    function drawSuggestions() {
      const taken = new Set(names.map((name) => name.toLowerCase()));
      suggestions = suggestions.filter((tag) => !taken.has(tag.name.toLowerCase()));
      active = -1;
      list.replaceChildren(
        ...suggestions.map((tag, index) => {
          const option = document.createElement("li");
          option.id = `${list.id}_${index}`;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.dataset.name = tag.name;
          const name = document.createElement("span");
          name.textContent = tag.name;
          const uses = document.createElement("span");
          uses.className = "tag-chips-uses";
          uses.textContent = `${tag.uses} ${tag.uses === 1 ? "story" : "stories"}`;
          option.append(name, uses);
          // mousedown, not click: picked before the input loses focus.
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            add(tag.name);
            input.focus();
          });
          return option;
        }),
      );
      list.hidden = suggestions.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach((option, n) => option.setAttribute("aria-selected", String(n === active)));
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    async function suggest() {
      const typed = clean(input.value);
      const ask = ++asked;
      if (!typed) return close();
      const url = `${field.dataset.suggestionsUrl}?q=${encodeURIComponent(typed)}`;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok || ask !== asked) return;
        suggestions = (await response.json()).tags;
        drawSuggestions();
      } catch {
        close(); // no suggestions, the box still takes what is typed
      }
    }

    input.addEventListener("input", () => {
      if (input.value.includes(",")) {
        const parts = input.value.split(",");
        const rest = parts.pop();
        parts.forEach(add);
        input.value = rest.trimStart(); // what follows the last comma is still being typed
      }
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) return;
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (!input.value.trim() && active < 0) return;
        event.preventDefault(); // a tag, not the form's submit
        add(active >= 0 ? suggestions[active].name : input.value);
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !input.value && names.length) {
        names = names.slice(0, -1);
        drawChips();
        sync();
      }
    });
    input.addEventListener("blur", () => {
      add(input.value); // typed and left: kept, as the comma field would
      close();
    });
    field.form.addEventListener("submit", () => add(input.value));
    drawChips();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-suggestions-url][data-tag-names]").forEach(enhance);
  });
})();
