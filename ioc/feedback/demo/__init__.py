"""Demo data for the feedback module in Bắc Ninh: categories, routing rules, response templates, and a year of
citizen reports across every state of the life cycle, so that every page and statistic has something to show.

`seed_feedback()` is called at the end of `ioc.core.demo.seed_demo` (which refuses to run in production). It is
idempotent: reference rows are created when missing and never overwritten (administrators may have edited
them), and reports are generated only when no demo report exists yet. Reports are built in memory with a fixed
random seed and written in bulk, with the same fields the workflow would set (timeline events with their
statuses, deadlines in working time, answered_on_time, timestamps); the bulk part writes one audit event. Deadline
extensions are then requested and decided through the workflow's services (extensions.py), so approvals move the
deadlines as in real use; each of those steps is audited like a real one.
"""

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from ioc.core import audit, worktime
from ioc.core.models import Area, AuditAction, Unit

from ..models import (
    Category, Channel, CodeSequence, EventKind, Follow, Priority, RejectionReason, Report, ReportEvent,
    ResponseTemplate, RoutingRule, Status,
)
from ..workflow import deadlines_for
from .words import (
    ANSWERS, BAD_COMMENTS, CATEGORIES, CATEGORY_WEIGHTS, COMMUNE_ROUTED, DESCRIPTIONS, GIVEN, GOOD_COMMENTS,
    HAMLETS, LANDMARKS, LATE_APOLOGY, MIDDLE, MID_COMMENTS, NOTES, OFF_SEASON, PROCEDURES, REJECT_NOTES,
    REOPEN_REASONS, RESPONSE_TEMPLATES, RETURN_REASON, ROADS, ROUTES, SEASONS, STREETS, SURNAMES, THANKS,
)

S = Status
DEFAULT_REPORT_COUNT = 3600
TESTING_REPORT_COUNT = 200  # seed_demo runs in many tests: a smaller year keeps them fast
RANDOM_SEED = 2026
FORMER_ICONS = {"trees": "tree", "droplets": "water", "building-2": "city", "megaphone": "billboard",
                "triangle-alert": "alert", "traffic-cone": "traffic-light", "ellipsis": "dots"}
DEMO_KEY_PREFIX = "demo-"  # idempotency_key of demo reports: how a second run knows they exist
BATCH = 2000


@dataclass
class Step:
    at: datetime
    kind: str = EventKind.TRANSITION
    to: str = ""
    note: str = ""
    public: bool = True
    actor: object = None
    unit: object = None
    changes: dict = field(default_factory=dict)


@dataclass
class Plan:
    """A report being made up: what the intake would have stored, and the steps of its life."""

    index: int
    received_at: datetime
    category: Category
    area: Area
    channel: str = Channel.WEB
    reporter: object = None
    force: dict = field(default_factory=dict)
    duplicate_of: "Plan" = None
    steps: list = field(default_factory=list)
    report: Report = None


def say(stdout, message):
    if stdout is not None:
        stdout.write(message)


# --- Reference data -------------------------------------------------------------------------------------------


def seed_reference():
    """Create the categories, routing rules and response templates that are missing; return what was created."""
    from ioc.core.demo import commune_unit_code

    created = {"categories": 0, "routing_rules": 0, "response_templates": 0}
    existing = {c.code: c for c in Category.objects.all()}
    for depth in (0, 1):  # parents first
        fresh = []
        for order, (code, parent, name, name_en, icon, keywords, urgent, public, days, radius, attrs) in enumerate(
                CATEGORIES):
            if code in existing or (parent is None) != (depth == 0):
                continue
            fresh.append(Category(
                code=code, name=name, name_en=name_en, icon=icon, keywords=keywords, parent=existing.get(parent),
                default_priority=Priority.URGENT if urgent else Priority.NORMAL, is_public=bool(public),
                answer_days=days, answer_days_urgent=min(days, 2), acceptance_hours=8, acceptance_hours_urgent=4,
                duplicate_radius_m=radius, attributes=attrs, order=(order + 1) * 10))
        Category.objects.bulk_create(fresh)  # no per-row audit: the seed records one event
        existing.update({c.code: c for c in Category.objects.filter(code__in=[c.code for c in fresh])})
        created["categories"] += len(fresh)
    # Demos seeded before the icons were drawn named some that Lucide does not have; an edited icon is kept.
    for code, _parent, _name, _name_en, icon, *_rest in CATEGORIES:
        old = FORMER_ICONS.get(icon)
        if old:
            Category.objects.filter(code=code, icon=old).update(icon=icon)

    units = {u.code: u for u in Unit.objects.all()}
    wanted = [(existing[code], None, units.get(lead), [units.get(c) for c in coop])
              for code, (lead, coop) in ROUTES.items() if code in existing]
    for commune in Area.objects.communes().order_by("code"):
        unit = units.get(commune_unit_code(commune))
        wanted += [(existing[code], commune, unit, []) for code in COMMUNE_ROUTED if code in existing]
    have = set(RoutingRule.objects.values_list("category_id", "area_id"))
    rules = [(RoutingRule(category=cat, area=area, lead_unit=lead), coop) for cat, area, lead, coop in wanted
             if lead is not None and (cat.pk, area.pk if area else None) not in have]
    RoutingRule.objects.bulk_create([rule for rule, _ in rules], batch_size=500)
    if rules and rules[0][0].pk is None:  # backends that do not return keys
        keys = {(r.category_id, r.area_id): r.pk for r in RoutingRule.objects.all()}
        for rule, _ in rules:
            rule.pk = keys[(rule.category_id, rule.area_id)]
    through = RoutingRule.cooperating_units.through
    through.objects.bulk_create([through(routingrule_id=rule.pk, unit_id=u.pk) for rule, coop in rules
                                 for u in coop if u is not None])
    created["routing_rules"] = len(rules)

    have = set(ResponseTemplate.objects.values_list("unit__code", "title"))
    templates = [ResponseTemplate(unit=units[code], title=title, body=body) for code, title, body in RESPONSE_TEMPLATES
                 if code in units and (code, title) not in have]
    ResponseTemplate.objects.bulk_create(templates)
    created["response_templates"] = len(templates)
    return created


# --- Reports -------------------------------------------------------------------------------------------------


class ReportFactory:
    """Makes up a year of reports with a fixed random seed; `build()` returns unsaved objects."""

    def __init__(self, *, count, now, rng):
        from ioc.core.demo import commune_unit_code

        self.count, self.now, self.rng = count, now, rng
        self.wt = worktime.default_working_time()
        self.categories = {c.code: c for c in Category.objects.filter(code__in=CATEGORY_WEIGHTS)}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.communes = list(Area.objects.communes().filter(latitude__isnull=False).order_by("code"))
        former = dict(Area.objects.filter(is_current=False, level="commune", successor__isnull=False)
                      .values_list("successor_id", "parent__name"))
        self.district = {a.pk: former.get(a.pk, "") for a in self.communes}
        self.commune_unit = {a.pk: self.units.get(commune_unit_code(a)) for a in self.communes}
        self.weights = [self._commune_weight(a) for a in self.communes]
        self.rules = {}
        for rule in RoutingRule.objects.filter(is_active=True).select_related("lead_unit").prefetch_related(
                "cooperating_units"):
            self.rules[(rule.category_id, rule.area_id)] = (rule.lead_unit, list(rule.cooperating_units.all()))
        users = {u.username: u for u in get_user_model().objects.filter(is_demo=True)}
        self.operator = users.get("dieuhanh")
        self.citizens = [u for u in users.values() if not u.memberships.exists()]
        self.officers = {}  # unit → a demo officer who answers in its name
        for username in ("sxd.canbo", "kinhbac.canbo", "congan"):
            user = users.get(username)
            membership = user.memberships.select_related("unit").first() if user else None
            if membership:
                self.officers[membership.unit_id] = user
        self.ioc = self.units.get("ioc")

    def _commune_weight(self, area):
        district = self.district.get(area.pk, "")
        if district.startswith("Thành phố Bắc Ninh"):
            return 9
        if district.startswith(("Thành phố Bắc Giang", "Thành phố Từ Sơn")):
            return 6
        return 3 if area.kind == "Phường" else 1

    # -- what the reporter sends --

    def _times(self):
        """Reception moments over the year: more in recent months, fewer at Tết, mostly by day."""
        start = self.now - timedelta(days=365)
        hours = [0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 3.5, 3, 2.5, 1.5, 2, 2.8, 3, 2.8, 2.5, 2, 2.2, 2.2,
                 1.8, 1, 0.5]
        days = [start + timedelta(days=d) for d in range(366)]
        # Growing use over the year; fewer reports on public holidays (Tết above all).
        days_off = self.wt.days_off
        day_weights = [(0.75 + 0.5 * i / 365) * (0.4 if worktime.to_local(d).date() in days_off else 1)
                       for i, d in enumerate(days)]
        moments = []
        for day in self.rng.choices(days, weights=day_weights, k=self.count):
            local = worktime.to_local(day).replace(hour=0, minute=0, second=0, microsecond=0)
            hour = self.rng.choices(range(24), weights=hours)[0]
            moment = local + timedelta(hours=hour, seconds=self.rng.randrange(3600))
            moments.append(min(max(moment, start), self.now - timedelta(minutes=5)))
        return sorted(moments)

    def _category(self, month):
        codes = list(CATEGORY_WEIGHTS)
        weights = [CATEGORY_WEIGHTS[c] * SEASONS.get(c, {}).get(month, OFF_SEASON.get(c, 1)) for c in codes]
        return self.categories[self.rng.choices(codes, weights=weights)[0]]

    def _person(self):
        sex = self.rng.choice("mf")
        surname, middle, given = (self.rng.choice(SURNAMES), self.rng.choice(MIDDLE[sex]),
                                  self.rng.choice(GIVEN[sex]))
        from unidecode import unidecode

        mailbox = unidecode(f"{given}.{surname}{middle[0]}").lower()
        return (f"{surname} {middle} {given}", f"09{self.rng.randrange(10 ** 8):08d}",
                f"{mailbox}{self.rng.randrange(10, 99)}@example.com")

    def _place(self, plan):
        """(latitude, longitude, address, location phrase) near the commune's centroid."""
        rng, area = self.rng, plan.area
        radius_km = 0.45 * math.sqrt((area.area_km2 or 20) / math.pi) * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lat = area.latitude + radius_km / 111.0 * math.cos(angle)
        lon = area.longitude + radius_km / (111.0 * math.cos(math.radians(area.latitude))) * math.sin(angle)
        commune = f"{area.kind.lower()} {area.short_name}"
        district = self.district.get(area.pk, "")
        streets = next((names for city, names in STREETS.items() if district.startswith(city)), None)
        if streets and rng.random() < 0.85:
            street, number = rng.choice(streets), rng.randrange(2, 300)
            address = f"Số {number} đường {street}, {commune}"
            phrase = rng.choice([f"trên đường {street}, đoạn trước số nhà {number}", f"trên đường {street} gần "
                                 f"{rng.choice(LANDMARKS)}", f"tại số {number} đường {street}"])
        elif rng.random() < 0.35 and district in ROADS:
            road, km = rng.choice(ROADS[district]), rng.randrange(2, 60)
            address = f"Km{km} {road}, {commune}"
            phrase = f"trên {road} đoạn qua {commune} (khoảng Km{km})"
        else:
            hamlet = rng.choice(HAMLETS) if area.kind == "Xã" else f"tổ dân phố số {rng.randrange(1, 12)}"
            address = f"{hamlet[0].upper()}{hamlet[1:]}, {commune}"
            phrase = f"tại {hamlet}, {commune}, gần {rng.choice(LANDMARKS)}"
        return round(lat, 6), round(lon, 6), address, phrase

    def _describe(self, plan, phrase):
        rng = self.rng
        text = rng.choice(DESCRIPTIONS[plan.category.code]).format(
            at=phrase, near=rng.choice(LANDMARKS), days=rng.randrange(2, 8), n=rng.randrange(2, 6),
            cm=rng.choice([20, 30, 40, 50]), m=rng.choice([10, 15, 20, 30]), proc=rng.choice(PROCEDURES),
            commune=f"{plan.area.kind.lower()} {plan.area.short_name}")
        if plan.channel == Channel.HOTLINE and rng.random() < 0.5:
            text = "Người dân gọi đường dây nóng phản ánh: " + text[0].lower() + text[1:]
        return text

    def _attributes(self, plan):
        code, rng = plan.category.code, self.rng
        if code == "den-chieu-sang" and rng.random() < 0.4:
            return {"so_cot": f"BN-{rng.randrange(1, 400):03d}"}
        if code == "hu-hong-mat-duong" and rng.random() < 0.6:
            return {"muc_do": rng.choice(["nhe", "vua", "vua", "nang"])}
        if code == "ngap-ung" and rng.random() < 0.5:
            return {"do_sau": rng.choice([20, 30, 40, 50, 60])}
        return {}

    def _route(self, category, area):
        chain = category.ancestors()
        for key in [(c.pk, area.pk) for c in chain] + [(c.pk, None) for c in chain]:
            if key in self.rules:
                return self.rules[key]
        return None, []

    def plans(self):
        rng, plans = self.rng, []
        # Citizen accounts send some of the web reports; the demo citizen gets hers below, chosen by state.
        others = [u for u in self.citizens if u.username != "nguoidan"]
        for index, moment in enumerate(self._times()):
            area = rng.choices(self.communes, weights=self.weights)[0]
            plan = Plan(index=index, received_at=moment, category=self._category(moment.month), area=area)
            plan.channel = rng.choices([Channel.WEB, Channel.HOTLINE, Channel.OPEN311], weights=[60, 30, 10])[0]
            if others and plan.channel == Channel.WEB and rng.random() < 0.05:
                plan.reporter = rng.choice(others)
            plans.append(plan)
        # Duplicates: a later report of the same thing nearby, merged into the first one.
        recent = {}
        for plan in plans:
            first = recent.get(plan.category.pk)
            if first and plan.received_at - first.received_at < timedelta(days=10) and rng.random() < 0.04:
                plan.duplicate_of, plan.area = first, first.area
            else:
                recent[plan.category.pk] = plan
        self._give_demo_citizen_reports(plans)
        return plans

    def _give_demo_citizen_reports(self, plans):
        """The demo citizen has reports in every state: new, in progress, answered awaiting a rating, closed and
        rated, reopened, rejected."""
        citizen = next((u for u in self.citizens if u.username == "nguoidan"), None)
        if citizen is None:
            return
        wishes = [(0.05, {}), (1.2, {}), (4, {"stuck": True}), (3, {"answer_within": 6, "no_rating": True}),
                  (9, {"reopen": True, "rating": 2}), (40, {"rating": 5}), (95, {"late": True, "rating": 3}),
                  (150, {"reopen": True, "rating": 1}), (210, {"reject": RejectionReason.INSUFFICIENT}),
                  (300, {"rating": 5})]
        taken = set()
        for age_days, force in wishes:
            target = self.now - timedelta(days=age_days)
            plan = min((p for p in plans if p.index not in taken and not p.duplicate_of
                        and p.category.is_public), key=lambda p: abs(p.received_at - target))
            taken.add(plan.index)
            plan.reporter, plan.channel, plan.force = citizen, Channel.WEB, force

    # -- the life of a report --

    def _hours(self, start, hours):
        return self.wt.add_working_hours(start, hours)

    def live(self, plan, report):
        """Plan the steps a report goes through, as the workflow would record them."""
        rng, force, cat = self.rng, plan.force, plan.category
        urgent = report.priority == Priority.URGENT
        op, ioc = self.operator, self.ioc
        steps = plan.steps
        steps.append(Step(plan.received_at, to=S.RECEIVED, actor=report.received_by,
                          note=f"Tiếp nhận qua {Channel(report.channel).label}."))
        accept = cat.acceptance_hours_urgent if urgent else cat.acceptance_hours
        if urgent:
            t = plan.received_at + timedelta(minutes=rng.uniform(5, 90))
        elif rng.random() < 0.06:
            t = self._hours(plan.received_at, rng.uniform(accept * 1.05, accept * 2.5))
        else:
            t = self._hours(plan.received_at, rng.triangular(0.05, accept * 0.9, 0.4))
        if plan.duplicate_of is not None and not any(s.to == S.REJECTED for s in plan.duplicate_of.steps):
            main = plan.duplicate_of.report
            steps.append(Step(t, to=S.REJECTED, actor=op, unit=ioc, changes={
                "rejection_reason": RejectionReason.DUPLICATE, "merged_into": plan.duplicate_of},
                note=f"Trùng với phản ánh {main.code}; kết quả xử lý sẽ được gửi theo phản ánh đó."))
            plan.duplicate_of.steps.append(Step(t, kind=EventKind.MERGE, actor=op,
                                                note=f"Gộp phản ánh trùng {report.code}."))
            return
        roll = rng.random()
        reason = force.get("reject") or (None if force else RejectionReason.SPAM if roll < 0.02 else
                                         RejectionReason.OUTSIDE_COMPETENCE if roll < 0.045 else
                                         RejectionReason.INSUFFICIENT if roll < 0.065 else None)
        if reason:
            steps.append(Step(t, to=S.REJECTED, actor=op, unit=ioc, changes={"rejection_reason": reason},
                              note=f"{RejectionReason(reason).label}. {rng.choice(REJECT_NOTES[reason])}"))
            return
        steps.append(Step(t, to=S.VERIFIED, actor=op, unit=ioc, changes={"verified_at": t}))
        lead = report.lead_unit or self.commune_unit.get(plan.area.pk)
        t += timedelta(minutes=rng.uniform(2, 25))
        steps.append(Step(t, to=S.ASSIGNED, actor=op, unit=ioc, note=f"Chuyển {lead.name} xử lý.",
                          changes={"lead_unit": lead, "assigned_at": t}))
        if not force and rng.random() < 0.025:  # the unit hands it back; the IOC sends it elsewhere
            t = self._hours(t, rng.uniform(1, 6))
            steps.append(Step(t, to=S.VERIFIED, actor=self.officers.get(lead.pk), unit=lead, note=RETURN_REASON,
                              changes={"lead_unit": None, "verified_at": t}))
            lead = self.commune_unit.get(plan.area.pk) if lead.kind != "commune_committee" else self.units[
                "so-xay-dung"]
            t = self._hours(t, rng.uniform(0.5, 3))
            steps.append(Step(t, to=S.ASSIGNED, actor=op, unit=ioc, note=f"Chuyển {lead.name} xử lý.",
                              changes={"lead_unit": lead, "assigned_at": t}))
        elif not force and rng.random() < 0.015:  # handed on to a better-placed unit, keeping the deadline
            new = self.commune_unit.get(plan.area.pk) if lead.kind != "commune_committee" else self.units[
                "so-xay-dung"]
            t = self._hours(t, rng.uniform(1, 6))
            steps.append(Step(t, kind=EventKind.TRANSFER, to=S.ASSIGNED, actor=self.officers.get(lead.pk), unit=lead,
                              note=f"Chuyển từ {lead.name} sang {new.name}: Địa bàn do {new.name} trực tiếp quản lý.",
                              changes={"status": S.ASSIGNED, "lead_unit": new, "assigned_at": t}))
            lead = new
        due = report.answer_due
        officer = self.officers.get(lead.pk)
        if rng.random() < 0.85 or force.get("stuck"):
            t = self._hours(t, rng.uniform(0.3, 6))
            steps.append(Step(t, to=S.IN_PROGRESS, actor=officer, unit=lead))
        if rng.random() < 0.25:
            steps.append(Step(self._hours(t, rng.uniform(0.5, 6)), kind=EventKind.NOTE, public=False, actor=officer,
                              unit=lead, note=rng.choice(NOTES)))
        if force.get("stuck") or (not force and rng.random() < 0.012):
            return  # never answered: overdue on the staff lists
        late = force.get("late") or (not force and rng.random() < (0.2 if urgent else 0.11))
        if force.get("answer_within"):
            t = self._hours(t, rng.uniform(1, 4))
        elif late:
            t = self._hours(due, rng.uniform(1, 40))
        else:
            room = max(1.0, worktime.working_time_between(t, due).total_seconds() / 3600 * 0.95)
            t = self._hours(t, rng.triangular(0.5, room, min(room, 6)))
        t = self._answer(plan, t, lead, officer, due)
        stars = force.get("rating")
        rated = False
        if not force.get("no_rating") and (stars or (report.reporter_phone and rng.random() < 0.45)):
            on_time = t <= due
            stars = stars or rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 12, 5, 3] if on_time else
                                         [20, 25, 25, 15, 15])[0]
            rated_at = t + timedelta(hours=rng.uniform(2, 100))
            comments = GOOD_COMMENTS if stars >= 4 else MID_COMMENTS if stars == 3 else BAD_COMMENTS
            steps.append(Step(rated_at, kind=EventKind.RATING, actor=plan.reporter,
                              note=f"Người phản ánh đánh giá {stars}/5.", changes={
                                  "rating": stars, "rating_comment": rng.choice(comments), "rated_at": rated_at}))
            rated = True
        if force.get("reopen") or (not force and rated and stars <= 2 and rng.random() < 0.5):
            t = max(t, rated_at if rated else t) + timedelta(hours=rng.uniform(1, 24))
            due = deadlines_for(cat, report.priority, t)[1]  # handled again: a fresh answer deadline
            steps.append(Step(t, to=S.REOPENED, actor=plan.reporter or op, unit=None if plan.reporter else ioc,
                              note=rng.choice(REOPEN_REASONS), changes={"closed_at": None, "answer_due": due,
                                                                         "reminded_at": None, "escalated_at": None}))
            t = self._hours(t, rng.uniform(0.5, 4))
            steps.append(Step(t, to=S.IN_PROGRESS, actor=officer, unit=lead))
            t = self._answer(plan, self._hours(t, rng.uniform(4, 24)), lead, officer, due)
        if not force and rng.random() < 0.35:
            t += timedelta(hours=rng.uniform(24, 72))
            steps.append(Step(t, to=S.CLOSED, actor=op, unit=ioc, changes={"closed_at": t},
                              note="Người phản ánh đã xác nhận kết quả xử lý."))
        else:
            t += timedelta(days=7, minutes=rng.uniform(1, 15))
            steps.append(Step(t, to=S.CLOSED, changes={"closed_at": t},
                              note="Tự động đóng sau thời hạn yêu cầu xử lý lại."))

    def _answer(self, plan, t, unit, officer, due):
        text = ANSWERS[plan.category.code].format(unit=unit.name, n=self.rng.randrange(1, 5),
                                                  date=worktime.to_local(t).strftime("%d/%m/%Y"))
        text += (LATE_APOLOGY if t > due else "") + THANKS
        plan.steps.append(Step(t, to=S.ANSWERED, actor=officer, unit=unit, changes={
            "answer": text, "answered_at": t, "answered_by": officer, "answered_on_time": t <= due}))
        return t

    # -- from plans to rows --

    def intake(self, plan, code):
        """The Report as submit_report would have stored it."""
        rng, cat = self.rng, plan.category
        lat, lon, address, phrase = self._place(plan)
        if plan.duplicate_of is not None:  # same spot, a few metres away
            main = plan.duplicate_of.report
            lat = round((main.latitude or lat) + rng.uniform(-0.0003, 0.0003), 6)
            lon = round((main.longitude or lon) + rng.uniform(-0.0003, 0.0003), 6)
            address = main.address
        priority = cat.default_priority if rng.random() > 0.04 else Priority.URGENT
        acceptance_due, answer_due = deadlines_for(cat, priority, plan.received_at)
        lead, coop = self._route(cat, plan.area)
        name, phone, email = self._person()
        if plan.reporter is not None:
            name, email, phone = plan.reporter.get_full_name(), plan.reporter.email, plan.reporter.phone
        elif plan.channel == Channel.HOTLINE:
            email = ""
        elif plan.channel == Channel.OPEN311:
            phone = "" if rng.random() < 0.5 else phone
        else:
            phone, email = (phone, "") if rng.random() < 0.3 else ("", email) if rng.random() < 0.5 else (phone, email)
        with_point = plan.channel != Channel.HOTLINE or rng.random() < 0.4
        report = Report(
            code=code, token=uuid.UUID(int=rng.getrandbits(128), version=4), channel=plan.channel, category=cat,
            description="", attributes=self._attributes(plan), latitude=lat if with_point else None,
            longitude=lon if with_point else None, address=address, area=plan.area, reporter=plan.reporter,
            reporter_name=name, reporter_email=email, reporter_phone=phone,
            is_anonymous=plan.reporter is None and rng.random() < 0.12,
            received_by=self.operator if plan.channel == Channel.HOTLINE else None, status=S.RECEIVED,
            priority=priority, lead_unit=lead, received_at=plan.received_at, acceptance_due=acceptance_due,
            answer_due=answer_due, idempotency_key=f"{DEMO_KEY_PREFIX}{plan.index:06d}",
            acknowledged_at=plan.received_at)  # as if acknowledged: the intake sweep must not write to them
        report.description = self._describe(plan, phrase)
        report.updated_at = plan.received_at
        report._cooperating = [u for u in coop if lead is None or u.pk != lead.pk]
        plan.report = report
        return report

    def apply(self, plan):
        """Play the steps that have happened by now onto the report; return its timeline events."""
        report, events = plan.report, []
        for step in sorted(plan.steps, key=lambda s: s.at):
            if step.at > self.now:
                break
            old = report.status
            if step.to and step.kind == EventKind.TRANSITION:
                report.status = step.to
            for name, value in step.changes.items():
                setattr(report, name, value.report if isinstance(value, Plan) else value)
            report.updated_at = max(report.updated_at, step.at)
            events.append(ReportEvent(
                report=report, at=step.at, actor=step.actor, actor_unit=step.unit, kind=step.kind,
                from_status=old if step.kind == EventKind.TRANSITION and step.to != S.RECEIVED else "",
                to_status=step.to, note=step.note, is_public=step.public))
        if report.is_open:  # the deadline watch has already done its work for these
            due = report.current_deadline()
            if due and due < self.now:
                report.escalated_at = min(self.now, due + timedelta(minutes=10))
            if report.answer_due and self._hours(self.now, 4) >= report.answer_due:
                report.reminded_at = min(self.now, report.answer_due)
        return events


def _insert(model, objects):
    """INSERT rows without reading keys back: executemany skips the ORM's per-row SQL compilation."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    rows = []
    for obj in objects:
        for f in fields:  # foreign keys to objects saved since they were assigned
            if f.is_relation and getattr(obj, f.attname) is None and f.get_cached_value(obj, None) is not None:
                setattr(obj, f.attname, f.get_cached_value(obj).pk)
        rows.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def seed_reports(*, count=DEFAULT_REPORT_COUNT, now=None, seed=RANDOM_SEED):
    """Make up `count` reports over the year ending `now`; return (reports, events) written."""
    now = now or timezone.now()
    factory = ReportFactory(count=count, now=now, rng=random.Random(seed))
    plans = factory.plans()
    if not plans or not factory.categories:
        return 0, 0
    years = {}
    for plan in plans:
        years.setdefault(plan.received_at.year, []).append(plan)
    codes = {}
    for year, group in years.items():
        sequence, _created = CodeSequence.objects.select_for_update().get_or_create(year=year)
        for offset, plan in enumerate(group, start=1):
            codes[plan.index] = f"PA-{year}-{sequence.last + offset:06d}"
        sequence.last += len(group)
        sequence.save(update_fields=["last"])
    for plan in plans:
        factory.intake(plan, codes[plan.index])
    for plan in plans:
        factory.live(plan, plan.report)
    events = []
    for plan in plans:
        events += factory.apply(plan)
    reports = [plan.report for plan in plans]
    # merged_into names reports written in the same batch: set it once they all have keys
    merged = [(report, report.merged_into) for report in reports if report.merged_into is not None]
    for report, _target in merged:
        report.merged_into = None
    last_moves = [report.updated_at for report in reports]
    Report.objects.bulk_create(reports, batch_size=BATCH)
    if reports[0].pk is None:  # backends that do not return keys
        keys = dict(Report.objects.filter(code__in=[r.code for r in reports]).values_list("code", "pk"))
        for report in reports:
            report.pk = keys[report.code]
    for report, target in merged:
        report.merged_into = target
    # bulk_create stamps updated_at (auto_now): put back the moment of the last step. Plain executemany, as
    # bulk_update's CASE expressions cost seconds here.
    stamp = Report._meta.get_field("updated_at")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Report._meta.db_table} SET updated_at = %s, merged_into_id = %s WHERE id = %s",
            [(stamp.get_db_prep_value(moved, connection), r.merged_into.pk if r.merged_into else None, r.pk)
             for r, moved in zip(reports, last_moves)])
    for report, moved in zip(reports, last_moves):
        report.updated_at = moved
    _insert(ReportEvent, events)
    through = Report.cooperating_units.through
    through.objects.bulk_create([through(report_id=r.pk, unit_id=u.pk) for r in reports for u in r._cooperating],
                                batch_size=BATCH)
    follows = {(r.pk, r.reporter_id) for r in reports if r.reporter_id}
    follows |= {(r.merged_into.pk, r.reporter_id) for r in reports if r.reporter_id and r.merged_into}
    Follow.objects.bulk_create([Follow(report_id=r, user_id=u, created_at=now) for r, u in sorted(follows)],
                               batch_size=BATCH)
    return len(reports), len(events)


def seed_feedback(stdout=None, *, report_count=None, now=None, seed=RANDOM_SEED):
    """Create the feedback module's demo data where missing; return what was created. Needs areas and units.

    report_count: how many reports to make up over the year ending `now` (default 3,600; 200 under tests).
    """
    if report_count is None:
        report_count = TESTING_REPORT_COUNT if settings.TESTING else DEFAULT_REPORT_COUNT
    with transaction.atomic(), translation.override("vi"):
        say(stdout, "Đang tạo lĩnh vực, quy tắc chuyển xử lý và mẫu trả lời phản ánh…")
        created = seed_reference()
        created["reports"] = created["events"] = 0
        if report_count and not Report.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX).exists():
            say(stdout, f"Đang tạo {report_count} phản ánh mẫu trong một năm…")
            created["reports"], created["events"] = seed_reports(count=report_count, now=now, seed=seed)
        # Extension requests go through the workflow's services, each audited on its own (see extensions.py).
        from .extensions import seed_extensions

        created["extensions"] = seed_extensions(now=now, seed=seed) if report_count else 0
        if created["reports"] or created["categories"] or created["extensions"]:
            from ..stats import bump_version

            transaction.on_commit(bump_version)  # bulk writes send no signal: drop the cached map and figures
        if any(created.values()):
            audit.record(AuditAction.CREATE, object_type="feedback.report",
                         object_repr="Phản ánh, kiến nghị tỉnh Bắc Ninh (dữ liệu trình diễn)", changes=created,
                         note=(f"Tạo dữ liệu trình diễn: {created['categories']} lĩnh vực, {created['routing_rules']} "
                               f"quy tắc chuyển xử lý, {created['response_templates']} mẫu trả lời, "
                               f"{created['reports']} phản ánh, {created['extensions']} đề nghị gia hạn."))
    return created
