"""Category icons: Lucide's SVGs inlined beside the category's name, decorative; an unknown name draws nothing
and is refused when an administrator saves it."""

import pytest
from django.core.exceptions import ValidationError

from ..icons import icon_exists, icon_svg
from ..models import Category


def test_a_known_icon_is_inlined_as_decoration():
    svg = str(icon_svg("lightbulb"))
    assert svg.startswith('<svg class="icon category-icon"') and 'aria-hidden="true"' in svg
    assert "<path" in svg and "license" not in svg and "\n" not in svg


@pytest.mark.parametrize("name", ["", "no-such-icon", "../../etc/passwd", "Lightbulb", "light bulb"])
def test_unknown_or_unsafe_names_draw_nothing(name):
    assert icon_svg(name) == "" and not icon_exists(name)


def test_an_administrator_cannot_save_an_icon_that_does_not_exist(db):
    category = Category(code="thu", name="Thử", icon="khong-co")
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert "khong-co" in str(error.value.message_dict["icon"])
    category.icon = "trash"
    category.full_clean()


def test_every_demo_category_has_an_icon_that_exists():
    from ..demo.words import CATEGORIES

    assert [code for code, _p, _n, _e, icon, *_ in CATEGORIES if not icon_exists(icon)] == []


def test_the_public_list_and_report_page_show_the_icon(client, make_report, categories):
    Category.objects.filter(pk=categories["lights"].pk).update(icon="lightbulb")
    report = make_report("lights")
    assert 'class="icon category-icon"' in client.get("/phan-anh/").content.decode()
    assert 'class="icon category-icon"' in client.get(f"/phan-anh/{report.code}/").content.decode()
