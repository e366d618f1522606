/* Counts a read of this story (articles/readership/beacon.py) once the page has loaded: its id, the page
   it came from and this page's query string (for ?nl= and utm_medium=email) go to /r/; the server keeps
   only the story, the hour and the referrer's class and domain. No cookie, no storage, no third party. */
(function () {
  "use strict";
  var script = document.currentScript;
  var story = script && script.getAttribute("data-story");
  if (!story || !navigator.sendBeacon || !window.URLSearchParams) return;

  function send() {
    var body = new URLSearchParams({ s: story, r: document.referrer, q: window.location.search });
    navigator.sendBeacon(script.getAttribute("data-url"), body);
  }

  // A prerendered page counts only if the reader actually opens it.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else if (document.readyState === "complete") {
    send();
  } else {
    window.addEventListener("load", send, { once: true });
  }
})();
