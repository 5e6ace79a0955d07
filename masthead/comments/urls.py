"""Comment posting."""

from django.urls import path

from masthead.comments import views

app_name = "comments"
urlpatterns = [
    path("<int:article_id>/", views.comment_create, name="create"),
]
