// Pages that wait on background work, progressively enhanced (docs/accessibility.md, "No page
// reloads on its own"). Without JavaScript such a page never reloads by itself and offers a "check
// again" link. With it, the element marked data-progress-poll="<seconds>" is fetched again and
// updated in place every few seconds, and a button pauses and resumes the updates (WCAG 2.2.1 and
// 2.2.2). When the work is done (the fetched page no longer has the mark), the page's content is
// replaced once and the updates stop.
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-progress-poll]");
    var main = document.getElementById("main");
    if (!box || !box.id || !main || !window.fetch || !window.DOMParser) return;
    var seconds = parseInt(box.getAttribute("data-progress-poll"), 10) || 3;
    var paused = false;
    var timer = null;

    var controls = document.createElement("p");
    var note = document.createElement("span");
    note.textContent = box.getAttribute("data-label-updating") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.textContent = box.getAttribute("data-label-pause");
    controls.appendChild(note);
    controls.appendChild(button);
    box.parentNode.insertBefore(controls, box.nextSibling);

    function schedule() {
      timer = window.setTimeout(check, seconds * 1000);
    }

    function check() {
      timer = null;
      window
        .fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var page = new window.DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(box.id);
          if (fresh && fresh.hasAttribute("data-progress-poll")) {
            box.innerHTML = fresh.innerHTML;
            if (!paused) schedule();
          } else {
            var freshMain = page.getElementById("main");
            if (freshMain) main.innerHTML = freshMain.innerHTML;
            if (page.title) document.title = page.title;
          }
        })
        .catch(function () {
          // A failed check stops the updates; the "check again" link still works.
          controls.parentNode && controls.parentNode.removeChild(controls);
        });
    }

    button.addEventListener("click", function () {
      paused = !paused;
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      button.textContent = box.getAttribute(paused ? "data-label-resume" : "data-label-pause");
      if (paused && timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      } else if (!paused && timer === null) {
        check();
      }
    });
    schedule();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
