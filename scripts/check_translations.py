"""Check the translation catalogues: complete, clean and up to date with the sources.

The UI's source language is Vietnamese (every msgid is Vietnamese); English is the second language.
Usage:  .venv/bin/python scripts/check_translations.py [--no-sources]
Exit status 0 when everything is fine, 1 when there are problems (each one is printed on its own line).

What is checked, for locale/en/LC_MESSAGES/django.po and locale/vi/LC_MESSAGES/django.po:
  * the catalogue exists and `msgfmt --check-format --check-header` accepts it;
  * no entry is untranslated (empty msgstr, or any empty plural form) or marked fuzzy;
  * the header names the right Language and Plural-Forms and declares charset=UTF-8;
  * Vietnamese: every msgstr equals its msgid (it is the source language);
  * English: no msgstr still contains Vietnamese letters (ă â đ ê ô ơ ư or a tone mark), except inside the
    proper names of ALLOWED_NAMES, or in an entry whose translator comment says "allow-vietnamese";
  * English: the msgstr keeps the placeholders (%(name)s, %s, %d, {name}), HTML tags and entities of the msgid;
  * up to date: the msgids equal those that `makemessages` extracts from the sources now.

How "up to date" is checked (about 2 s): the canonical command is
    .venv/bin/python manage.py makemessages -l en -l vi --no-obsolete \
        --ignore=.venv --ignore=node_modules --ignore=build --ignore=var --ignore=tests
It cannot be told to write somewhere else, so the check runs it in a temporary directory that holds symbolic
links to the repository's top-level entries (not `locale`) and a copy of the current catalogues in `locale/`:
makemessages (with --symlinks) walks the same files, names them with the same relative paths and, because
the temporary `locale/` is the one beside the files it finds, writes the merged catalogues there. The msgids of
the result are compared with the msgids of the repository's catalogues; the repository is never written.
To fix a "not up to date" problem, run the canonical command above and translate what it added.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
LANGUAGES = ("en", "vi")
DOMAIN = "django"
MAKEMESSAGES_IGNORE = [".venv", "node_modules", "build", "var", "tests"]
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "vi": "nplurals=1; plural=0;"}

# Proper names that keep their Vietnamese spelling in the English UI.
ALLOWED_NAMES = [
    "Tiếng Việt",
    "Việt Nam",
    "Bắc Ninh",
    "Bắc Giang",
    "Hồ Chí Minh",
    "Hà Nội",
    "Bình Dương",
    "Hải Dương",
    "Hải Phòng",
    "Bà Rịa – Vũng Tàu",
    "Bà Rịa",
    "Vũng Tàu",
    "Đà Nẵng",
    "Huế",
    "Cần Thơ",
]
ALLOW_COMMENT = "allow-vietnamese"

# Letters only Vietnamese uses, and the marks it adds on top of Latin letters (after NFD decomposition).
VIETNAMESE_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")
VIETNAMESE_MARKS = {
    "\u0300",  # grave (huyền)
    "\u0301",  # acute (sắc)
    "\u0303",  # tilde (ngã)
    "\u0309",  # hook above (hỏi)
    "\u0323",  # dot below (nặng)
    "\u0302",  # circumflex (â ê ô)
    "\u0306",  # breve (ă)
    "\u031b",  # horn (ơ ư)
}

PLACEHOLDER_RE = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[A-Za-z_][A-Za-z0-9_]*\}")
MARKUP_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*|&#?[A-Za-z0-9]+;")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)  # translator comments ("# ...")
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr or ""]

    def where(self) -> str:
        ref = self.references[0] if self.references else f"line {self.line}"
        return f"{self.msgid!r} ({ref})"


def _unquote(text: str) -> str:
    # A PO string uses C escapes; Python's literal syntax is a superset for what gettext writes.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Parse a .po file (as written by xgettext/msgmerge) into entries; obsolete entries are marked."""
    entries: list[Entry] = []
    cur = Entry()
    target = None  # ("msgid",) / ("msgstr",) / ("plural", n) ...
    seen_keyword = False

    def flush():
        nonlocal cur, seen_keyword, target
        if seen_keyword:
            entries.append(cur)
        cur, seen_keyword, target = Entry(), False, None

    keyword_re = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if not line:
                continue
        if line.startswith("#"):
            if seen_keyword:
                flush()
            if line.startswith("#,"):
                cur.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                cur.references.extend(line[2:].split())
            elif line.startswith("#|") or line.startswith("#."):
                pass
            else:
                cur.comments.append(line[1:].strip())
            continue
        match = keyword_re.match(line)
        if match:
            keyword, index, value = match.groups()
            if keyword in ("msgctxt", "msgid") and (cur.msgstr is not None or cur.msgstr_plural):
                flush()  # a new entry without a blank line before it
            if not seen_keyword:
                cur.line = number
            seen_keyword = True
            cur.obsolete = cur.obsolete or obsolete
            value = _unquote(value)
            if keyword == "msgstr" and index is not None:
                cur.msgstr_plural[int(index)] = value
                target = ("plural", int(index))
            else:
                setattr(cur, keyword, value)
                target = (keyword,)
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line)
            if target[0] == "plural":
                cur.msgstr_plural[target[1]] += value
            else:
                setattr(cur, target[0], getattr(cur, target[0]) + value)
            continue
        raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    flush()
    return entries


def catalogue_path(base: Path, lang: str) -> Path:
    return base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _vietnamese_chars(text: str) -> list[str]:
    found = []
    for char in text:
        if char in VIETNAMESE_LETTERS or any(mark in VIETNAMESE_MARKS for mark in unicodedata.normalize("NFD", char)[1:]):
            found.append(char)
    return found


def _without_allowed_names(text: str) -> str:
    for name in sorted(ALLOWED_NAMES, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def _placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER_RE.findall(text) if p != "%%")


def check_catalogue(lang: str, path: Path) -> list[str]:
    problems: list[str] = []
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if not path.exists():
        return [f"{name}: catalogue is missing (run makemessages -l {lang})"]
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        problems.append("msgfmt not found: install GNU gettext")
    else:
        result = subprocess.run([msgfmt, "--check-format", "--check-header", "-o", os.devnull, str(path)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{name}: msgfmt rejects the catalogue:\n{result.stderr.strip()}")
    try:
        entries = parse_po(path)
    except (ValueError, SyntaxError) as exc:
        return problems + [f"{name}: cannot be parsed: {exc}"]

    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete), None)
    if header is None:
        problems.append(f"{name}: no header entry")
    else:
        fields = dict(re.findall(r"^([^:\n]+):[ \t]*(.*)$", header.msgstr or "", re.M))
        if fields.get("Language") != lang:
            problems.append(f"{name}: header Language is {fields.get('Language')!r}, expected {lang!r}")
        if "charset=UTF-8" not in fields.get("Content-Type", ""):
            problems.append(f"{name}: header Content-Type must declare charset=UTF-8")
        if fields.get("Plural-Forms", "").replace(" ", "") != PLURAL_FORMS[lang].replace(" ", ""):
            problems.append(f"{name}: header Plural-Forms is {fields.get('Plural-Forms')!r}, expected {PLURAL_FORMS[lang]!r}")
        if "fuzzy" in header.flags:
            problems.append(f"{name}: header is marked fuzzy (msgfmt would ignore it)")

    for entry in entries:
        if entry.obsolete or entry is header:
            continue
        label = f"{name}: {entry.where()}"
        if "fuzzy" in entry.flags:
            problems.append(f"{label}: fuzzy")
        translations = entry.translations
        if entry.msgid_plural is not None and len(translations) != int(PLURAL_FORMS[lang].split(";")[0].split("=")[1]):
            problems.append(f"{label}: has {len(translations)} plural forms")
        if not translations or any(not t for t in translations):
            problems.append(f"{label}: untranslated")
            continue
        if lang == "vi":
            if any(t != entry.msgid for t in translations):
                problems.append(f"{label}: the Vietnamese msgstr must equal the msgid, got {translations[0]!r}")
            continue
        # English
        allowed = any(ALLOW_COMMENT in comment for comment in entry.comments)
        for index, text in enumerate(translations):
            form = f" (plural form {index})" if entry.msgid_plural is not None else ""
            if not allowed:
                letters = _vietnamese_chars(_without_allowed_names(text))
                if letters:
                    problems.append(f"{label}{form}: English text has Vietnamese letters {''.join(dict.fromkeys(letters))!r}: {text!r}")
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            # %(n)s may be dropped from the singular form ("one event"), never invented or renamed.
            want, got = _placeholders(source), _placeholders(text)
            if want != got and not (entry.msgid_plural is not None and set(got) <= set(want)):
                problems.append(f"{label}{form}: placeholders {got} differ from the source's {want}")
            if sorted(MARKUP_RE.findall(source)) != sorted(MARKUP_RE.findall(text)):
                problems.append(f"{label}{form}: HTML tags or entities differ from the source")
    return problems


def check_sources_in_sync(languages=LANGUAGES) -> list[str]:
    """Run makemessages on a temporary mirror of the repository and compare the msgids (see module docstring)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ioc-i18n-") as tmp:
        tmp_path = Path(tmp)
        for child in ROOT.iterdir():
            if child.name in ("locale", ".git") or child.name in MAKEMESSAGES_IGNORE or child.name.startswith("."):
                continue
            (tmp_path / child.name).symlink_to(child, target_is_directory=child.is_dir())
        for lang in languages:
            source = catalogue_path(LOCALE_DIR, lang)
            target = catalogue_path(tmp_path / "locale", lang)
            target.parent.mkdir(parents=True)
            if source.exists():
                shutil.copyfile(source, target)
        command = [sys.executable, str(ROOT / "manage.py"), "makemessages", "--symlinks", "--no-obsolete",
                   *[f"-l{lang}" for lang in languages], *[f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
        if result.returncode != 0:
            return [f"makemessages failed ({result.returncode}):\n{result.stderr.strip()}"]
        for lang in languages:
            source = catalogue_path(LOCALE_DIR, lang)
            if not source.exists():
                continue  # reported by check_catalogue
            fresh = {e.key: e for e in parse_po(catalogue_path(tmp_path / "locale", lang)) if not e.obsolete and e.msgid}
            current = {e.key: e for e in parse_po(source) if not e.obsolete and e.msgid}
            name = source.relative_to(ROOT)
            for key in sorted(fresh.keys() - current.keys(), key=str):
                problems.append(f"{name}: not up to date, missing {fresh[key].where()}")
            for key in sorted(current.keys() - fresh.keys(), key=str):
                problems.append(f"{name}: not up to date, no longer in the sources: {current[key].where()}")
            for key in sorted(fresh.keys() & current.keys(), key=str):
                if ("python-format" in fresh[key].flags) != ("python-format" in current[key].flags):
                    problems.append(f"{name}: not up to date, python-format flag changed: {current[key].where()}")
    return problems


def find_problems(check_sources: bool = True) -> list[str]:
    problems: list[str] = []
    for lang in LANGUAGES:
        problems += check_catalogue(lang, catalogue_path(LOCALE_DIR, lang))
    if check_sources:
        problems += check_sources_in_sync()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-sources", action="store_true",
                        help="skip the comparison with the sources (no makemessages run)")
    args = parser.parse_args(argv)
    problems = find_problems(check_sources=not args.no_sources)
    if problems:
        print(f"{len(problems)} translation problem(s):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    counts = ", ".join(
        f"{lang}: {sum(1 for e in parse_po(catalogue_path(LOCALE_DIR, lang)) if e.msgid and not e.obsolete)} entries"
        for lang in LANGUAGES
    )
    print(f"Translations OK ({counts}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
