// The focal point: click the picture to set it (the two number fields follow); the marker shows where it is.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  if (!picker) return;
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-marker");
  const inputs = { x: document.querySelector("[data-focal=x]"), y: document.querySelector("[data-focal=y]") };

  function place() {
    marker.style.left = `${Number(inputs.x.value) * 100}%`;
    marker.style.top = `${Number(inputs.y.value) * 100}%`;
  }

  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    const clamp = (value) => Math.min(1, Math.max(0, value)).toFixed(2);
    inputs.x.value = clamp((event.clientX - box.left) / box.width);
    inputs.y.value = clamp((event.clientY - box.top) / box.height);
    place();
  });
  inputs.x.addEventListener("input", place);
  inputs.y.addEventListener("input", place);
  place();
});
