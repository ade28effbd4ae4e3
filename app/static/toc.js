// The analysis' table of contents (templates/analysis/_analysis.html.jinja2) stays at the
// top of the page (app.css); this marks the section being read (aria-current) and keeps
// its link in sight when the contents scroll sideways (a phone). The same for the save
// page and local analysis: it looks for the contents at every scroll, not once.
(() => {
  "use strict";
  let queued = false;

  function mark() {
    queued = false;
    for (const toc of document.querySelectorAll("nav.toc")) {
      const links = [...toc.querySelectorAll('a[href^="#"]')];
      const line = toc.getBoundingClientRect().bottom + 16;
      let current = null;
      for (const link of links) {
        const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (target && target.getBoundingClientRect().top <= line) current = link;
      }
      for (const link of links) {
        if (link !== current) {
          link.removeAttribute("aria-current");
        } else if (!link.hasAttribute("aria-current")) {
          link.setAttribute("aria-current", "location");
          // Scroll the contents only (scrollIntoView would move the page too).
          toc.scrollTo({ left: link.offsetLeft - (toc.clientWidth - link.offsetWidth) / 2 });
        }
      }
    }
  }

  function queue() {
    if (!queued) {
      queued = true;
      requestAnimationFrame(mark);
    }
  }

  addEventListener("scroll", queue, { passive: true });
  addEventListener("resize", queue);
  addEventListener("hashchange", queue);
  document.addEventListener("htmx:afterSettle", queue);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", queue);
  else queue();
})();
