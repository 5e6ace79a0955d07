"""Article, home, section and tag URLs (WordPress's /yyyy/mm/dd/slug/ form)."""

from django.urls import path

from masthead.articles import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("page/<page:page>/", views.home, name="home"),
    path(
        "<int:year>/<str:month>/<str:day>/<slug:slug>/",
        views.article_detail,
        name="detail",
    ),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("section/<slug:slug>/page/<page:page>/", views.section_detail, name="section"),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("tag/<slug:slug>/page/<page:page>/", views.tag_detail, name="tag"),
]
