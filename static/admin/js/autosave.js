// The story form's safety net (articles/admin/pending.py): a copy of unsaved changes is kept on the
// server a few seconds after typing stops, and leaving the page with unsaved changes asks first. A static
// file, not an inline script: the site's Content-Security-Policy allows scripts from our own origin only.
"use strict";
{
    const DELAY_MS = 3000;

    // The form's fields as the browser would submit them, minus the CSRF token, files and the inlines'
    // blank templates; a name sent more than once (a multiple choice) maps to a list.
    function serialise(form) {
        const fields = {};
        for (const [name, value] of new FormData(form)) {
            if (name === "csrfmiddlewaretoken" || typeof value !== "string" || name.includes("__prefix__")) {
                continue;
            }
            fields[name] = name in fields ? [].concat(fields[name], value) : value;
        }
        return JSON.stringify(fields);
    }

    function csrfToken(form) {
        const input = form.querySelector("input[name=csrfmiddlewaretoken]");
        if (input) {
            return input.value;
        }
        const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return cookie ? decodeURIComponent(cookie[1]) : "";
    }

    function init() {
        const status = document.querySelector("[data-autosave-url]");
        const form = status && status.closest("form");
        if (!form) {
            return;
        }
        const url = status.dataset.autosaveUrl;
        let dirty = status.hasAttribute("data-dirty");
        let submitting = false;
        let timer = null;
        let baseline = serialise(form);
        let lastSent = baseline;

        const say = (text) => {
            status.textContent = text;
        };

        const send = (leaving = false) => {
            clearTimeout(timer);
            timer = null;
            // Read at send time: the body editor keeps its HTML in a hidden field it fills as you type.
            const body = serialise(form);
            if (submitting || body === lastSent) {
                return;
            }
            fetch(url, {
                method: "POST",
                credentials: "same-origin",
                keepalive: leaving,
                headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
                body,
            })
                .then((response) =>
                    response
                        .json()
                        .catch(() => ({}))
                        .then((answer) => {
                            if (response.ok) {
                                lastSent = body;
                                say(`A copy of your unsaved changes was kept at ${answer.saved_at}.`);
                            } else {
                                say(answer.error || `Your changes could not be kept (error ${response.status}).`);
                            }
                        }),
                )
                .catch(() => say("Your changes could not be kept: no connection. They are only in this page."));
        };

        const schedule = () => {
            clearTimeout(timer);
            timer = setTimeout(send, DELAY_MS);
        };
        const edited = () => {
            dirty = true;
            schedule();
        };
        const changed = (event) => {
            if (event.isTrusted) {
                edited();
            } else if (!dirty) {
                // A widget filling its own field as it starts (the body editor): not an edit.
                baseline = lastSent = serialise(form);
            } else {
                schedule();
            }
        };
        // Capturing, so events that do not bubble (the body editor's own "input") are heard as well.
        form.addEventListener("input", changed, true);
        form.addEventListener("change", changed, true);
        form.addEventListener("keyup", schedule, true);
        if (window.django && window.django.jQuery) {
            // The autocomplete widgets announce a choice through jQuery only, and announce one as they
            // start too: a choice counts when the form differs from what was loaded.
            window.django.jQuery(form).on("change", (event) => {
                if (!event.originalEvent && serialise(form) !== baseline) {
                    edited();
                }
            });
        }

        form.addEventListener("submit", () => {
            submitting = true;
            clearTimeout(timer);
        });
        // Buttons that post the page elsewhere (publish or discard pending changes) leave the form's edits.
        for (const button of form.querySelectorAll("[data-leaves-form]")) {
            button.addEventListener("click", (event) => {
                if (dirty && !window.confirm("Your unsaved changes in this form will be lost. Continue?")) {
                    event.preventDefault();
                }
            });
        }
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden" && timer !== null) {
                send(true);
            }
        });
        window.addEventListener("beforeunload", (event) => {
            if (dirty && !submitting) {
                event.preventDefault();
                event.returnValue = "";
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
