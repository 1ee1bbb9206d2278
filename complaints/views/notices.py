"""Notices (公告): staff publish them to an estate or some of its buildings and see who has
read each; owners read those for their homes in the portal."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import run_service
from core.pagination import keyset_page
from estates import permissions as EP
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.owners import owner_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..forms import NoticeForm
from ..models import Notice


def _page(request, queryset):
    return keyset_page(
        queryset,
        ordering=["-publish_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
        page_size=30,
    )


@staff_required
def notice_list(request):
    notices = scoped_list(Notice.objects, request, P.VIEW).select_related("estate")
    page = _page(request, notices.annotate(read_count=Count("reads")))
    estate = current_estate(request)
    return render(
        request,
        "complaints/staff/notices.html",
        {
            "page": page,
            "rows": page.rows,
            "now": timezone.now(),
            "can_publish": estate is not None and has_perm(request.user, P.NOTICES, estate),
        },
    )


@staff_required
def notice_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New notice")})
    require(request.user, P.NOTICES, estate)
    start = timezone.localtime().replace(second=0, microsecond=0)
    form = NoticeForm(request.POST or None, estate=estate, initial={"publish_at": start})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        notice = run_service(
            request,
            form,
            lambda: services.notice_publish(
                actor=request.user,
                estate=estate,
                title=d["title"],
                body=d["body"],
                publish_at=d["publish_at"],
                expires_at=d["expires_at"],
                buildings=list(d["buildings"]),
                people=d["mobiles"],
            ),
            _("Notice published."),
        )
        if notice is not None:
            return redirect(notice.get_absolute_url())
    return render(request, "complaints/staff/notice_create.html", {"form": form, "estate": estate})


@staff_required
def notice_detail(request, notice_pk):
    notice = get_scoped_or_404(Notice.objects.select_related("estate"), request.user, P.VIEW,
                               pk=notice_pk)  # fmt: skip
    can_see_people = has_perm(request.user, EP.VIEW_PEOPLE, notice.estate)
    reads = notice.reads.select_related("person").order_by("-read_at")
    return render(
        request,
        "complaints/staff/notice_detail.html",
        {
            "notice": notice,
            "buildings": list(notice.buildings.order_by("name")),
            "people": list(notice.people.order_by("name")) if can_see_people else [],
            "people_count": notice.people.count(),
            "read_count": reads.count(),
            "reads": list(reads[:500]) if can_see_people else [],
            "can_see_people": can_see_people,
            "can_expire": has_perm(request.user, P.NOTICES, notice.estate)
            and (notice.expires_at is None or notice.expires_at > timezone.now()),
        },
    )


@staff_required
@require_POST
def notice_expire(request, notice_pk):
    try:
        notice = services.notice_expire(notice_id=notice_pk, actor=request.user)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Notice taken down."))
    return redirect(notice.get_absolute_url())


@owner_required
def my_notices(request):
    notices = Notice.objects.for_owner(request.user).select_related("estate")
    page = _page(request, notices)
    read = set(request.person.notices_read.values_list("notice_id", flat=True))
    for n in page.rows:
        n.is_read = n.pk in read
    return render(request, "complaints/owner/notices.html", {"page": page})


@owner_required
def my_notice(request, notice_pk):
    notice = get_object_or_404(Notice.objects.for_owner(request.user).select_related("estate"),
                               pk=notice_pk)  # fmt: skip
    services.notice_read(notice=notice, actor=request.user)
    return render(request, "complaints/owner/notice.html", {"notice": notice})
