/* Privacy-first embeds (articles/blocks/embeds.py): a provider's player loads only when the reader asks.
   Until then the page holds a placeholder with a link; nothing is requested from the provider. */
(function () {
  "use strict";
  var ALLOW = "autoplay; encrypted-media; fullscreen; picture-in-picture; clipboard-write";
  var SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation";

  function load(figure) {
    var src = figure.getAttribute("data-embed-src") || "";
    var placeholder = figure.querySelector(".embed-placeholder");
    if (src.indexOf("https://") !== 0 || !placeholder) return;
    var frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.title = figure.getAttribute("data-embed-title") || "Embedded content";
    frame.setAttribute("allow", ALLOW);
    frame.setAttribute("sandbox", SANDBOX);
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.src = src;
    placeholder.replaceWith(frame);
    figure.classList.add("embed-loaded");
    // The button that had focus is gone: keyboard users continue in the player.
    frame.focus();
  }

  // Placeholders on the page, and those that arrive later (a live story's new entries, live.js).
  function reveal(root) {
    root.querySelectorAll("figure.embed[data-embed-src] .embed-consent[hidden]").forEach(function (consent) {
      if (consent.querySelector(".embed-load")) consent.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("figure.embed .embed-load") : null;
    if (button) load(button.closest("figure.embed"));
  });
  reveal(document);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) { if (node.querySelectorAll) reveal(node); });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
