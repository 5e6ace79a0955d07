"""Author pages."""

from django.urls import path

from masthead.authors import views

app_name = "authors"
urlpatterns = [
    path("<slug:slug>/", views.author_detail, name="detail"),
    path("<slug:slug>/page/<page:page>/", views.author_detail, name="detail"),
]
