"""A believable demo company for `python manage.py seed_demo`, built idempotently.

Two estates in Hangzhou with about 1,000 units, ~900 owners/residents, staff of every role,
a few owners with a portal login, and an equipment register. Everything is generated from a
fixed random seed, so the same rows come out every time; each row is matched by a natural key
(estate code, building name, unit number, ID number, username, equipment code) and only the
missing ones are created. A second run creates nothing.

company   - the estates and their buildings (specs), the demo password
names     - Chinese names, mobile numbers, ID numbers from one seed
plans     - the plan as plain data; buildings, people, staff, equipment fill it in;
            planning puts it together without touching the database
writer    - creates what is missing (bulk_create, one "created" audit event per object)
seed      - writes the plan, then the other modules' demo records
"""
