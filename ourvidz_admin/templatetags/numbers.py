"""``{% load numbers %}``: the filters of ``ourvidz_admin.formatting`` (count, number, percent, ms, ...) and
``short_id`` (the random tail of an id, ``ourvidz_admin.db.short_id``)."""

from django import template

from ourvidz_admin import db, formatting

register = template.Library()

# ``seconds`` is registered as ``from_seconds``: the dashboards' own ``seconds`` filter takes milliseconds.
for _name, _function in formatting.FORMATS.items():
    register.filter("from_seconds" if _name == "seconds" else _name, _function)

register.filter("short_id", db.short_id)
