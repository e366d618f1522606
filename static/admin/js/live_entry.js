// The live entry form on a live story's change page (articles/admin/live.py): Ctrl+Enter, or ⌘+Enter on
// a Mac, posts the entry from anywhere in the form, the body's editor included, as the button would
// (requestSubmit runs the form's own checks and submit handlers, so the editor's text goes with it).
"use strict";
{
    document.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.repeat) {
            return;
        }
        const form = event.target.closest && event.target.closest("form.live-entry-form");
        if (!form) {
            return;
        }
        // Caught on the way down, before the editor, whose Mod+Enter would add a line break (Shift+Enter
        // still does).
        event.preventDefault();
        event.stopPropagation();
        if (!form.dataset.posting) {
            form.dataset.posting = "1"; // one entry, however quickly the keys are pressed again
            form.requestSubmit();
        }
    }, true);
}
