from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.TextChoices):
    LEVEL_1 = "level_1", _("Level 1 (highest)")
    LEVEL_2 = "level_2", _("Level 2")
    LEVEL_3 = "level_3", _("Level 3")


class UnitKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    SHOP = "shop", _("Shop")
    PARKING = "parking", _("Parking space")
    STORAGE = "storage", _("Storage")


class UnitStatus(models.TextChoices):
    VACANT = "vacant", _("Vacant")
    OCCUPIED = "occupied", _("Occupied")
    RENOVATING = "renovating", _("Renovating")


# Badge colours (Bootstrap) of the statuses, read by core's {% status_badge %}.
UNIT_STATUS_COLOURS = {
    UnitStatus.VACANT: "secondary",
    UnitStatus.OCCUPIED: "success",
    UnitStatus.RENOVATING: "warning",
}


class OccupancyRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    FAMILY = "family", _("Family member")


class Role(models.TextChoices):
    MANAGER = "manager", _("Estate manager")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    TECHNICIAN = "technician", _("Technician")
    SECURITY = "security", _("Inspector / security")
    ENVIRONMENT = "environment", _("Cleaning / greening")
    FINANCE = "finance", _("Finance")


class Skill(models.TextChoices):
    PLUMBING = "plumbing", _("Plumbing")
    ELECTRICAL = "electrical", _("Electrical")
    DOORS_WINDOWS = "doors_windows", _("Doors and windows")
    ELEVATOR = "elevator", _("Elevator")
    HVAC = "hvac", _("Heating and air conditioning")
    FIRE = "fire", _("Fire equipment")
    CIVIL = "civil", _("Building and masonry")
    WEAK_CURRENT = "weak_current", _("CCTV, access and intercom")


class EquipmentCategory(models.TextChoices):
    ELEVATOR = "elevator", _("Elevator")
    WATER_PUMP = "water_pump", _("Water pump")
    FIRE = "fire", _("Fire equipment")
    POWER = "power", _("Power distribution")
    CCTV = "cctv", _("CCTV")
    ACCESS_GATE = "access_gate", _("Access gate")
    HVAC = "hvac", _("Heating and air conditioning")
    GENERATOR = "generator", _("Generator")
    LIGHTING = "lighting", _("Lighting")
    # Places, not machines: a garage, the garden, the clubhouse. They carry a QR label too.
    COMMON_AREA = "common_area", _("Common area")
    OTHER = "other", _("Other")


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    FAULTY = "faulty", _("Faulty")
    UNDER_REPAIR = "under_repair", _("Under repair")
    STOPPED = "stopped", _("Stopped")
    SCRAPPED = "scrapped", _("Scrapped")


EQUIPMENT_STATUS_COLOURS = {
    EquipmentStatus.IN_SERVICE: "success",
    EquipmentStatus.FAULTY: "danger",
    EquipmentStatus.UNDER_REPAIR: "warning",
    EquipmentStatus.STOPPED: "secondary",
    EquipmentStatus.SCRAPPED: "dark",
}


class ImportKind(models.TextChoices):
    BUILDINGS = "buildings", _("Buildings")
    UNITS = "units", _("Units")
    PEOPLE = "people", _("People")
    OCCUPANCIES = "occupancies", _("Occupancies")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")
