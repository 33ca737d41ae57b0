"""Input forms. The actions check the rules again; forms give each field its own clear error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qingyuan.core import attachments
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Unit
from qingyuan.supervision.actions import MAX_FILE_BYTES, MAX_FILES
from qingyuan.supervision.choices import AnswerRating
from qingyuan.supervision.models import Member


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
        field.widget.attrs.setdefault("class", css)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Up to MAX_FILES files, each checked by content and size like every attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF, images (JPG, PNG, WebP), Word or Excel; at most %(n)d files of "
                                         "%(mb)d MB each.") % {"n": MAX_FILES, "mb": MAX_FILE_BYTES // 1048576})
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(FilesField, self).clean(item, initial) for item in items if item]
        if len(files) > MAX_FILES:
            raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        errors = []
        for upload in files:
            try:
                attachments.validate_upload(upload, max_bytes=MAX_FILE_BYTES)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return files


def opinion_units(park_id: int) -> Any:
    return Unit.objects.filter(park_id=park_id, is_active=True).exclude(kind=UnitKind.LEADING_GROUP).order_by(
        "sort_order", "name")


class OpinionForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Addressed to"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": _("Choose a unit of the group's park.")})
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 6}))
    deadline = forms.DateField(label=_("Answer due by"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Leave empty for 15 days; between 5 and 90 days."))
    files = FilesField(label=_("Attachments"))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = opinion_units(park_id)
        _style(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Your rating of the answer"), choices=AnswerRating.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required unless you are satisfied."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "type", "organisation", "user", "term_start", "term_end"]
        widgets = {"term_start": forms.DateInput(attrs={"type": "date"}),
                   "term_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(
            memberships__park_id=park_id, memberships__role=Role.SUPERVISOR, memberships__is_active=True,
        ).distinct().order_by("username")
        self.fields["user"].help_text = _("Accounts with the role “supervision group member” in this park.")
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term ends before it starts."))
        return data


class InviteForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(),
                                    error_messages={"invalid_choice": _("Choose a serving member of the group.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        _style(self)
        for field in self.fields.values():
            field.widget.attrs.update({"aria-label": str(field.label), "class": field.widget.attrs["class"] + " w-auto"})


class SignForm(forms.Form):
    signature_name = forms.CharField(label=_("Type your name to sign"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
