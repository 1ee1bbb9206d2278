"""Factories of complaints."""

from datetime import timedelta

import factory
from django.utils import timezone

from complaints.choices import Category, Channel, Kind, Status
from complaints.models import Complaint, PreventionAction


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    estate = factory.LazyAttribute(lambda o: o.unit.estate if o.unit else None)
    unit = None
    building = factory.LazyAttribute(lambda o: o.unit.building if o.unit else None)
    kind = Kind.COMPLAINT
    channel = Channel.PORTAL
    category = Category.NOISE
    description = "楼上装修噪音太大"
    status = Status.NEW
    filed_at = factory.LazyFunction(timezone.now)
    acknowledge_due = factory.LazyAttribute(lambda o: o.filed_at + timedelta(hours=2))
    resolve_due = factory.LazyAttribute(lambda o: o.filed_at + timedelta(days=2))


class PreventionActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreventionAction

    category = Category.NOISE
    description = "装修前向全楼发告知书"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
