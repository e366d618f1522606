from django import forms
from django.contrib import admin
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse_lazy
from taggit.models import Tag

from articles.blocks import forms as blocks
from articles.images import metadata, validation
from articles.models import Article, Photo, Source
from articles.photos import held, services
from articles.publishing import editing, workflow
from articles.sanitize import strip_control

from .common import FreeTagsSelectMultiple, holds, tag_name


def metadata_prefill(image) -> dict:
    """What a photo file's agency metadata offers the photo form: caption, credit and copyright cut to fit
    their fields, and `credit_source`, the Source the credit names in any case (else None).

    PhotoForm.clean fills the empty fields with it on save; the metadata endpoint gives it to the browser.
    """
    meta = metadata.read_metadata(image)
    credit = meta["credit"]
    return {
        "caption": meta["caption"],
        "credit": credit[: Photo._meta.get_field("credit_text").max_length],
        "copyright": meta["copyright"][: Photo._meta.get_field("copyright").max_length],
        "credit_source": Source.objects.filter(name__iexact=credit).first() if credit else None,
    }


class PhotoForm(forms.ModelForm):
    # A plain file field: validation.validate_image_file judges the content and says what is wrong.
    image = forms.FileField(
        help_text=f"{validation.ACCEPTED_NAMES}. Caption, credit and copyright embedded by agencies fill the "
        "fields you leave empty.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ",".join(f"image/{ext}" for ext in ("jpeg", "png", "webp", "gif", "avif")),
                # Where photo_metadata.js reads a chosen file's metadata before the form is sent.
                "data-metadata-url": reverse_lazy("admin:articles_photo_metadata"),
            }
        ),
    )
    # The token of a file chosen on an earlier try of this form, kept while it could not be saved.
    held_upload = forms.CharField(required=False, widget=forms.HiddenInput)
    # Set by the admin (PhotoAdmin.get_form): who is saving, and why the last save could not go through.
    user = None
    storage_error = ""

    class Meta:
        model = Photo
        fields = [
            "image", "alt_text", "caption", "credit_source", "credit_text", "copyright",
            "rights", "may_redistribute", "focal_x", "focal_y",
        ]  # fmt: skip
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 3}),
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.held = None
        if self.is_bound and not self.files.get("image"):
            self.held = held.find(self.data.get("held_upload", ""), user=self.user)
        if self.held is not None:
            self._keep_file_field(self.held.name)

    def _keep_file_field(self, name: str) -> None:
        # The browser cannot be made to choose the file again: the form says which one it will save.
        field = self.fields["image"]
        field.required = False
        field.help_text = f"Kept from your last try: {name}. Save to use it, or choose another file."
        self._bound_fields_cache.pop("image", None)  # a bound field copies its help text when made

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if self.held is not None and not hasattr(image, "content_type"):
            image = held.as_upload(self.held)
        # A fresh upload carries `content_type`; an unchanged file on edit does not need checking.
        if image and hasattr(image, "content_type"):
            fmt = validation.validate_image_file(image)
            # Stored under the extension of what it is, so the file is served with the right type.
            image.name = validation.stored_name(image.name, fmt)
        return image

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("image")
        if image and hasattr(image, "content_type") and not self.has_error("image"):
            # Agency metadata only fills what the editor left empty; what they typed wins.
            meta = metadata_prefill(image)
            if not cleaned.get("caption") and meta["caption"]:
                cleaned["caption"] = meta["caption"]
            if not cleaned.get("copyright") and meta["copyright"]:
                cleaned["copyright"] = meta["copyright"]
            if not cleaned.get("credit_source") and not cleaned.get("credit_text") and meta["credit"]:
                if meta["credit_source"]:
                    cleaned["credit_source"] = meta["credit_source"]
                else:
                    cleaned["credit_text"] = meta["credit"]
        if not self.has_error("credit_source") and services.uncredited_in_published_story(
            self.instance, credit_source=cleaned.get("credit_source"), credit_text=cleaned.get("credit_text")
        ):
            # Said on the form, so nothing is saved; save_photo refuses it as well.
            self.add_error("credit_source", services.CREDIT_REQUIRED)
        if self.storage_error:
            raise forms.ValidationError(self.storage_error, code="storage_unavailable")
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors and self.held is None and not self.has_error("image"):
            upload = self.files.get("image")
            if upload is not None and self.user is not None:
                self.data = self.data.copy()
                self.data["held_upload"] = held.hold(upload, user=self.user)
                self._keep_file_field(upload.name)


class FreeTagsField(forms.ModelMultipleChoiceField):
    """Existing tags by id, new ones by name; cleans to Tag objects and the names of tags to create.

    The story's tags are then set with taggit, which creates the new names inside the save's transaction:
    a refused save leaves no tag behind. A name that is an existing tag's in any case is that tag.
    """

    allow_new = False  # whether this user may add tags: set by the form

    def clean(self, value):
        values = [str(v) for v in value or []]
        if self.required and not any(tag_name(v) for v in values):
            raise forms.ValidationError(self.error_messages["required"], code="required")
        ids = [v for v in values if v.isascii() and v.isdigit() and holds(Tag._meta.pk, v)]
        by_id = {str(tag.pk): tag for tag in self.queryset.filter(pk__in=ids)}
        names = [name for name in dict.fromkeys(tag_name(v) for v in values if v not in by_id) if name]
        longest = Tag._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name) > longest]:
            message = f"A tag name has at most {longest} characters: shorten “{too_long[0][:40]}…”."
            raise forms.ValidationError(message, code="too_long")
        existing = {}
        if names:
            named = self.queryset.filter(Q.create([("name__iexact", name) for name in names], connector=Q.OR))
            existing = {tag.name.upper(): tag for tag in named.order_by("-pk")}
        chosen = {}
        for v in values:
            name = tag_name(v)
            if tag := by_id.get(v) or existing.get(name.upper()) or name:
                chosen.setdefault(tag.pk if isinstance(tag, Tag) else name.upper(), tag)
        if (new := [t for t in chosen.values() if isinstance(t, str)]) and not self.allow_new:
            raise forms.ValidationError(
                "You may only choose existing tags: “%(names)s” is new.",
                code="new_tag",
                params={"names": "”, “".join(new)},
            )
        return list(chosen.values())


class ArticleAdminForm(forms.ModelForm):
    tags = FreeTagsField(
        queryset=Tag.objects.all(),
        required=False,
        widget=FreeTagsSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Type to find a tag; type a new name and press Enter to add it.",
    )

    # Blocks as short codes in the editor, stored as blocks (articles/blocks/forms.py).
    body = blocks.BodyField()

    user = None  # set by the admin: who is editing
    # The version this editor opened; a save on top of someone else's newer save is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "section", "tags", "lead_photo",
            "published_at", "embargo_until", "seo_title", "meta_description",
        ]  # fmt: skip

    CONTROL_STRIPPED_FIELDS = ("headline", "standfirst", "body", "seo_title", "meta_description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Wire copy pasted from other systems can carry invisible control characters; drop them
            # rather than refuse a form whose fault the editor cannot see.
            self.data = self.data.copy()
            for name in self.CONTROL_STRIPPED_FIELDS:
                key = self.add_prefix(name)
                if key in self.data:
                    self.data[key] = strip_control(self.data[key])
        if tags := self.fields.get("tags"):
            tags.allow_new = tags.widget.allow_new = bool(self.user and self.user.has_perm("taggit.add_tag"))
            if not tags.allow_new:
                tags.help_text = "Type to find a tag. Ask an editor to add a new one."
        self.conflict = None
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_headline(self):
        headline = strip_control(self.cleaned_data.get("headline") or "").strip()
        if not headline:
            raise forms.ValidationError("A headline is required.")
        return headline

    def clean_body(self):
        opened = self.get_initial_for_field(self.fields["body"], "body") or ""
        return blocks.clean_body(self.cleaned_data.get("body"), opened=opened, article_id=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        self.stored = None
        if self.instance.pk:
            conflict = editing.find_conflict(
                article_id=self.instance.pk, loaded_version=cleaned.get("loaded_version")
            )
            if conflict:
                self.conflict = {"by": conflict.current.updated_by, "at": conflict.current.updated_at,
                                 "changes": conflict.changes}  # fmt: skip
                # Saving again after reading the conflict is a deliberate choice to replace their version.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = conflict.current.version
                raise conflict
            self.stored = Article.objects.get(pk=self.instance.pk)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.conflict:
            return
        # The service's own rules, on the story as edited, shown as form errors: the service checks them
        # again when it saves, for every other writer.
        problems = editing.edit_problems(article=self.instance, user=self.user, before=self.stored)
        for field, messages in problems.items():
            field = field if field in self.fields else None
            if field is None or not self.has_error(field):
                for message in messages:
                    self.add_error(field, message)


class GalleryFormSet(BaseInlineFormSet):
    """A published story's gallery takes only credited photos (the publish rule), said on the form."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or self.instance.status != Article.Status.PUBLISHED:
            return
        kept = [
            form.cleaned_data["photo"]
            for form in self.forms
            if form.cleaned_data.get("photo") and not form.cleaned_data.get("DELETE")
        ]
        if problems := workflow.credit_problems(gallery=kept):
            raise forms.ValidationError(problems)
