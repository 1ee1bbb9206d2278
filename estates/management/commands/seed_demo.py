"""`python manage.py seed_demo`: a believable demo company, built idempotently (see
estates.demo; a second run creates nothing)."""

import time
import unicodedata

from django.core.management.base import BaseCommand

from estates.demo.company import PASSWORD
from estates.demo.seed import seed_company


class Command(BaseCommand):
    help = "Create a demo company (two estates, ~1,000 units, ~900 people, staff, equipment)."

    def handle(self, *args, **options):
        started = time.monotonic()
        created, logins = seed_company()
        elapsed = time.monotonic() - started
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f}s:"))
            for label, n in created.items():
                self.stdout.write(f"  {label:<20} {n:>6}")
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo data is already there; nothing was created.")
            )
        self.print_logins(logins)

    def print_logins(self, rows):
        header = ("role", "username", "password", "estate")
        table = [header] + [(role, user, PASSWORD, estate) for role, user, estate in rows]
        widths = [max(_width(str(row[i])) for row in table) for i in range(4)]
        self.stdout.write("\nDemo logins (owners may also sign in with their mobile number):")
        for n, row in enumerate(table):
            cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
            self.stdout.write("  " + "  ".join(cells).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
