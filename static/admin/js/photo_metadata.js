"use strict";
// The photo form: when a file is chosen, its agency caption, credit and copyright fill the fields the
// editor left empty, before saving (the server fills them on save as well, for forms sent without this).
// A file the server would refuse is said next to the file input at once.
{
    let latest = 0;

    function field(name) {
        return document.getElementById(`id_${name}`);
    }

    function fillIfEmpty(name, value) {
        const input = field(name);
        if (!input || !value || input.value.trim()) {
            return false;
        }
        input.value = value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        return true;
    }

    async function sourceName(select, id, fallback) {
        // The Source's own spelling (the file may say "REUTERS"), from the autocomplete the field uses.
        const url = new URL(select.getAttribute("data-ajax--url"), window.location.href);
        url.searchParams.set("term", fallback);
        url.searchParams.set("app_label", select.dataset.appLabel);
        url.searchParams.set("model_name", select.dataset.modelName);
        url.searchParams.set("field_name", select.dataset.fieldName);
        try {
            const answer = await (await fetch(url, { credentials: "same-origin" })).json();
            const match = answer.results.find((result) => String(result.id) === String(id));
            return match ? match.text : fallback;
        } catch {
            return fallback;
        }
    }

    async function fillCredit(found) {
        const source = field("credit_source");
        if (!found.credit || (source && source.value) || (field("credit_text") || {}).value) {
            return false;
        }
        if (source && found.credit_source !== null) {
            // The agency's Source, chosen in its autocomplete as if picked by hand.
            const name = await sourceName(source, found.credit_source, found.credit);
            source.append(new Option(name, found.credit_source, true, true));
            source.dispatchEvent(new Event("change", { bubbles: true }));
            return true;
        }
        return fillIfEmpty("credit_text", found.credit);
    }

    function statusFor(input) {
        let status = document.getElementById("photo-metadata-status");
        if (!status) {
            status = document.createElement("div");
            status.id = "photo-metadata-status";
            status.className = "help";
            status.setAttribute("aria-live", "polite");
            input.after(status);
        }
        return status;
    }

    function say(input, text, isError) {
        const status = statusFor(input);
        status.textContent = text;
        status.style.color = isError ? "var(--error-fg, #ba2121)" : "";
        if (isError) {
            input.setAttribute("aria-invalid", "true");
        } else {
            input.removeAttribute("aria-invalid");
        }
    }

    async function readMetadata(input) {
        const file = input.files && input.files[0];
        const request = ++latest;
        if (!file) {
            say(input, "", false);
            return;
        }
        const body = new FormData();
        body.append("image", file);
        const token = input.form.querySelector("[name=csrfmiddlewaretoken]");
        let response;
        let found;
        try {
            response = await fetch(input.dataset.metadataUrl, {
                method: "POST",
                body,
                headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
                credentials: "same-origin",
            });
            found = await response.json();
        } catch {
            // No answer (offline, signed out): the server still fills the fields on save.
            return;
        }
        if (request !== latest) {
            return; // another file was chosen meanwhile
        }
        if (!response.ok) {
            say(input, found.error || "This file cannot be used.", true);
            return;
        }
        const filled = [];
        if (fillIfEmpty("caption", found.caption)) filled.push("caption");
        if (await fillCredit(found)) filled.push("credit");
        if (fillIfEmpty("copyright", found.copyright)) filled.push("copyright");
        say(input, filled.length ? `Filled from the file's metadata: ${filled.join(", ")}.` : "", false);
    }

    document.addEventListener("DOMContentLoaded", () => {
        const input = document.querySelector("input[type=file][data-metadata-url]");
        if (input) {
            input.addEventListener("change", () => readMetadata(input));
        }
    });
}
