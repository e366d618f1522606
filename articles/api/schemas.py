"""The shapes the API answers with, as pydantic models: they make the OpenAPI schema (/api/v1/schema/).

The views write their JSON themselves (the models are not run on each response); tests/api check every
response against these models, so the documentation cannot drift from what is sent. The ninjs models
cover the subset of ninjs 2.2 the API uses, with IPTC's names and meanings (articles/ninjs.py).
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(Strict):
    role: str = Field(
        description="headlines: main, seo; descriptions: summary, seo, caption, alternative-text"
    )
    contenttype: str = Field(description="IANA media type of `value`")
    value: str


class Body(Strict):
    role: str = Field(description="main; correction or update in a correction's association")
    contenttype: str = Field(description="text/html for a story (sanitised), text/plain for a note")
    value: str
    charcount: int | None = Field(None, description="Characters of text, markup left out")
    wordcount: int | None = None


class Rendition(Strict):
    name: str = Field(description="`web` for a page; for a picture `<crop>-<width>-<format>`")
    href: str = Field(description="Absolute URL")
    contenttype: str
    width: int | None = None
    height: int | None = None


class Subject(Strict):
    name: str
    rel: str = Field(description="section or tag")
    uri: str = Field(description="The section's or tag's page")
    literal: str = Field(description="The slug, as the `section` and `tag` filters take it")


class InfoSource(Strict):
    name: str
    role: str = Field(
        description="author (a byline), source (an outlet the story attributes), credit (a picture's)"
    )
    uri: str | None = None
    literal: str | None = Field(None, description="The slug, as the `author` filter takes it")


class AltId(Strict):
    role: str = Field(description="id (this API's story id) or slug")
    value: str


class Standard(Strict):
    name: str
    version: str
    schema_: str = Field(alias="schema")


class Association(Strict):
    """A picture (type picture) or a correction or update note (type text, profile correction/update)."""

    name: str = Field(description="leadpicture, gallery-<n>, correction-<id>")
    uri: str
    type: str = Field(description="picture or text")
    profile: str | None = Field(None, description="correction or update, for a note")
    firstcreated: datetime | None = Field(None, description="When the note was added")
    by: str | None = Field(None, description="A picture's credit")
    copyrightnotice: str | None = None
    usageterms: str | None = Field(None, description="Whether partners may redistribute the picture")
    descriptions: list[Text] = []
    bodies: list[Body] = []
    infosources: list[InfoSource] = []
    renditions: list[Rendition] = []


class Story(Strict):
    """A published story as an IPTC ninjs 2.2 news item."""

    uri: str = Field(description="The story's permanent tag: URI (its RSS/Atom GUID too)")
    standard: Standard
    type: str = Field(description="Always text")
    representationtype: str = Field(description="Always full")
    version: str = Field(description="Increases with every saved change")
    firstcreated: datetime = Field(description="First published")
    versioncreated: datetime = Field(description="Last changed: use with `updated_since`")
    contentcreated: datetime = Field(description="First drafted")
    pubstatus: str = Field(description="Always usable: unpublished stories leave the API")
    language: str = Field(description="BCP 47")
    slugline: str
    altids: list[AltId]
    headlines: list[Text]
    descriptions: list[Text] = []
    bodies: list[Body] = []
    by: str | None = Field(None, description="The byline as readers see it")
    infosources: list[InfoSource] = []
    subjects: list[Subject]
    associations: list[Association] = []
    renditions: list[Rendition]


class StoryPage(Strict):
    items: list[Story]
    next: str | None = Field(description="The next (older) page's URL; null on the last page")
    next_cursor: str | None = Field(description="The `cursor` value of that page")


class Section(Strict):
    id: int
    name: str
    slug: str
    parent: str | None = Field(description="The parent section's slug")
    description: str
    uri: str = Field(description="The section's page")
    stories: str = Field(description="This API's list of its stories (sub-sections' included)")


class Tag(Strict):
    id: int
    name: str
    slug: str
    uri: str
    stories: str


class Author(Strict):
    id: int
    name: str
    slug: str
    bio: str
    is_agency: bool = Field(description='A wire byline such as "Reuters staff"')
    uri: str
    stories: str


class SectionList(Strict):
    items: list[Section]


class TagPage(Strict):
    items: list[Tag]
    next: str | None
    next_cursor: str | None


class AuthorPage(Strict):
    items: list[Author]
    next: str | None
    next_cursor: str | None


class Problem(Strict):
    detail: str = Field(description="What was wrong, in words")


class Index(Strict):
    stories: str
    sections: str
    tags: str
    authors: str
    schema_: str = Field(alias="schema")
    docs: str
