"""Bulk import of buildings, units, people and occupancies from CSV and XLSX files.

parsing  - decide the file type by content, read the header and the rows (as text)
cells    - read and check one cell (text, number, date, choice, mobile), collect the errors
kinds    - the check of each import kind: buildings, units, people, occupancies
rows     - check every row of a file, build the objects, the preview
services - import_upload (save + check), import_apply (claim, re-check, create in one go)
"""
