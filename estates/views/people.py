from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core.audit import timeline_for
from core.errors import DomainError
from core.export import xlsx_response
from core.feedback import run_service
from core.listing import apply_filters, list_context

from .. import permissions as P
from .. import services
from ..access import get_scoped_or_404, scoped_list, staff_required
from ..filters import PersonFilter
from ..forms import OccupancyEndForm, OccupancyForm, PersonForm
from ..models import Occupancy, Person, Unit
from ..panels import person_panels
from ..permissions import require
from ..selectors import current_estate

PERSON_SORTS = {
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "created": ["created_at", "id"],
    "-created": ["-created_at", "-id"],
}


def _current_occupancies():
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.current().select_related("unit__building"),
        to_attr="current_occupancies",
    )


@staff_required
def person_list(request):
    people = (
        scoped_list(Person.objects, request, P.VIEW_PEOPLE)
        .prefetch_related(_current_occupancies())
        .select_related("user")
    )
    ctx = list_context(
        request,
        people,
        filterset_class=PersonFilter,
        sort_options=PERSON_SORTS,
        default_sort="name",
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and P.has_perm(request.user, P.MANAGE_PEOPLE, estate)
    ctx["can_export"] = P.has_perm_somewhere(request.user, P.EXPORT)
    return render(request, "estates/person_list.html", ctx)


@staff_required
def person_export(request):
    people = scoped_list(Person.objects, request, P.EXPORT).prefetch_related(_current_occupancies())
    _filterset, people = apply_filters(request, people, PersonFilter)
    # ID numbers leave the system masked, like everywhere else.
    rows = (
        (
            p.name,
            p.mobile,
            p.email,
            p.id_number_masked,
            "; ".join(f"{o.unit} ({o.get_role_display()})" for o in p.current_occupancies),
        )
        for p in people.order_by("name", "id")
    )
    headers = [
        pgettext("person", "Name"),
        _("Mobile phone"),
        _("E-mail"),
        _("ID number"),
        _("Units"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"people-{stamp}.xlsx", _("People"), headers, rows)


@staff_required
def person_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New person")})
    require(request.user, P.MANAGE_PEOPLE, estate)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = run_service(
            request,
            form,
            lambda: services.person_create(
                estate=estate, actor=request.user, data=form.cleaned_data
            ),
            _("%(name)s added.") % {"name": form.cleaned_data["name"]},
        )
        if person:
            return redirect(person)
    return render(
        request,
        "estates/form.html",
        {
            "form": form,
            "title": _("New person in %(estate)s") % {"estate": estate},
            "back": "staff:person_list",
        },
    )


def _person(request, person_pk, perm=P.VIEW_PEOPLE):
    """The person, if the user holds `perm` in one of the person's estates (where they are
    registered or have lived): outside the user's estates 404, without the role there 403."""
    return get_scoped_or_404(
        Person.objects.select_related("user", "registered_estate"),
        request.user,
        perm,
        pk=person_pk,
    )


def _may_manage(request, person) -> bool:
    return Person.objects.for_user(request.user, P.MANAGE_PEOPLE).filter(pk=person.pk).exists()


@staff_required
def person_detail(request, person_pk):
    person = _person(request, person_pk)
    occupancies = person.occupancies.for_user(request.user, P.VIEW_PEOPLE).select_related(
        "unit__building", "unit__estate"
    )
    can_manage = _may_manage(request, person)
    return render(
        request,
        "estates/person_detail.html",
        {
            "person": person,
            "occupancies": occupancies,
            "can_manage": can_manage,
            # What other apps show here (the owner portal's invitation): estates knows none.
            "panels": person_panels(request, person, can_manage=can_manage),
            "events": timeline_for(person),
            "end_form": OccupancyEndForm(initial={"end_date": timezone.localdate()}),
        },
    )


@staff_required
def person_edit(request, person_pk):
    person = _person(request, person_pk, P.MANAGE_PEOPLE)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.person_update(
                person_id=person.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Saved."),
        ):
            return redirect(person)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": person.name, "back": person.get_absolute_url()},
    )


@staff_required
def occupancy_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New occupancy")})
    require(request.user, P.MANAGE_PEOPLE, estate)
    people = Person.objects.for_user(request.user, P.MANAGE_PEOPLE).order_by("name")
    units = Unit.objects.filter(estate=estate).order_by("building__name", "entrance", "number")
    initial = {
        "person": request.GET.get("person"),
        "unit": request.GET.get("unit"),
        "start_date": timezone.localdate(),
    }
    form = OccupancyForm(request.POST or None, people=people, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        occupancy = run_service(
            request,
            form,
            lambda: services.occupancy_create(actor=request.user, data=form.cleaned_data),
            _("%(person)s linked to %(unit)s.")
            % {"person": form.cleaned_data["person"], "unit": form.cleaned_data["unit"]},
        )
        if occupancy:
            return redirect(occupancy.person)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": _("Link a person to a unit"), "back": "staff:person_list"},
    )


@staff_required
@require_POST
def occupancy_end(request, occupancy_pk):
    occupancy = get_scoped_or_404(
        Occupancy.objects.select_related("unit__estate", "person"),
        request.user,
        P.MANAGE_PEOPLE,
        pk=occupancy_pk,
    )
    form = OccupancyEndForm(request.POST)
    if form.is_valid():
        try:
            services.occupancy_end(
                occupancy_id=occupancy.pk,
                actor=request.user,
                end_date=form.cleaned_data["end_date"],
            )
            messages.success(request, _("Move-out recorded."))
        except (DomainError, ValidationError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, _("Enter a valid move-out date."))
    return redirect(occupancy.person)
