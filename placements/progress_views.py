"""Practice learning progress: a student's placements against their programme's rules (days,
contrasting settings, statutory tasks). The student reads their own; their HEI tutor and the
HEI's placement lead read it too (`rules.progress_students_visible_to`); anyone else gets 404.
The checks themselves are `programme.programme_status`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.audit import record_access
from cms.paging import paginate

from . import rules
from .programme import programme_status

PROGRESS_PAGE_ROWS = 100


@login_required
def progress_list(request):
    """The students whose progress the person may read; a student goes straight to their own."""
    students = rules.progress_students_visible_to(request.user)
    others = students.exclude(pk=request.user.pk).order_by("last_name", "first_name", "email")
    if not others.exists():
        if students.filter(pk=request.user.pk).exists():
            return redirect("placements:progress", student=request.user.uuid)
        raise Http404
    # An HEI's placement lead reads every student of the HEI: a page at a time.
    paged = paginate(request, others, per_page=PROGRESS_PAGE_ROWS)
    return render(
        request,
        "placements/progress_list.html",
        {
            "students": paged.rows,
            "paged": paged,
            "is_student": students.filter(pk=request.user.pk).exists(),
            "can_log_skills": rules.skills_day_heis_of(request.user).exists(),
        },
    )


@login_required
def progress(request, student):
    student = get_object_or_404(rules.progress_students_visible_to(request.user), uuid=student)
    programmes = list(rules.progress_programmes_visible_to(request.user, student))
    if not programmes:
        raise Http404
    statuses = [programme_status(student=student, programme=p) for p in programmes]
    if student.pk != request.user.pk:
        record_access(request=request, obj=student, owner=student, organisation=programmes[0].hei)
    return render(
        request,
        "placements/progress.html",
        {"student": student, "statuses": statuses, "own": student.pk == request.user.pk},
    )
