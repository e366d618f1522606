from django.urls import include, path

from . import feeds, sitemaps, views
from . import live as live_views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections-policy/", views.corrections_policy, name="corrections_policy"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.search_page, name="search"),
    path("live/<int:article_id>/entries", live_views.live_entries, name="live_entries"),
    path("feeds/", include(feeds.urlpatterns)),
    path("", include(sitemaps.urlpatterns)),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:section>/<slug:slug>/", views.article_detail, name="detail"),
]
