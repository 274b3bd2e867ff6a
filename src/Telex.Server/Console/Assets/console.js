// Telex console: live updates. Pages work without this script; with it, the parts of a page marked data-live are
// fetched again and replaced when the agency reports an event (a telegram registered, a receipt, a read receipt,
// a status change), so officers see new traffic without reloading. Also wires the print buttons.
"use strict";
(() => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }

  if (!document.querySelector("[data-live]") || !window.EventSource) {
    return;
  }

  const announce = document.getElementById("live-announce");
  const kinds = [
    "telegram.registered", "telegram.queued", "telegram.sent", "telegram.delivered", "telegram.read", "telegram.failed",
    "issue.opened", "issue.changed", "draft.submitted", "draft.cleared", "draft.returned", "draft.approved",
    "coordination.requested", "coordination.approved", "coordination.refused",
    "tie.established", "tie.verified", "tie.suspended", "tie.severed", "tie.terms", "tie.terms-proposed",
    "bureau.proposed", "bureau.members", "bureau.chartered", "bureau.accepted", "bureau.left",
    "officer.added", "officer.password-reset", "officer.unlocked", "officer.disabled", "officer.enabled", "officer.role-changed",
    "officer.removed", "officer.locked-out",
  ];
  let pending = null;
  let running = false;

  async function refresh() {
    pending = null;
    if (running) {
      pending = setTimeout(refresh, 150);
      return;
    }
    running = true;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { "X-Telex-Live": "1" } });
      if (!response.ok) {
        return;
      }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const region of document.querySelectorAll("[data-live]")) {
        const replacement = fresh.getElementById(region.id);
        if (replacement && replacement.innerHTML !== region.innerHTML) {
          region.innerHTML = replacement.innerHTML;
        }
      }
    } catch {
      // The next event tries again.
    } finally {
      running = false;
    }
  }

  const source = new EventSource("/events");
  for (const kind of kinds) {
    source.addEventListener(kind, () => {
      if (kind === "telegram.registered" && announce) {
        announce.textContent = "A new telegram has arrived.";
      }
      if (!pending) {
        pending = setTimeout(refresh, 100);
      }
    });
  }
  // After a reconnection, catch up on whatever happened while the stream was down.
  source.addEventListener("open", () => {
    if (!pending) {
      pending = setTimeout(refresh, 100);
    }
  });
  document.documentElement.dataset.live = "connected";
})();
