// veryGood! button and view beacon. Without this script the form still posts and the server redirects back.
(() => {
  "use strict";

  const FALLBACK = {
    403: "Your session has expired. Reload the page and try again.",
    404: "This article isn't available for voting.",
    429: "Too many votes from this connection. Please wait a few minutes.",
  };
  const GENERIC = "Your vote could not be recorded. Please try again.";

  // What happened, in the status region's own words (a screen reader announces it): "Thanks — your vote is
  // counted. veryGood! now stands at 42."
  function outcome(words, data) {
    const what = data.voted
      ? (data.changed ? words.counted : words.already)
      : (data.changed ? words.withdrawn : words.notVoted);
    if (!what || !words.stands || !Number.isInteger(data.votes)) return "";
    return `${what} ${words.stands.replace("{count}", String(data.votes))}`;
  }

  function setup(form) {
    const button = form.querySelector(".vote-button");
    const count = form.querySelector(".vote-count");
    const action = form.querySelector("input[name=action]");
    const message = form.querySelector(".vote-message");
    if (!button || !count || !action) return;
    let acted = false;
    let busy = false;
    // The beacon hands a new reader their cookie and token: a vote waits for it, or the two answers would give
    // one reader two ids (the vote's, then the beacon's), and withdrawing would find no vote.
    let introduced = Promise.resolve();

    function show(votes, voted) {
      if (Number.isInteger(votes)) count.textContent = String(votes);
      if (typeof voted === "boolean") {
        button.setAttribute("aria-pressed", String(voted));
        action.value = voted ? "undo" : "vote";
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      acted = true;
      if (message) message.textContent = "";
      const before = Number.parseInt(count.textContent, 10) || 0;
      const wasPressed = button.getAttribute("aria-pressed") === "true";
      const intent = action.value;
      // Show the press at once; the committed count from the server replaces it.
      show(Math.max(0, before + (wasPressed ? -1 : 1)), !wasPressed);
      try {
        await introduced;
        const body = new FormData(form); // after the beacon: its token is in the form now
        body.set("action", intent);
        const response = await fetch(form.getAttribute("action"), {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(data.error || FALLBACK[response.status] || GENERIC);
        show(data.votes, data.voted);
        if (message) message.textContent = outcome(message.dataset, data);
      } catch (error) {
        show(before, wasPressed);
        if (message) message.textContent = error instanceof TypeError ? GENERIC : error.message;
      } finally {
        busy = false;
      }
    });

    function beacon() {
      const url = form.dataset.beaconUrl;
      if (!url) return;
      introduced = fetch(url, { method: "POST", credentials: "same-origin", keepalive: true, headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => {
          if (!data) return;
          // A shared page carries no token; this reader's comes with the beacon.
          if (data.csrf) {
            let token = form.querySelector("input[name=csrfmiddlewaretoken]");
            if (!token) {
              token = document.createElement("input");
              token.type = "hidden";
              token.name = "csrfmiddlewaretoken";
              form.prepend(token);
            }
            token.value = data.csrf;
          }
          for (const element of document.querySelectorAll("[data-live-views]")) {
            element.textContent = data.views_label || String(data.views);
          }
          if (!acted) show(data.votes, data.voted);
        })
        .catch(() => {});
    }

    // A prerendered page is not read yet: count it when (and if) the reader actually opens it.
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", beacon, { once: true });
    } else {
      beacon();
    }
  }

  document.querySelectorAll("form.vote").forEach(setup);
})();
