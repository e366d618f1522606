"""Listing pages read by ids first (public/views.py's listings)."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class ListingPage(Page):
    """A page that knows whether an older one exists without the listing's size."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class IdsFirstPaginator(Paginator):
    """Reads a page's ids first (an index-only scan, however deep the page), then only those rows.

    It never counts: readers need newer and older pages, not that a tag has 36,415 stories, and the
    exact count read every link of a big tag (29 ms, more than the rest of the page). One id beyond
    the page tells whether an older page exists; an empty page after the first is a 404.
    """

    MAX_PAGE = 100_000  # two million stories: anything past it is a typo or a probe, not a page
    # The first pages, the ones readers and crawlers mostly ask for, are read in one query: skipping a
    # few hundred index entries with the rows costs less than a second query's round trip and compile.
    SHALLOW = 200

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > self.MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.SHALLOW:
            rows = list(self.object_list[bottom : bottom + self.per_page + 1])
            if not rows and number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            return ListingPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        more, ids = len(ids) > self.per_page, ids[: self.per_page]
        if not ids and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        by_id = self.object_list.model.objects.none() if not ids else self.object_list.filter(pk__in=ids)
        rows = sorted(by_id, key=lambda article: ids.index(article.pk))
        return ListingPage(rows, number, self, more=more)


class CardPaginator(IdsFirstPaginator):
    """IdsFirstPaginator over a listing.Listing: each page one query, its stories as card rows."""

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list.page((number - 1) * self.per_page, self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return ListingPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
