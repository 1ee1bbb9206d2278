"""One unambiguous date format per language, for pages and PDFs alike (FORMAT_MODULE_PATH).

Django's own formats fill in the rest (input formats, separators). Short and long formats
are the same on purpose: "12/02/2026" reads as two different days in two countries, and a
page that shows "2 Dec 2026" in one place should not show "12/02/2026" in another.
"""
