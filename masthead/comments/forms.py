"""The "Leave a Reply" form: every field checked on the server, errors with a code."""

import unicodedata

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from masthead.comments.models import Comment

# A field named like a real one that people never see: bots fill it in.
HONEYPOT_FIELD = "homepage"


def clean_text(value: str) -> str:
    """Return `value` without control characters other than newlines and tabs."""
    return "".join(
        character
        for character in value
        if character in "\n\t" or unicodedata.category(character)[0] != "C"
    ).strip()


class CommentForm(forms.Form):
    # Rendered on every article page: Jinja2's widget templates, like the page's.
    default_renderer = Jinja2()

    author_name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    author_url = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 8}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    homepage = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        max_length = settings.MASTHEAD_COMMENTS_MAX_LENGTH
        self.fields["body"].validators.append(MaxLengthValidator(max_length))
        self.fields["body"].widget.attrs["maxlength"] = max_length
        autocomplete = {"author_name": "name", "email": "email", "author_url": "url"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields[HONEYPOT_FIELD].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1"}
        )

    def full_clean(self):
        super().full_clean()
        # Tie each error to its field for screen readers (WCAG 3.3.1).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )

    def clean_author_name(self):
        name = clean_text(self.cleaned_data["author_name"])
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_body(self):
        body = clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Please write a comment."), code="required")
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = (
            Comment.objects.approved()
            .filter(pk=parent_id, article=self.article)
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                _("The comment you are replying to is not available."),
                code="invalid_parent",
            )
        return parent
