"""Names kept in Vietnamese and English (`name`, `name_en`): the one for the active language.

Vietnamese is the source language; an English name is optional, and where it is missing the Vietnamese one shows.
Proper names (communes, agencies) have no English column and always show in Vietnamese.
"""

from django.utils.translation import get_language


def english_active():
    return (get_language() or "vi").startswith("en")


def localized(name, name_en):
    """The name in the active language: `name_en` when English is active and it is filled in, else `name`."""
    return name_en if name_en and english_active() else name


class Localized:
    """Models with `name` and `name_en`: `label` is the name in the active language (and `unit_label` the unit of
    measure, for models with `unit_of_measure` and `unit_of_measure_en`)."""

    @property
    def label(self):
        return localized(self.name, self.name_en)

    @property
    def unit_label(self):
        return localized(self.unit_of_measure, self.unit_of_measure_en)
