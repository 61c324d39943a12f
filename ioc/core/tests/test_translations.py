"""The translation catalogues are complete and current, and the English UI really is English.

The .mo files are build output (`make messages`); the fixture below compiles any that are missing or older than
their .po, so running pytest directly works too.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = ROOT / "locale"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_translations", ROOT / "scripts" / "check_translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


check_translations = _load_checker()


def compile_catalogues():
    """msgfmt every locale/*/LC_MESSAGES/*.po whose .mo is missing or stale; True when something was compiled."""
    compiled = False
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            pytest.skip("msgfmt (GNU gettext) is not installed")
        tmp = str(mo.with_name(f"{mo.name}.{os.getpid()}.tmp"))
        try:
            subprocess.run([msgfmt, "--check-format", "-o", tmp, str(po)], check=True, capture_output=True)
            os.replace(tmp, mo)  # atomic, in case another process reads the catalogue meanwhile
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        compiled = True
    if compiled:
        # Django caches loaded catalogues per process; forget them so the fresh .mo files are read.
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
    return compiled


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues()


def test_catalogues_are_complete_and_up_to_date(capsys):
    status = check_translations.main([])
    output = capsys.readouterr().out
    assert status == 0, output


@pytest.mark.parametrize(
    "source,english",
    [
        ("Đăng nhập", "Sign in"),
        ("Mật khẩu", "Password"),
        ("Lãnh đạo đơn vị", "Unit head"),
        ("Điều hành viên IOC", "IOC operator"),
        ("Lãnh đạo tỉnh", "Provincial leader"),
        ("Quản trị hệ thống", "System administrator"),
        ("UBND tỉnh", "Provincial People's Committee"),
    ],
)
def test_known_strings_translate_to_english(source, english):
    with translation.override("en"):
        assert gettext(source) == english
    with translation.override("vi"):
        assert gettext(source) == source


def test_plural_forms_in_english():
    with translation.override("en"):
        assert ngettext("%(n)s đơn vị", "%(n)s đơn vị", 1) % {"n": 1} == "1 unit"
        assert ngettext("%(n)s đơn vị", "%(n)s đơn vị", 3) % {"n": 3} == "3 units"


VIETNAMESE_UI_WORDS = ["Đăng nhập", "Mật khẩu", "Tên đăng nhập", "Quên mật khẩu", "Đăng ký", "Trang chủ", "Xác nhận"]


@pytest.mark.parametrize("url_name", ["accounts:login", "accounts:register", "accounts:password_reset"])
def test_english_pages_show_no_vietnamese_ui(client, db, url_name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<html[^>]*\blang="en"', body)
    assert "Sign in" in body
    for word in VIETNAMESE_UI_WORDS:
        assert word not in body, f"{word!r} is still Vietnamese on the English {url_name} page"


def test_sign_in_page_is_vietnamese_by_default(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Đăng nhập" in body and "Mật khẩu" in body
