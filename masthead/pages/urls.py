"""Static pages at /<slug>/."""

from django.urls import path

from masthead.pages import views

app_name = "pages"
urlpatterns = [
    path("<slug:slug>/", views.page_detail, name="detail"),
]
