"""``{% load numbers %}``: the filters of ``ourvidz_admin.formatting`` (count, number, percent, ms, ...) and
``short_id`` (the random tail of an id, ``ourvidz_admin.db.short_id``)."""

from django import template

from ourvidz_admin import db, formatting

register = template.Library()

for _name, _function in formatting.FORMATS.items():
    register.filter(_name, _function)

register.filter("short_id", db.short_id)
