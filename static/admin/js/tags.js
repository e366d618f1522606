"use strict";
// Tags typed freely: the admin's autocomplete for tags, with select2's `tags: true` so that a name not
// found becomes a new tag (created by the server when the story is saved). Only on selects the server
// marks data-free-tags, i.e. for users who may add tags.
{
    const $ = django.jQuery;

    const sameName = (a, b) => a.toLocaleUpperCase() === b.toLocaleUpperCase();

    function freeTags(element) {
        // autocomplete.js has already made it a plain autocomplete: select2 replaces that instance.
        $(element).select2({
            tags: true,
            tokenSeparators: [","],
            createTag: (params) => {
                // Whitespace as the server stores it, so the chip shows the tag that will be saved.
                const name = params.term.replace(/\s+/g, " ").trim();
                return name ? { id: name, text: name } : null;
            },
            insertTag: (results, tag) => {
                // An existing tag in another case is that tag (the server reuses it): offer only it.
                if (!results.some((result) => sameName(result.text || "", tag.text))) {
                    results.unshift(tag);
                }
            },
            // The ajax URL, delay and theme come from the select's data-* attributes, as for autocomplete.js.
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName,
                }),
            },
        });
    }

    $(function () {
        $("select[data-free-tags]").not("[name*=__prefix__]").each((i, element) => freeTags(element));
    });
}
