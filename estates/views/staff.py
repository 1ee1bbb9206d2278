from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.audit import record_event, timeline_for
from core.feedback import run_service
from core.listing import list_context
from core.outbox import enqueue_on_commit
from core.tasks import password_setup_email_send

from .. import permissions as P
from .. import services
from ..access import get_scoped_or_404, scoped_list, staff_required
from ..filters import MembershipFilter
from ..forms import MembershipForm, StaffInviteForm
from ..models import StaffMembership
from ..permissions import require
from ..selectors import current_estate

MEMBERSHIP_SORTS = {
    "role": ["role", "id"],
    "-role": ["-role", "-id"],
    "joined": ["created_at", "id"],
    "-joined": ["-created_at", "-id"],
}


@staff_required
def membership_list(request):
    memberships = scoped_list(StaffMembership.objects, request, P.MANAGE_STAFF).select_related(
        "user", "estate"
    )
    ctx = list_context(
        request,
        memberships,
        filterset_class=MembershipFilter,
        sort_options=MEMBERSHIP_SORTS,
        default_sort="role",
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and P.has_perm(request.user, P.MANAGE_STAFF, estate)
    return render(request, "estates/membership_list.html", ctx)


def _new_staff_user(form, actor):
    """A new login with no usable password; the person sets one through the reset e-mail."""
    data = form.cleaned_data
    user = get_user_model().objects.create_user(
        username=data["username"],
        email=data["email"],
        display_name=data["display_name"],
        mobile=data.get("mobile", ""),
        password=None,
    )
    record_event(user, actor=actor, verb="created")
    if user.email:
        # After the commit, through the outbox: a mail server or broker that is down does
        # not turn the saved staff member into an error page, and the mail still goes out.
        enqueue_on_commit(password_setup_email_send, user.pk)
    return user


@staff_required
def membership_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("Add a staff member")})
    require(request.user, P.MANAGE_STAFF, estate)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            with transaction.atomic():
                user = form.existing_user() or _new_staff_user(form, request.user)
                return services.membership_create(
                    estate=estate,
                    actor=request.user,
                    user=user,
                    data={"role": form.cleaned_data["role"], "skills": form.cleaned_data["skills"]},
                )

        membership = run_service(
            request,
            form,
            create,
            _("%(name)s joined %(estate)s.")
            % {"name": form.cleaned_data["display_name"], "estate": estate},
        )
        if membership:
            return redirect("staff:membership_detail", membership_pk=membership.pk)
    return render(
        request,
        "estates/form.html",
        {
            "form": form,
            "title": _("Add a staff member to %(estate)s") % {"estate": estate},
            "back": "staff:membership_list",
        },
    )


@staff_required
def membership_detail(request, membership_pk):
    membership = get_scoped_or_404(
        StaffMembership.objects.select_related("user", "estate"),
        request.user,
        P.MANAGE_STAFF,
        pk=membership_pk,
    )
    return render(
        request,
        "estates/membership_detail.html",
        {"membership": membership, "events": timeline_for(membership)},
    )


@staff_required
def membership_edit(request, membership_pk):
    membership = get_scoped_or_404(
        StaffMembership.objects.select_related("user", "estate"),
        request.user,
        P.MANAGE_STAFF,
        pk=membership_pk,
    )
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.membership_update(
                membership_id=membership.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Saved."),
        ):
            return redirect("staff:membership_detail", membership_pk=membership.pk)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": str(membership), "back": "staff:membership_list"},
    )
