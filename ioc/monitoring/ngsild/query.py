"""GET /entities filters: type, id, idPattern, attrs and a small part of the NGSI-LD query language.

`q` supports comparisons of an attribute's latest value with a number or a quoted string (`==`, `!=`, `>`,
`>=`, `<`, `<=`), a bare attribute name (the entity has it), `;` for AND and `|` for OR (AND binds tighter)
and parentheses, e.g. `pm25>50;pm10>100|airQualityIndex>=150`. Ranges (`a==1..5`), lists, regular
expressions (`~=`) and paths into structured values are refused with BadRequestData.
"""

import re

from django.utils.translation import gettext as _

from .errors import bad_data
from .mapping import short_name

_TOKEN = re.compile(r"\s*(?:(?P<op>==|!=|>=|<=|>|<|~=|!~=)|(?P<paren>[()])|(?P<logic>[;|])"
                    r"|(?P<string>\"(?:[^\"\\]|\\.)*\")|(?P<word>[^\s=!<>~();|\"]+))")


def _tokens(text):
    position, tokens = 0, []
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            if text[position:].strip() == "":
                break
            raise bad_data(_("Biểu thức q không hợp lệ gần “%(rest)s”.") % {"rest": text[position:position + 20]})
        position = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    return tokens


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def parse(self):
        if not self.tokens:
            raise bad_data(_("Biểu thức q đang trống."))
        node = self.disjunction()
        if self.position != len(self.tokens):
            raise bad_data(_("Biểu thức q không hợp lệ: thừa “%(token)s”.") % {"token": self.peek()[1]})
        return node

    def disjunction(self):
        terms = [self.conjunction()]
        while self.peek() == ("logic", "|"):
            self.take()
            terms.append(self.conjunction())
        return ("or", terms) if len(terms) > 1 else terms[0]

    def conjunction(self):
        terms = [self.term()]
        while self.peek() == ("logic", ";"):
            self.take()
            terms.append(self.term())
        return ("and", terms) if len(terms) > 1 else terms[0]

    def term(self):
        kind, value = self.take()
        if kind == "paren" and value == "(":
            node = self.disjunction()
            if self.take() != ("paren", ")"):
                raise bad_data(_("Biểu thức q thiếu dấu “)”."))
            return node
        if kind != "word":
            raise bad_data(_("Biểu thức q không hợp lệ: cần tên thuộc tính, gặp “%(token)s”.")
                           % {"token": value or _("hết biểu thức")})
        if any(c in value for c in ".[]"):
            raise bad_data(_("Biểu thức q: chưa hỗ trợ đường dẫn vào giá trị có cấu trúc (“%(attr)s”).")
                           % {"attr": value})
        attribute = short_name(value)
        op_kind, op = self.peek()
        if op_kind != "op":
            return ("has", attribute)
        self.take()
        if op in ("~=", "!~="):
            raise bad_data(_("Biểu thức q: chưa hỗ trợ so khớp biểu thức chính quy (%(op)s).") % {"op": op})
        value_kind, raw = self.take()
        if value_kind == "string":
            operand = raw[1:-1].replace('\\"', '"')
        elif value_kind == "word":
            if ".." in raw or "," in raw:
                raise bad_data(_("Biểu thức q: chưa hỗ trợ khoảng giá trị hay danh sách (“%(value)s”).")
                               % {"value": raw})
            try:
                operand = float(raw)
            except ValueError:
                raise bad_data(_("Biểu thức q: “%(value)s” không phải số; chuỗi ký tự phải đặt trong "
                                 "dấu ngoặc kép.") % {"value": raw}) from None
        else:
            raise bad_data(_("Biểu thức q: thiếu giá trị sau %(op)s.") % {"op": op})
        return ("cmp", attribute, op, operand)


def parse_q(text):
    return _Parser(text).parse()


def q_attributes(node):
    if node[0] in ("and", "or"):
        return {a for child in node[1] for a in q_attributes(child)}
    return {node[1]}


_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def matches(node, values):
    """Whether an entity (attribute name → latest value) satisfies the parsed q."""
    kind = node[0]
    if kind == "and":
        return all(matches(child, values) for child in node[1])
    if kind == "or":
        return any(matches(child, values) for child in node[1])
    if kind == "has":
        return values.get(node[1]) not in (None, "")
    _kind, attribute, op, operand = node
    value = values.get(attribute)
    if value is None or isinstance(value, str) != isinstance(operand, str):
        return False
    return _COMPARE[op](value, operand)


def split_list(text):
    return [part.strip() for part in re.split(r"[,|]", text or "") if part.strip()]
