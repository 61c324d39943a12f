"""The benchmark's dataset: a million citizen reports over four years, with their timelines and cooperating
units, written straight into the tables (executemany on SQLite, COPY on PostgreSQL).

The reports look like the demo's (ioc.feedback.demo): Bắc Ninh's categories and routing, communes weighted to
the urban wards, Vietnamese descriptions and answers, deadlines in working time, and a life cycle that depends
on age (most old reports closed, a backlog of open ones, some overdue, some rejected or merged).
"""

import json
import math
import random
import time
import uuid
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db import connection, transaction
from django.utils import timezone

YEARS = 4
BATCH = 10_000
SEED = 311
CHANNEL_LABELS = {"web": "Cổng thông tin", "hotline": "Đường dây nóng 1022", "open311": "Ứng dụng kết nối (Open311)"}


def _status_for(age_days, rng):
    """The status a report of this age has reached (old ones are mostly closed)."""
    r = rng.random()
    if age_days < 1:
        table = (("received", .35), ("verified", .05), ("assigned", .30), ("in_progress", .20), ("rejected", .10))
    elif age_days < 7:
        table = (("received", .02), ("assigned", .10), ("in_progress", .36), ("answered", .42), ("rejected", .08),
                 ("reopened", .02))
    elif age_days < 30:
        table = (("closed", .80), ("in_progress", .08), ("assigned", .02), ("rejected", .09), ("reopened", .01))
    else:
        table = (("closed", .895), ("rejected", .085), ("in_progress", .012), ("assigned", .003), ("reopened", .005))
    for status, share in table:
        r -= share
        if r < 0:
            return status
    return table[0][0]


class Generator:
    """Rows for feedback_report, feedback_reportevent and the cooperating-units table, in batches."""

    def __init__(self, *, count, now, seed=SEED):
        from ioc.core import worktime
        from ioc.core.demo import commune_unit_code
        from ioc.core.models import Area, Unit
        from ioc.feedback.demo import words as demo
        from ioc.feedback.models import Category, RoutingRule

        self.count, self.now, self.rng = count, now, random.Random(seed)
        self.wt = worktime.default_working_time()
        self.demo = demo
        units = {u.code: u for u in Unit.objects.all()}
        self.ioc_id = units["ioc"].pk
        self.unit_names = {u.pk: u.name for u in units.values()}
        cats = {c.code: c for c in Category.objects.all()}
        self.categories = [cats[code] for code in demo.CATEGORY_WEIGHTS if code in cats]
        self.category_weights = [demo.CATEGORY_WEIGHTS[c.code] for c in self.categories]
        self.communes = list(Area.objects.communes().filter(latitude__isnull=False).order_by("code"))
        former = dict(Area.objects.filter(is_current=False, successor__isnull=False)
                      .values_list("successor_id", "parent__name"))
        self.district = {a.pk: former.get(a.pk, "") for a in self.communes}
        self.commune_weights = [9 if self.district[a.pk].startswith("Thành phố Bắc Ninh") else
                                6 if self.district[a.pk].startswith(("Thành phố Bắc Giang", "Thành phố Từ Sơn")) else
                                3 if a.kind == "Phường" else 1 for a in self.communes]
        self.commune_unit = {a.pk: units[commune_unit_code(a)].pk for a in self.communes
                             if commune_unit_code(a) in units}
        self.rules = {}
        for rule in RoutingRule.objects.filter(is_active=True).prefetch_related("cooperating_units"):
            self.rules[(rule.category_id, rule.area_id)] = (rule.lead_unit_id,
                                                            [u.pk for u in rule.cooperating_units.all()])
        self.parents = dict(Category.objects.values_list("pk", "parent_id"))
        self._deadlines = {}
        self._descriptions = {c.pk: self._description_pool(c) for c in self.categories}
        self.people = [self._person() for _ in range(2000)]

    # -- pieces --

    def _description_pool(self, category):
        rng, demo = self.rng, self.demo
        streets = [s for names in demo.STREETS.values() for s in names]
        pool = []
        for _ in range(40):
            commune = rng.choice(self.communes)
            place = rng.choice([f"trên đường {rng.choice(streets)}, đoạn trước số nhà {rng.randrange(2, 300)}",
                                f"tại {rng.choice(demo.HAMLETS)}, {commune.kind.lower()} {commune.short_name}"])
            pool.append(rng.choice(demo.DESCRIPTIONS[category.code]).format(
                at=place, near=rng.choice(demo.LANDMARKS), days=rng.randrange(2, 8), n=rng.randrange(2, 6),
                cm=rng.choice([20, 30, 40]), m=rng.choice([10, 20, 30]), proc=rng.choice(demo.PROCEDURES),
                commune=f"{commune.kind.lower()} {commune.short_name}"))
        return pool

    def _person(self):
        rng, demo = self.rng, self.demo
        sex = rng.choice("mf")
        name = f"{rng.choice(demo.SURNAMES)} {rng.choice(demo.MIDDLE[sex])} {rng.choice(demo.GIVEN[sex])}"
        return name, f"09{rng.randrange(10 ** 8):08d}", f"nguoidan{rng.randrange(10 ** 6):06d}@example.com"

    def _route(self, category, area_id):
        chain, node = [], category.pk
        while node is not None:
            chain.append(node)
            node = self.parents.get(node)
        for key in [(c, area_id) for c in chain] + [(c, None) for c in chain]:
            if key in self.rules:
                return self.rules[key]
        return self.commune_unit.get(area_id), []

    def _due(self, category, urgent, received):
        # Working-time deadlines of the received moment rounded to ten minutes: exact enough, ten times cheaper.
        bucket = received.replace(minute=received.minute - received.minute % 10, second=0, microsecond=0)
        key = (category.pk, urgent, bucket)
        if key not in self._deadlines:
            hours = category.acceptance_hours_urgent if urgent else category.acceptance_hours
            days = category.answer_days_urgent if urgent else category.answer_days
            self._deadlines[key] = (self.wt.add_working_hours(bucket, hours), self.wt.add_working_days(bucket, days))
        return self._deadlines[key]

    # -- rows --

    def reports(self, first_id):
        """Yield (report row dict, [event row dicts], [cooperating unit ids]) in received order."""
        rng, now = self.rng, self.now
        span = YEARS * 365 * 86400
        moments = sorted(rng.random() * span for _ in range(self.count))
        start = now - timedelta(seconds=span)
        per_year = {}
        ids = first_id
        for offset in moments:
            received = start + timedelta(seconds=offset)
            local = timezone.localtime(received)
            year = local.year
            per_year[year] = per_year.get(year, 0) + 1
            category = rng.choices(self.categories, weights=self.category_weights)[0]
            area = rng.choices(self.communes, weights=self.commune_weights)[0]
            lead, coop = self._route(category, area.pk)
            urgent = category.default_priority == "urgent" or rng.random() < 0.04
            acceptance_due, answer_due = self._due(category, urgent, received)
            status = _status_for((now - received).total_seconds() / 86400, rng)
            name, phone, email = rng.choice(self.people)
            radius = 0.45 * math.sqrt((area.area_km2 or 20) / math.pi) * math.sqrt(rng.random()) / 111.0
            angle = rng.uniform(0, 2 * math.pi)
            channel = rng.choices(("web", "hotline", "open311"), weights=(60, 30, 10))[0]
            row = {
                "id": ids, "code": f"PA-{year}-{per_year[year]:06d}", "token": uuid.UUID(int=rng.getrandbits(128),
                                                                                      version=4),
                "channel": channel, "category_id": category.pk,
                "description": rng.choice(self._descriptions[category.pk]), "attributes": {},
                "latitude": round(area.latitude + radius * math.cos(angle), 6),
                "longitude": round(area.longitude + radius * math.sin(angle), 6),
                "address": f"{area.kind} {area.short_name}", "area_id": area.pk, "reporter_name": name,
                "reporter_email": email if channel != "hotline" else "", "reporter_phone": phone,
                "is_anonymous": rng.random() < 0.1, "status": status, "priority": "urgent" if urgent else "normal",
                "lead_unit_id": lead, "received_at": received, "acceptance_due": acceptance_due,
                "answer_due": answer_due, "updated_at": received,
            }
            events = [{"at": received, "kind": "transition", "to_status": "received",
                       "note": f"Tiếp nhận qua {CHANNEL_LABELS[channel]}."}]
            t = received + timedelta(hours=rng.uniform(0.3, 8))
            if status == "rejected":
                reason = rng.choice(["spam", "outside_competence", "insufficient", "duplicate"])
                row["rejection_reason"] = reason
                if reason == "duplicate" and ids - first_id > 1000:
                    row["merged_into_id"] = ids - rng.randrange(1, 1000)
                events.append({"at": t, "kind": "transition", "from_status": "received", "to_status": "rejected",
                               "actor_unit_id": self.ioc_id, "note": "Không đủ điều kiện xử lý."})
            elif status != "received":
                row["verified_at"] = t
                events.append({"at": t, "kind": "transition", "from_status": "received", "to_status": "verified",
                               "actor_unit_id": self.ioc_id})
                if status != "verified":
                    t += timedelta(minutes=rng.uniform(2, 30))
                    row["assigned_at"] = t
                    events.append({"at": t, "kind": "transition", "from_status": "verified",
                                   "to_status": "assigned", "actor_unit_id": self.ioc_id,
                                   "note": f"Chuyển {self.unit_names.get(lead, '')} xử lý."})
                    previous = "assigned"
                    if status != "assigned":
                        t += timedelta(hours=rng.uniform(1, 30))
                        events.append({"at": t, "kind": "transition", "from_status": "assigned",
                                       "to_status": "in_progress", "actor_unit_id": lead})
                        previous = "in_progress"
                    if status in ("answered", "closed", "reopened"):
                        answered = received + (answer_due - received) * rng.uniform(0.2, 1.25)
                        t = max(t, answered)
                        row.update(answered_at=t, answered_on_time=t <= answer_due, answer=self.demo.ANSWERS[
                            category.code].format(unit=self.unit_names.get(lead, ""), n=2,
                                                  date=timezone.localtime(t).strftime("%d/%m/%Y")))
                        events.append({"at": t, "kind": "transition", "from_status": previous,
                                       "to_status": "answered", "actor_unit_id": lead})
                        previous = "answered"
                    if status == "closed":
                        t += timedelta(days=7, minutes=5)
                        row["closed_at"] = t
                        events.append({"at": t, "kind": "transition", "from_status": "answered",
                                       "to_status": "closed", "note": "Tự động đóng sau thời hạn yêu cầu xử lý lại."})
                        if rng.random() < 0.3:
                            stars = rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 12, 5, 3])[0]
                            row.update(rating=stars, rated_at=t - timedelta(days=3))
                    if status == "reopened":
                        t += timedelta(days=rng.uniform(1, 5))
                        events.append({"at": t, "kind": "transition", "from_status": "answered",
                                       "to_status": "reopened", "note": "Thực tế chưa được xử lý."})
            row["updated_at"] = min(max(e["at"] for e in events), now)
            events = [e for e in events if e["at"] <= now]
            yield row, events, coop if status not in ("received", "verified", "rejected") else []
            ids += 1
        self.per_year = per_year


def _sqlite_value(value):
    if hasattr(value, "tzinfo"):  # aware datetime → naive UTC text, as Django stores it on SQLite
        return str(timezone.make_naive(value, dt_timezone.utc))
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _writer(model, columns):
    """A function writing a list of rows (tuples in `columns` order) to model's table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        def write(rows):
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row])
    else:
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"

        def write(rows):
            with connection.cursor() as cursor:
                cursor.cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in rows])
    return write


def build(count, *, log=print):
    """Append `count` reports (with events and cooperating units) after the existing ones; return figures."""
    from ioc.feedback.models import CodeSequence, Report, ReportEvent

    started = time.perf_counter()
    now = timezone.now()
    generator = Generator(count=count, now=now)
    report_fields = [f for f in Report._meta.concrete_fields]
    report_columns = [f.column for f in report_fields]
    defaults = {f.attname: f.get_default() for f in report_fields}
    event_fields = [f for f in ReportEvent._meta.concrete_fields if not f.primary_key]
    event_columns = [f.column for f in event_fields]
    event_defaults = {f.attname: f.get_default() for f in event_fields}
    through = Report.cooperating_units.through
    write_reports = _writer(Report, report_columns)
    write_events = _writer(ReportEvent, event_columns)
    write_links = _writer(through, ["report_id", "unit_id"])
    first_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    totals = {"reports": 0, "events": 0, "cooperating": 0}
    reports, events, links = [], [], []

    def flush():
        write_reports(reports)
        write_events(events)
        write_links(links)
        totals["reports"] += len(reports)
        totals["events"] += len(events)
        totals["cooperating"] += len(links)
        reports.clear(), events.clear(), links.clear()

    with transaction.atomic():
        for row, row_events, coop in generator.reports(first_id):
            reports.append([row.get(f.attname, defaults[f.attname]) for f in report_fields])
            for event in row_events:
                event["report_id"] = row["id"]
                events.append([event.get(f.attname, event_defaults[f.attname]) for f in event_fields])
            links += [(row["id"], unit_id) for unit_id in coop]
            if len(reports) >= BATCH:
                flush()
                if totals["reports"] % 100_000 == 0:
                    log(f"  {totals['reports']:,} phản ánh ({time.perf_counter() - started:.0f} s)")
        flush()
        for year, last in generator.per_year.items():
            CodeSequence.objects.update_or_create(year=year, defaults={"last": last})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('feedback_report', 'id'), "
                               "(SELECT MAX(id) FROM feedback_report))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as a maintained database has
    totals["build_s"] = round(time.perf_counter() - started, 1)
    return totals
