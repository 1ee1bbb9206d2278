from django.urls import path

from .views import dashboard, equipment, estates, imports, people, printing, staff, units

app_name = "staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("switch-estate/", dashboard.estate_switch, name="estate_switch"),
    path("inbox/", dashboard.inbox, name="inbox"),
    # Estates and buildings
    path("estates/", estates.estate_list, name="estate_list"),
    path("estates/new/", estates.estate_create, name="estate_create"),
    path("estates/<int:estate_pk>/", estates.estate_detail, name="estate_detail"),
    path("estates/<int:estate_pk>/edit/", estates.estate_edit, name="estate_edit"),
    path("estates/<int:estate_pk>/buildings/new/", estates.building_create, name="building_create"),
    path("buildings/<int:building_pk>/", estates.building_detail, name="building_detail"),
    path("buildings/<int:building_pk>/edit/", estates.building_edit, name="building_edit"),
    path("buildings/<int:building_pk>/label/", printing.building_label, name="building_label"),
    path(
        "buildings/<int:building_pk>/register.pdf",
        printing.building_register_pdf,
        name="building_register_pdf",
    ),
    # Units
    path("units/", units.unit_list, name="unit_list"),
    path("units/export.xlsx", units.unit_export, name="unit_export"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:unit_pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/edit/", units.unit_edit, name="unit_edit"),
    # People and occupancies
    path("people/", people.person_list, name="person_list"),
    path("people/export.xlsx", people.person_export, name="person_export"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:person_pk>/", people.person_detail, name="person_detail"),
    path("people/<int:person_pk>/edit/", people.person_edit, name="person_edit"),
    path("occupancies/new/", people.occupancy_create, name="occupancy_create"),
    path("occupancies/<int:occupancy_pk>/end/", people.occupancy_end, name="occupancy_end"),
    # Staff memberships
    path("staff/", staff.membership_list, name="membership_list"),
    path("staff/new/", staff.membership_create, name="membership_create"),
    path("staff/<int:membership_pk>/", staff.membership_detail, name="membership_detail"),
    path("staff/<int:membership_pk>/edit/", staff.membership_edit, name="membership_edit"),
    # Equipment
    path("equipment/", equipment.equipment_list, name="equipment_list"),
    path("equipment/export.xlsx", equipment.equipment_export, name="equipment_export"),
    path("equipment/new/", equipment.equipment_create, name="equipment_create"),
    path("equipment/<int:equipment_pk>/", equipment.equipment_detail, name="equipment_detail"),
    path("equipment/<int:equipment_pk>/edit/", equipment.equipment_edit, name="equipment_edit"),
    path("equipment/labels/", printing.equipment_labels, name="equipment_labels"),
    path("equipment/<int:equipment_pk>/label/", printing.equipment_label, name="equipment_label"),
    path("equipment/<int:equipment_pk>/qr.svg", printing.equipment_qr_svg, name="equipment_qr"),
    # Imports
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_upload, name="import_upload"),
    path("imports/<int:import_pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:import_pk>/apply/", imports.import_apply, name="import_apply"),
    path("imports/template/<str:kind>.xlsx", imports.import_template, name="import_template"),
]
