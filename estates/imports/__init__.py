"""Bulk import of buildings, units, people and occupancies from CSV and XLSX files.

parsing  - decide the file type by content, read the header and the rows (as text)
rows     - check every row, collect every error with its line number, build the objects
services - import_upload (save + check), import_apply (claim, re-check, create in one go)
"""
