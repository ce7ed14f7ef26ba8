"""Direct observations (under /observations/). The observer's pages: what they wrote, choosing
whom to observe, writing one (404 for a learner outside `observation_rules.bases_for`). The
learner's: the observations of their practice and the reflect-and-sign form. The observation
page, for its observer and its learner only (404 for anyone else), shows both signatures, the
lock and the amendments. Thin: the rules are in `observation_rules` and `observations`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import record_access

from . import observation_rules, observations
from .observation_forms import (
    AmendObservationForm,
    ObservationForm,
    ReflectionForm,
    statements_for,
)
from .observation_models import Observation


def _observation(request, uuid) -> Observation:
    observation = get_object_or_404(
        observation_rules.observations_visible_to(request.user).select_related(
            "learner", "observer", "placement", "appraisal"
        ),
        uuid=uuid,
    )
    return observation


@login_required
def written(request):
    """Observations I have written."""
    written = list(
        Observation.objects.filter(observer=request.user)
        .select_related("learner")
        .order_by("-observed_on", "-pk")
    )
    return render(
        request,
        "portfolios/observations/written.html",
        {"observations": written, "can_write": bool(observation_rules.bases_for(request.user))},
    )


@login_required
def choose(request):
    """Write an observation: choose whom (only the people the rule lets `user` observe)."""
    return render(
        request,
        "portfolios/observations/choose.html",
        {"bases": observation_rules.bases_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def write(request, basis):
    found = observation_rules.basis_for(request.user, basis)
    if found is None:
        raise Http404
    form = ObservationForm(request.POST or None, statements=list(statements_for(found)))
    if request.method == "POST" and form.is_valid():
        try:
            observation = observations.create_observation(
                observer=request.user,
                basis_key=basis,
                observed_on=form.cleaned_data["observed_on"],
                setting=form.cleaned_data["setting"],
                observed=form.cleaned_data["observed"],
                to_develop=form.cleaned_data["to_develop"],
                judgements=form.judgements(),
                confirmed=form.guard_confirmed,
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You signed the observation. {found.learner.get_full_name()} can now add their "
                "reflection and sign it.",
            )
            return redirect(observation)
    return render(
        request,
        "portfolios/observations/write.html",
        {"form": form, "basis": found},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mine(request):
    """Observations of my practice."""
    mine = list(
        Observation.objects.filter(learner=request.user, observer_signed_at__isnull=False)
        .select_related("observer")
        .order_by("-observed_on", "-pk")
    )
    return render(
        request,
        "portfolios/observations/mine.html",
        {
            "to_sign": [o for o in mine if not o.is_locked],
            "locked": [o for o in mine if o.is_locked],
        },
    )


def _render(request, observation, *, reflect_form=None, status=200):
    is_learner = observation.learner_id == request.user.pk
    if not is_learner:
        record_access(request=request, obj=observation, owner=observation.learner)
    if reflect_form is None and is_learner and not observation.is_locked:
        reflect_form = ReflectionForm()
    return render(
        request,
        "portfolios/observations/detail.html",
        {
            "observation": observation,
            "is_learner": is_learner,
            "judgements": observation.judgements.select_related("item", "item__domain"),
            "amendments": observation.amendments.select_related("made_by"),
            "entry": getattr(observation, "entry", None),
            "form": reflect_form,
            "may_amend": bool(observations.who_amends(observation, request.user)),
            "show_errors": request.method == "POST",
        },
        status=status,
    )


@login_required
def detail(request, observation):
    return _render(request, _observation(request, observation))


@login_required
@require_POST
def reflect(request, observation):
    observation = _observation(request, observation)
    if observation.learner_id != request.user.pk or observation.is_locked:
        raise Http404
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            observations.reflect_and_sign(
                observation=observation,
                learner=request.user,
                reflection=form.cleaned_data["reflection"],
                confirmed=form.guard_confirmed,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "You signed the observation. It is locked and in your portfolio as evidence "
                "written by the observer.",
            )
            return redirect(observation)
    return _render(request, observation, reflect_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request, observation):
    observation = _observation(request, observation)
    fields = observations.who_amends(observation, request.user)
    if not fields:
        raise Http404
    form = AmendObservationForm(request.POST or None, fields=fields)
    if request.method == "POST" and form.is_valid():
        try:
            observations.amend(
                observation=observation,
                by=request.user,
                field=form.cleaned_data["field"],
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                confirmed=form.guard_confirmed,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The amendment is made and kept with the observation.")
            return redirect(observation)
    if observation.learner_id != request.user.pk and request.method == "GET":
        record_access(request=request, obj=observation, owner=observation.learner)
    return render(
        request,
        "portfolios/observations/amend.html",
        {"form": form, "observation": observation},
        status=400 if request.method == "POST" else 200,
    )
