"""Owner onboarding, end to end in a real browser: a manager sets up a building, units and
an owner, invites them; the owner activates (link or one-time code) and uses the portal."""

import re
import warnings

import pytest
from playwright.sync_api import expect

from estates.choices import OccupancyRole, Role, UnitStatus
from estates.models import Occupancy, Person, Unit
from portal.models import OwnerInvitation
from portal.services import owner_invite

from ..factories import (
    EstateFactory,
    MembershipFactory,
    OccupancyFactory,
    PersonFactory,
    UserFactory,
    make_id_number,
)
from .helpers import (
    assert_page_healthy,
    choose_and_wait,
    wider_than_viewport,
    zh_catalogue_compiled,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER_PASSWORD = "Mgr-Anju-2026!"
OWNER_PASSWORD = "Zhao-Min-2026!"
OWNER_MOBILE = "13712345678"

LANGUAGE_SELECT = "[data-testid=language-switch] select"
ESTATE_SELECT = "[data-testid=estate-switch] select"


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def sign_in(page, username: str, password: str):
    form = page.get_by_test_id("login-form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    form.locator("button").click()


def activate_with_password(page, password: str):
    """On the 'choose a password' page: type it twice and activate."""
    form = page.get_by_test_id("activate-form")
    form.locator("#id_password1").fill(password)
    form.locator("#id_password2").fill(password)
    form.locator("button").click()


def test_manager_onboards_owner_who_sees_unit_in_chinese(page, new_context):
    estate = EstateFactory(name="锦绣园", code="jxy")
    other = EstateFactory(name="翠湖苑", code="chy")
    manager = UserFactory(username="li.manager", display_name="李经理", password=MANAGER_PASSWORD)
    # Two estates, so the manager has to pick one in the switcher.
    MembershipFactory(user=manager, estate=estate, role=Role.MANAGER)
    MembershipFactory(user=manager, estate=other, role=Role.MANAGER)

    # --- The manager signs in (English: the browser asks for en-US, no cookie yet).
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, "li.manager", MANAGER_PASSWORD)
    expect(page.get_by_role("heading", name="All my estates")).to_be_visible()

    # --- Chooses the estate in the switcher, opens the estate page.
    choose_and_wait(page, ESTATE_SELECT, label="锦绣园")
    expect(page.get_by_text("Now working in 锦绣园.")).to_be_visible()
    expect(page.locator(ESTATE_SELECT)).to_have_value(str(estate.pk))
    page.get_by_role("link", name="Estate details").click()
    expect(page.get_by_role("heading", name="锦绣园", exact=True)).to_be_visible()

    # --- Adds building 9栋.
    page.get_by_test_id("add-building").click()
    expect(page.get_by_role("heading", name="New building in 锦绣园")).to_be_visible()
    page.locator("#id_name").fill("9栋")
    page.locator("#id_floors").fill("18")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Building 9栋 added.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("9栋")

    # --- Adds two units; the first with "Save and add another".
    page.get_by_test_id("add-unit").click()
    expect(page.get_by_role("heading", name="New unit in 锦绣园")).to_be_visible()
    expect(page.locator("#id_building option:checked")).to_have_text("锦绣园 9栋")

    def fill_unit(number: str, floor: str, area: str, status: str):
        page.locator("#id_entrance").fill("1")
        page.locator("#id_number").fill(number)
        page.locator("#id_floor").fill(floor)
        page.locator("#id_area").fill(area)
        page.locator("#id_kind").select_option("residential")
        page.locator("#id_status").select_option(status)

    fill_unit("0901", "9", "89.50", "occupied")
    page.get_by_role("button", name="Save and add another").click()
    expect(page.get_by_text("Unit 0901 added.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff/units/new/\?building=\d+$"))
    expect(page.locator("#id_building option:checked")).to_have_text("锦绣园 9栋")
    expect(page.locator("#id_number")).to_have_value("")
    fill_unit("0902", "9", "120.00", "vacant")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Unit 0902 added.")).to_be_visible()
    units = Unit.objects.filter(building__name="9栋", estate=estate).order_by("number")
    assert [(u.label, u.status) for u in units] == [
        ("1-0901", UnitStatus.OCCUPIED),
        ("1-0902", UnitStatus.VACANT),
    ]

    # --- People → New person: 赵敏.
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="New person").click()
    expect(page.get_by_role("heading", name="New person in 锦绣园")).to_be_visible()
    page.locator("#id_name").fill("赵敏")
    page.locator("#id_mobile").fill(OWNER_MOBILE)
    page.locator("#id_id_number").fill(make_id_number(4242))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("赵敏 added.")).to_be_visible()
    expect(page.get_by_role("heading", name="赵敏")).to_be_visible()
    expect(page.get_by_text("Not linked to any unit yet.")).to_be_visible()

    # --- Links 赵敏 to 9栋 1-0901 as owner.
    page.get_by_role("link", name="Link to a unit").click()
    expect(page.locator("#id_person option:checked")).to_have_text("赵敏")
    page.locator("#id_unit").select_option(label="9栋 1-0901")
    page.locator("#id_role").select_option(OccupancyRole.OWNER)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("赵敏 linked to 9栋 1-0901.")).to_be_visible()
    expect(page.get_by_role("cell", name="锦绣园 9栋 1-0901")).to_be_visible()
    person = Person.objects.get(mobile=OWNER_MOBILE)
    assert Occupancy.objects.filter(
        person=person, unit__number="0901", role=OccupancyRole.OWNER
    ).exists()

    # --- Invites 赵敏 and reads the link and one-time code off the page.
    page.get_by_test_id("invite-owner").click()
    expect(page.get_by_role("heading", name="赵敏 is invited")).to_be_visible()
    link = page.get_by_test_id("activation-link").inner_text().strip()
    code = page.get_by_test_id("activation-code").inner_text().strip()
    assert re.fullmatch(r"http://[^/]+/portal/activate/[\w-]+/", link), link
    assert re.fullmatch(r"\d{8}", code), code
    assert_page_healthy(page)

    # --- The owner, in their own browser: opens the link, chooses a password.
    owner = new_context().new_page()
    owner.goto(link)
    expect(owner).to_have_url(re.compile(r"/portal/activate/password/$"))
    expect(owner.get_by_role("heading", name="Welcome, 赵敏")).to_be_visible()
    activate_with_password(owner, OWNER_PASSWORD)
    expect(owner).to_have_url(re.compile(r"/portal/$"))
    expect(owner.get_by_text("Your account is ready")).to_be_visible()
    assert html_lang(owner) == "en"
    my_units = owner.get_by_test_id("my-units")
    expect(owner.get_by_role("heading", name="My units")).to_be_visible()
    expect(my_units).to_contain_text("9栋 1-0901")
    expect(my_units).to_contain_text("锦绣园")
    expect(my_units).not_to_contain_text("0902")

    # --- Switches the portal to Simplified Chinese.
    choose_and_wait(owner, LANGUAGE_SELECT, value="zh-hans")
    expect(owner).to_have_url(re.compile(r"/portal/$"))
    assert html_lang(owner) == "zh-hans"
    expect(owner.locator(LANGUAGE_SELECT)).to_have_value("zh-hans")
    expect(owner.get_by_test_id("my-units")).to_contain_text("9栋 1-0901")
    if zh_catalogue_compiled():
        expect(owner.get_by_role("heading", name="我的房屋")).to_be_visible()
    else:
        warnings.warn(
            "No compiled zh_Hans catalogue (locale/zh_Hans/LC_MESSAGES/django.mo): "
            "the '我的房屋' heading was not checked. Run compilemessages.",
            stacklevel=1,
        )
    person.refresh_from_db()
    assert person.user.language == "zh-hans"
    assert_page_healthy(owner)

    # --- Logs out, signs in again with the mobile number; the portal stays in Chinese.
    owner.locator("form[action$='/accounts/logout/'] button").click()
    expect(owner).to_have_url(re.compile(r"/accounts/login/$"))
    assert html_lang(owner) == "zh-hans"
    owner.goto("/portal/")
    expect(owner).to_have_url(re.compile(r"/accounts/login/\?next=/portal/$"))
    sign_in(owner, OWNER_MOBILE, OWNER_PASSWORD)
    expect(owner).to_have_url(re.compile(r"/portal/$"))
    assert html_lang(owner) == "zh-hans"
    expect(owner.get_by_test_id("my-units")).to_contain_text("9栋 1-0901")
    assert_page_healthy(owner)


def test_owner_activates_with_one_time_code_on_a_phone(world, phone_page):
    page = phone_page

    def fits_the_phone():
        """Nothing may stick out sideways at 360 px, the navigation bar included."""
        wide = wider_than_viewport(page)
        assert not wide, f"{page.url}: {wide}"

    person = PersonFactory(name="钱多多", mobile="13598765432", registered_estate=world.estate)
    OccupancyFactory(person=person, unit=world.unit, role=OccupancyRole.OWNER)
    invitation, _token, code = owner_invite(person_id=person.pk, actor=world.manager)
    wrong = f"{(int(code) + 1) % 10**8:08d}"

    # From the sign-in page to the activation page, at 360 px wide.
    page.goto("/accounts/login/")
    assert html_lang(page) == "en"
    page.get_by_role("link", name="Owners: activate your account").click()
    expect(page).to_have_url(re.compile(r"/portal/activate/$"))
    expect(page.get_by_role("heading", name="Activate your owner account")).to_be_visible()
    fits_the_phone()
    button = page.get_by_role("button", name="Continue").bounding_box()
    assert button["width"] >= 300 and button["height"] >= 38, button  # a thumb-sized target

    # A wrong code: the error sits under the code field, which is marked invalid.
    page.locator("#id_mobile").fill("135 9876 5432")
    page.locator("#id_code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    code_input = page.locator("#id_code")
    expect(code_input).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(code_input).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{code_input.get_attribute('aria-describedby')}")
    expect(error).to_have_text(
        "This code does not match an open invitation for this mobile number."
    )
    expect(page.locator("#div_id_code")).to_contain_text("This code does not match")
    expect(page.locator("#id_mobile")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    field, message = code_input.bounding_box(), error.bounding_box()
    assert 0 <= message["y"] - (field["y"] + field["height"]) < 24, (field, message)
    fits_the_phone()
    invitation.refresh_from_db()
    assert invitation.failed_attempts == 1 and invitation.is_open

    # The right code: on to choosing a password, then the owner's home.
    code_input.fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/portal/activate/password/$"))
    expect(page.get_by_role("heading", name="Welcome, 钱多多")).to_be_visible()
    activate_with_password(page, OWNER_PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_test_id("my-units")).to_contain_text(f"3栋 {world.unit.label}")
    fits_the_phone()
    assert_page_healthy(page)
    assert OwnerInvitation.objects.get(pk=invitation.pk).accepted_at is not None
