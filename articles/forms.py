from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from taggit.models import Tag

from . import images
from .models import Article, Photo, Source


class PhotoForm(forms.ModelForm):
    # A plain file field: images.validate_image_file judges the content and says what is wrong.
    image = forms.FileField(
        help_text=Photo._meta.get_field("image").help_text,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

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

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # A fresh upload carries `content_type`; an unchanged file on edit does not need checking.
        if image and hasattr(image, "content_type"):
            images.validate_image_file(image)
        return image

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("image")
        if image and hasattr(image, "content_type") and not self.has_error("image"):
            meta = images.read_metadata(image)
            if not cleaned.get("caption") and meta["caption"]:
                cleaned["caption"] = meta["caption"]
            if not cleaned.get("copyright") and meta["copyright"]:
                cleaned["copyright"] = meta["copyright"]
            if not cleaned.get("credit_source") and not cleaned.get("credit_text") and meta["credit"]:
                source = Source.objects.filter(name__iexact=meta["credit"]).first()
                if source:
                    cleaned["credit_source"] = source
                else:
                    cleaned["credit_text"] = meta["credit"][:120]
        return cleaned


class ArticleAdminForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Type to find a tag; the + button adds a new one.",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "section", "tags", "lead_photo",
            "status", "published_at", "embargo_until", "seo_title", "meta_description",
        ]  # fmt: skip

    def clean_headline(self):
        headline = (self.cleaned_data.get("headline") or "").replace("\x00", "").strip()
        if not headline:
            raise forms.ValidationError("A headline is required.")
        return headline
