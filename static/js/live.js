// A live story's page follows its coverage (articles/live/): while the tab is visible it asks every
// data-live-poll seconds for what changed since the count it has, with the last answer's ETag so an
// unchanged answer is a 304, and puts new, corrected, pinned or withdrawn entries in place. Without
// this script the page is complete as served. A static file: the CSP allows no inline script.
"use strict";
{
    const root = document.querySelector("[data-live-endpoint]");
    if (root) {
        const endpoint = root.dataset.liveEndpoint;
        const interval = Math.max(1, Number(root.dataset.livePoll) || 20) * 1000;
        const list = root.querySelector(".live-entries");
        const pinnedSlot = root.querySelector(".live-pinned");
        const keyEvents = root.querySelector(".live-key-events");
        const announce = root.querySelector(".live-announce");
        const hasOlder = root.dataset.liveMore === "1";
        let seq = root.dataset.liveSeq;
        let etag = null;
        let timer = null;
        let busy = false;
        let lastPoll = Date.now();

        const toNode = (html) => {
            const template = document.createElement("template");
            template.innerHTML = html.trim();
            return template.content.firstElementChild;
        };

        // Newest first: before the first entry published earlier than this one.
        const placeInList = (node) => {
            const published = Number(node.dataset.published);
            const later = [...list.querySelectorAll(":scope > .live-entry")].find(
                (other) => Number(other.dataset.published) < published,
            );
            if (later) {
                list.insertBefore(node, later);
            } else if (!hasOlder) {
                list.append(node);
            }
        };

        // What the reader is looking at stays where it is when entries arrive above it (browsers without
        // scroll anchoring would push it down): the first entry still on screen is kept in place.
        const keepInView = (change) => {
            const anchor = [...root.querySelectorAll(".live-entry")].find(
                (entry) => entry.getBoundingClientRect().bottom > 0,
            );
            const listAbove = list.getBoundingClientRect().top < 0;
            const before = anchor ? anchor.getBoundingClientRect().top : 0;
            change();
            if (anchor && listAbove && anchor.isConnected) {
                const moved = anchor.getBoundingClientRect().top - before;
                if (moved) {
                    window.scrollBy(0, moved);
                }
            }
        };

        const apply = (answer) => keepInView(() => update(answer));

        const update = (answer) => {
            let added = 0;
            let changed = 0;
            for (const item of answer.entries) {
                const existing = document.getElementById(`entry-${item.id}`);
                if (item.removed) {
                    if (existing) {
                        existing.remove();
                        changed += 1;
                    }
                    continue;
                }
                const node = toNode(item.html);
                if (existing && existing.parentElement === (item.pinned ? pinnedSlot : list)) {
                    existing.replaceWith(node);
                    changed += 1;
                    continue;
                }
                if (existing) {
                    existing.remove();
                    changed += 1;
                } else {
                    node.classList.add("live-entry--new");
                    added += 1;
                }
                if (item.pinned) {
                    for (const old of pinnedSlot.querySelectorAll(".live-entry")) {
                        old.remove();
                    }
                    pinnedSlot.append(node);
                } else {
                    placeInList(node);
                }
            }
            if (added) {
                list.querySelector(".live-empty")?.remove();
            }
            if (answer.key_events !== undefined) {
                keyEvents.querySelector("ol").innerHTML = answer.key_events;
                keyEvents.hidden = !answer.key_events.trim();
            }
            if (answer.ended_html) {
                root.querySelector(".live-state").innerHTML = answer.ended_html;
            }
            const said = [];
            if (added) said.push(added === 1 ? "1 new entry" : `${added} new entries`);
            if (changed) said.push(changed === 1 ? "1 entry updated" : `${changed} entries updated`);
            if (answer.ended) said.push("Live coverage has ended");
            if (said.length) {
                announce.textContent = `${said.join(", ")}.`;
            }
        };

        const schedule = () => {
            clearTimeout(timer);
            timer = document.visibilityState === "visible" ? setTimeout(poll, interval) : null;
        };

        function poll() {
            if (busy || document.visibilityState !== "visible") {
                return;
            }
            busy = true;
            lastPoll = Date.now();
            const headers = { Accept: "application/json" };
            if (etag) {
                headers["If-None-Match"] = etag;
            }
            fetch(`${endpoint}?after=${encodeURIComponent(seq)}`, { headers, credentials: "same-origin" })
                .then((response) => {
                    if (response.status === 304 || !response.ok) {
                        return null;
                    }
                    etag = response.headers.get("ETag");
                    return response.json();
                })
                .then((answer) => {
                    if (!answer) {
                        return;
                    }
                    if (answer.reload) {
                        window.location.reload();
                        return;
                    }
                    apply(answer);
                    seq = String(answer.seq);
                    if (answer.ended) {
                        clearTimeout(timer);
                        timer = "ended";
                    }
                })
                .catch(() => {})
                .finally(() => {
                    busy = false;
                    if (timer !== "ended") {
                        schedule();
                    }
                });
        }

        document.addEventListener("visibilitychange", () => {
            if (timer === "ended") {
                return;
            }
            if (document.visibilityState === "visible" && Date.now() - lastPoll >= interval) {
                poll();
            } else {
                schedule();
            }
        });
        schedule();
    }
}
