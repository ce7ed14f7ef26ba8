"""The yearly teaching partnership review page. The partnership is found through
`rules.partnerships_of` (404 otherwise); every change goes through `partnerships`, which decides
whether it is allowed and what each side may read."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import User
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import (
    CONFIRM_FIELD,
    REDACT_FIELD,
    GuardedFormMixin,
    confirmed_fingerprints,
    record_confirmation,
)

from . import partnerships as services
from .models import Partnership, PartnershipReview
from .rules import partnerships_of

TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--yellow", "green": "govuk-tag--green"}


class SideCommentsForm(GuardedFormMixin, forms.Form):
    """The comments on one side's ratings, checked by the identifying-information guard (the
    ratings themselves are read and checked by the service)."""

    def __init__(self, *args, side, **kwargs):
        super().__init__(*args, auto_id=f"side-{side.pk}-%s", **kwargs)
        for area in Partnership.Area:
            self.fields[f"{area.value}-comment"] = forms.CharField(
                label=f"Comment on {area.label.lower()}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class ActionForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action"},
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label="Owner",
        error_messages={"required": "Choose who owns the action"},
    )
    due_on = GovUKDateField(name_in_errors="due date", label="Due on")

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.possible_owners(review)


def _side_form(side, *, data=None, errors=None, comment_errors=None) -> dict:
    """One side's table of areas: the rating and comment for each (as typed, after an error),
    with the errors about each rating (``errors``) and each comment (``comment_errors``), by
    area."""
    errors = errors or {}
    comment_errors = comment_errors or {}
    rows = []
    for area in Partnership.Area:
        saved = (side.ratings or {}).get(area.value, {})
        if data is not None:
            rating = data.get(f"{area.value}-rating", "")
            comment = data.get(f"{area.value}-comment", "")
        else:
            rating, comment = saved.get("rating", ""), saved.get("comment", "")
        rows.append(
            {
                "area": area.value,
                "label": area.label,
                "rating": rating,
                "rating_label": PartnershipReview.Rating(rating).label
                if rating in PartnershipReview.Rating.values
                else "",
                "tag": TAGS.get(rating, ""),
                "comment": comment,
                "errors": errors.get(area.value, []),
                "comment_errors": comment_errors.get(area.value, []),
            }
        )
    return {
        "side": side,
        "rows": rows,
        "editable": side.submitted_at is None,
        "errors": errors.get(NON_FIELD_ERRORS, []),
        "has_errors": bool(errors or comment_errors),
    }


def _comparison(sides) -> list[dict]:
    """Areas down, sides across: each side's rating (as a word) and comment."""
    rows = []
    for area in Partnership.Area:
        cells = []
        for side in sides:
            entry = (side.ratings or {}).get(area.value, {})
            rating = entry.get("rating", "")
            cells.append(
                {
                    "side": side,
                    "rating": rating,
                    "label": PartnershipReview.Rating(rating).label
                    if rating in PartnershipReview.Rating.values
                    else "Not rated",
                    "tag": TAGS.get(rating, "govuk-tag--grey"),
                    "comment": entry.get("comment", ""),
                }
            )
        rows.append({"area": area.label, "cells": cells})
    return rows


def _context(request, partnership, review, *, side_forms=None, action_form=None) -> dict:
    user = request.user
    own = services.sides_of(user, review)
    complete = services.is_complete(review)
    visible = services.visible_sides(review=review, user=user)
    side_forms = side_forms or {}
    forms_for_own = [side_forms.get(side.pk) or _side_form(side) for side in own]
    if complete and own and action_form is None:
        action_form = ActionForm(review=review)
    years = [y for y in (review.year - 1, review.year + 1) if services.valid_year(y)]
    return {
        "partnership": partnership,
        "review": review,
        "own_forms": forms_for_own,
        # "Error: " in the title (base.html) for a side's errors; None leaves it to the forms.
        "page_has_errors": True if any(f["has_errors"] for f in forms_for_own) else None,
        "complete": complete,
        "sides": list(
            review.sides.select_related("organisation", "submitted_by").order_by(
                "organisation__name"
            )
        ),
        "comparison": _comparison(visible) if complete else [],
        "compared_sides": visible if complete else [],
        "ratings": PartnershipReview.Rating.choices,
        "actions": review.actions.select_related("owner", "provider"),
        "action_form": action_form if complete and own else None,
        "years": years,
    }


@login_required
def review(request, slug, year):
    partnership = get_object_or_404(partnerships_of(request.user).select_related("hei"), slug=slug)
    if not services.valid_year(year):
        raise Http404
    review = services.review_for(partnership=partnership, year=year)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not action and REDACT_FIELD in request.POST:
            action = "save"  # the guard's Redact button on a side's ratings: saves nothing
        if action in ("save", "submit"):
            return _save_side(request, partnership, review, submit=action == "submit")
        if action == "add-action":
            return _add_action(request, partnership, review)
        raise Http404
    return render(
        request, "placements/partnership_review.html", _context(request, partnership, review)
    )


def _save_side(request, partnership, review, *, submit: bool):
    own = {side.organisation.slug: side for side in services.sides_of(request.user, review)}
    side = own.get(request.POST.get("organisation", ""))
    if side is None:
        raise Http404
    guard_form = SideCommentsForm(
        request.POST, side=side, confirmed_fingerprints=confirmed_fingerprints(side)
    )
    if not guard_form.is_valid():
        errors = {
            area: list(guard_form.errors.get(f"{area}-comment", []))
            for area in Partnership.Area.values
            if f"{area}-comment" in guard_form.errors
        }
        form = _side_form(side, data=guard_form.data, comment_errors=errors)
        form["guard"] = guard_form
        form["guard_errors"] = [
            *guard_form.non_field_errors(),
            *guard_form.errors.get(CONFIRM_FIELD, []),
        ]
        form["has_errors"] = True
        return render(
            request,
            "placements/partnership_review.html",
            _context(request, partnership, review, side_forms={side.pk: form}),
            status=400,
        )
    ratings = {
        area: {
            "rating": request.POST.get(f"{area}-rating", ""),
            "comment": guard_form.cleaned_data.get(f"{area}-comment", ""),
        }
        for area in Partnership.Area.values
    }
    try:
        if submit:
            services.submit_side(
                review=review, organisation=side.organisation, by=request.user, ratings=ratings
            )
        else:
            services.save_side(
                review=review, organisation=side.organisation, by=request.user, ratings=ratings
            )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                messages.error(request, message)
            return redirect(request.path)
        errors = {key: list(value) for key, value in error.message_dict.items()}
        form = _side_form(side, data=request.POST, errors=errors)
        return render(
            request,
            "placements/partnership_review.html",
            _context(request, partnership, review, side_forms={side.pk: form}),
            status=400,
        )
    record_confirmation(record=side, findings=guard_form.guard_confirmed, by=request.user)
    if submit:
        messages.success(
            request,
            f"{side.organisation}'s ratings are submitted. Everyone's ratings show here once "
            "every side has submitted.",
        )
    else:
        messages.success(request, "Ratings saved. Submit them when they are final.")
    return redirect(request.path)


def _add_action(request, partnership, review):
    # Seeing the review is not enough: only those who write a side agree actions (404, not 403).
    if not services.sides_of(request.user, review):
        raise Http404
    form = ActionForm(request.POST, review=review)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_action(
                review=review,
                by=request.user,
                text=data["text"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                for message in error.messages:
                    messages.error(request, message)
                return redirect(request.path)
            form.add_service_error(error)
        else:
            record_confirmation(record=review, findings=form.guard_confirmed, by=request.user)
            messages.success(request, "Action added.")
            return redirect(request.path)
    return render(
        request,
        "placements/partnership_review.html",
        _context(request, partnership, review, action_form=form),
        status=400,
    )
