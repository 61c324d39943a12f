"""Demo data for Bắc Ninh: the province's areas, its agencies, and one account for every role.

Everything here is idempotent (a second run changes nothing) and refuses to run in production. Demo accounts
carry is_demo=True so that `remove_demo_accounts` can delete them, and production refuses to start while any
remain (ioc.core.checks).
"""

import base64
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from unidecode import unidecode

from . import audit
from .areas import DEFAULT_PROVINCE_CODE, load_province
from .models import Area, AuditAction, Membership, Unit, UnitKind
from .roles import Role

DEMO_PASSWORD = "BacNinh@2026"

# (username, full name, role as shown to people, role, unit code, uses two-factor sign-in)
DEMO_ACCOUNTS = [
    ("quantri", "Nguyễn Minh Tuấn", "Quản trị hệ thống (Trung tâm IOC)", Role.ADMIN, "ioc", True),
    ("lanhdao", "Trần Thị Thu Hà", "Lãnh đạo tỉnh (Phó Chủ tịch UBND tỉnh)", Role.LEADER, "ubnd-tinh", True),
    ("dieuhanh", "Lê Văn Hùng", "Điều hành viên (Trung tâm IOC)", Role.OPERATOR, "ioc", False),
    ("sxd.lanhdao", "Phạm Quốc Khánh", "Lãnh đạo đơn vị (Phó Giám đốc Sở Xây dựng)", Role.UNIT_HEAD,
     "so-xay-dung", False),
    ("sxd.canbo", "Đỗ Thị Mai", "Chuyên viên (Sở Xây dựng)", Role.OFFICER, "so-xay-dung", False),
    ("kinhbac.lanhdao", "Ngô Văn Thắng", "Lãnh đạo đơn vị (Chủ tịch UBND phường Kinh Bắc)", Role.UNIT_HEAD,
     "ubnd-phuong-kinh-bac", False),
    ("kinhbac.canbo", "Nguyễn Thị Lan", "Công chức (UBND phường Kinh Bắc)", Role.OFFICER,
     "ubnd-phuong-kinh-bac", False),
    ("congan", "Hoàng Đức Anh", "Cán bộ (Công an tỉnh)", Role.OFFICER, "cong-an-tinh", False),
    ("nguoidan", "Vũ Thị Hồng", "Người dân", None, None, False),
]

# The position written on each membership (Membership.title).
DEMO_TITLES = {
    "quantri": "Quản trị hệ thống",
    "lanhdao": "Phó Chủ tịch UBND tỉnh",
    "dieuhanh": "Điều hành viên",
    "sxd.lanhdao": "Phó Giám đốc Sở",
    "sxd.canbo": "Chuyên viên Phòng Quản lý đô thị",
    "kinhbac.lanhdao": "Chủ tịch UBND phường",
    "kinhbac.canbo": "Công chức Địa chính – Xây dựng",
    "congan": "Cán bộ Phòng Cảnh sát giao thông",
}

# Two-factor demo accounts get a TOTP key derived from this constant, so seed_demo can print the secret and
# the demo works the same on every machine. Never reuse it for real accounts.
DEMO_TOTP_SEED = "ioc-bac-ninh-demo-totp-2026"
DEMO_TOTP_DEVICE_NAME = "Ứng dụng xác thực (tài khoản trình diễn)"

PROVINCE_SEAT = "phường Bắc Giang, tỉnh Bắc Ninh"  # the merged province's administrative centre since 2025

# (code, name, short name, kind, parent code, address, phone, e-mail, website)
# The provincial agencies after the 2025 reorganisation (14, counting Văn phòng UBND and Thanh tra tỉnh).
# The IOC sits under Sở Khoa học và Công nghệ, which took over Sở Thông tin và Truyền thông in March 2025.
PROVINCE_UNITS = [
    ("ubnd-tinh", "UBND tỉnh Bắc Ninh", "UBND tỉnh", UnitKind.PROVINCE_COMMITTEE, None,
     f"Số 82 đường Hùng Vương, {PROVINCE_SEAT}", "0222 3822 446", "ubnd@bacninh.gov.vn",
     "https://bacninh.gov.vn"),
    ("van-phong-ubnd", "Văn phòng UBND tỉnh", "VP UBND", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 82 đường Hùng Vương, {PROVINCE_SEAT}", "0222 3822 447", "vanphong@bacninh.gov.vn", ""),
    ("so-noi-vu", "Sở Nội vụ", "SNV", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 1 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 501", "snv@bacninh.gov.vn", ""),
    ("so-tai-chinh", "Sở Tài chính", "STC", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 3 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 502", "stc@bacninh.gov.vn", ""),
    ("so-tu-phap", "Sở Tư pháp", "STP", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 5 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 503", "stp@bacninh.gov.vn", ""),
    ("so-cong-thuong", "Sở Công Thương", "SCT", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 7 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 504", "sct@bacninh.gov.vn", ""),
    ("so-xay-dung", "Sở Xây dựng", "SXD", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 9 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 505", "sxd@bacninh.gov.vn", ""),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "SNNMT", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 11 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 506", "snnmt@bacninh.gov.vn", ""),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "SKHCN", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 13 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 507", "skhcn@bacninh.gov.vn", ""),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "SGDĐT", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 15 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 508", "sgddt@bacninh.gov.vn", ""),
    ("so-y-te", "Sở Y tế", "SYT", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 17 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 509", "syt@bacninh.gov.vn", ""),
    ("so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", UnitKind.DEPARTMENT,
     "ubnd-tinh", f"Số 19 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 510", "svhttdl@bacninh.gov.vn",
     ""),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "SDTTG", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 21 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 511", "sdttg@bacninh.gov.vn", ""),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "TTr", UnitKind.DEPARTMENT, "ubnd-tinh",
     f"Số 23 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 3822 512", "thanhtra@bacninh.gov.vn", ""),
    ("ioc", "Trung tâm Giám sát, Điều hành Thông minh", "IOC", UnitKind.IOC, "so-khoa-hoc-cong-nghe",
     f"Số 13 đường Nguyễn Văn Cừ, {PROVINCE_SEAT}", "0222 1022", "ioc@bacninh.gov.vn", ""),
    ("cong-an-tinh", "Công an tỉnh Bắc Ninh", "CA tỉnh", UnitKind.POLICE, None,
     f"Số 2 đường Hùng Vương, {PROVINCE_SEAT}", "0222 3822 113", "congan@bacninh.gov.vn", ""),
    ("nuoc-sach", "Công ty Cổ phần Nước sạch Bắc Ninh", "Nước sạch", UnitKind.UTILITY, None,
     "Số 14 đường Nguyễn Văn Cừ, phường Kinh Bắc, tỉnh Bắc Ninh", "0222 3821 277", "", ""),
    ("dien-luc", "Công ty Điện lực Bắc Ninh", "Điện lực", UnitKind.UTILITY, None,
     "Số 32 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh", "0222 2221 000", "", ""),
    ("moi-truong-do-thi", "Công ty Cổ phần Môi trường và Dịch vụ đô thị Bắc Ninh", "Môi trường đô thị",
     UnitKind.UTILITY, None, "Số 6 đường Huyền Quang, phường Kinh Bắc, tỉnh Bắc Ninh", "0222 3822 356", "",
     ""),
    ("chieu-sang", "Công ty Cổ phần Chiếu sáng công cộng Bắc Ninh", "Chiếu sáng", UnitKind.UTILITY, None,
     "Số 18 đường Ngô Gia Tự, phường Kinh Bắc, tỉnh Bắc Ninh", "0222 3812 345", "", ""),
]

UNIT_FIELDS = ("name", "short_name", "kind", "parent_id", "address", "phone", "email", "website", "is_active")


def commune_unit_code(commune):
    """'Phường Kinh Bắc' → 'ubnd-phuong-kinh-bac'."""
    return slugify(unidecode(f"ubnd {commune.name}"))[:40]


def _commune_unit_specs(communes):
    specs = []
    for commune in communes:
        kind = commune.kind.lower()
        mailbox = slugify(unidecode(commune.name)).replace("-", "")
        specs.append((
            commune_unit_code(commune), f"UBND {kind} {commune.short_name}",
            f"UBND {commune.short_name}"[:60], UnitKind.COMMUNE_COMMITTEE, "ubnd-tinh",
            f"Trụ sở UBND {kind} {commune.short_name}, tỉnh Bắc Ninh",
            # Plausible, stable numbers from the official commune code.
            f"0222 38{commune.code[-2:]} {commune.code[-5:-2]}", f"{mailbox}@bacninh.gov.vn", "",
        ))
    return specs


def seed_units(province_code=DEFAULT_PROVINCE_CODE):
    """Create or update the province's agencies and one People's Committee per current commune; return counts.

    Provincial agencies have jurisdiction over every current commune; a commune committee over its commune.
    Needs the areas loaded (load_province).
    """
    communes = list(Area.objects.communes().filter(parent__code=province_code, parent__is_current=True)
                    .order_by("code"))
    if not communes:
        raise CommandError("Chưa có đơn vị hành chính của tỉnh: chạy `python manage.py load_areas` trước.")
    commune_specs = _commune_unit_specs(communes)
    specs = PROVINCE_UNITS + commune_specs
    all_ids = {c.pk for c in communes}
    jurisdiction = {spec[0]: all_ids for spec in PROVINCE_UNITS}
    jurisdiction.update({spec[0]: {commune.pk} for spec, commune in zip(commune_specs, communes)})

    created = updated = 0
    with transaction.atomic():
        existing = {u.code: u for u in Unit.objects.filter(code__in=[s[0] for s in specs])}
        pending = list(specs)
        while pending:  # parents before children
            ready = [s for s in pending if s[4] is None or (s[4] in existing and existing[s[4]].pk)]
            if not ready:
                raise ValueError("Unit parents form a cycle or name an unknown unit.")
            pending = [s for s in pending if s not in ready]
            to_create, to_update = [], []
            for code, name, short_name, kind, parent, address, phone, email, website in ready:
                values = {"name": name, "short_name": short_name, "kind": kind,
                          "parent_id": existing[parent].pk if parent else None, "address": address,
                          "phone": phone, "email": email, "website": website, "is_active": True}
                unit = existing.get(code)
                if unit is None:
                    existing[code] = unit = Unit(code=code, **values)
                    to_create.append(unit)
                elif any(getattr(unit, field) != value for field, value in values.items()):
                    for field, value in values.items():
                        setattr(unit, field, value)
                    to_update.append(unit)
            Unit.objects.bulk_create(to_create)
            Unit.objects.bulk_update(to_update, UNIT_FIELDS)
            if to_create and to_create[0].pk is None:  # backends that do not return keys
                fresh = Unit.objects.filter(code__in=[u.code for u in to_create])
                existing.update({u.code: u for u in fresh})
            created += len(to_create)
            updated += len(to_update)

        # Jurisdiction: add what is missing, drop what is no longer meant.
        through = Unit.areas.through
        unit_ids = {existing[code].pk: code for code in jurisdiction}
        current_links = set(through.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "area_id"))
        wanted = {(unit_id, area_id) for unit_id, code in unit_ids.items() for area_id in jurisdiction[code]}
        through.objects.bulk_create([through(unit_id=u, area_id=a) for u, a in wanted - current_links],
                                    batch_size=1000)
        stale = current_links - wanted
        for unit_id, area_id in stale:
            through.objects.filter(unit_id=unit_id, area_id=area_id).delete()
        links_changed = len(wanted - current_links) + len(stale)

        if created or updated or links_changed:
            audit.record(
                AuditAction.CREATE if created else AuditAction.UPDATE,
                object_type="core.unit", object_repr="Đơn vị tỉnh Bắc Ninh (dữ liệu trình diễn)",
                changes={"created": created, "updated": updated, "jurisdiction_links": links_changed},
                note=(f"Tạo dữ liệu đơn vị: {len(PROVINCE_UNITS)} cơ quan cấp tỉnh, "
                      f"{len(commune_specs)} UBND cấp xã."),
            )
    return {"units": len(specs), "province_units": len(PROVINCE_UNITS), "commune_units": len(commune_specs),
            "created": created, "updated": updated}


def demo_totp_key(username):
    """The fixed hex TOTP key of a demo account (20 bytes, as django-otp expects)."""
    return hashlib.sha256(f"{DEMO_TOTP_SEED}:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username):
    """The same key in base32, as typed into an authenticator app."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode().rstrip("=")


def seed_demo_accounts():
    """Create or update the demo accounts, their memberships and, where used, their TOTP devices."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User = get_user_model()
    units = {u.code: u for u in Unit.objects.filter(code__in={a[4] for a in DEMO_ACCOUNTS if a[4]})}
    accounts = []
    with transaction.atomic():
        for username, full_name, role_label, role, unit_code, uses_2fa in DEMO_ACCOUNTS:
            email = f"{username}@example.com"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD, email=email,
                                                full_name=full_name, language="vi", is_demo=True,
                                                email_verified_at=timezone.now())  # example.com: nothing to confirm
            else:
                wanted = {"full_name": full_name, "email": email, "is_demo": True, "is_active": True}
                changed = [field for field, value in wanted.items() if getattr(user, field) != value]
                for field in changed:
                    setattr(user, field, wanted[field])
                if user.email_verified_at is None:
                    user.email_verified_at = timezone.now()
                    changed.append("email_verified_at")
                if not user.check_password(DEMO_PASSWORD):
                    user.set_password(DEMO_PASSWORD)
                    changed.append("password")
                if changed:
                    user.save(update_fields=changed)

            memberships = Membership.objects.filter(user=user)
            if role:
                membership, _ = Membership.objects.get_or_create(
                    user=user, unit=units[unit_code], role=role,
                    defaults={"title": DEMO_TITLES.get(username, "")},
                )
                memberships = memberships.exclude(pk=membership.pk)
            for extra in memberships:  # delete one by one so each revocation is audited
                extra.delete()

            secret = None
            if uses_2fa:
                key = demo_totp_key(username)
                device = TOTPDevice.objects.filter(user=user, name=DEMO_TOTP_DEVICE_NAME).first()
                if device is None:
                    TOTPDevice.objects.create(user=user, name=DEMO_TOTP_DEVICE_NAME, key=key, confirmed=True)
                elif device.key != key or not device.confirmed:
                    device.key, device.confirmed = key, True
                    device.save(update_fields=["key", "confirmed"])
                secret = demo_totp_secret(username)
            accounts.append({"username": username, "full_name": full_name, "role_label": role_label,
                             "role": role, "unit": unit_code, "totp_secret": secret})
    return accounts


def seed_demo(stdout=None):
    """Load the province's areas, its agencies and the demo accounts; return what was seeded."""
    if settings.PRODUCTION:
        raise CommandError(
            "Không tạo dữ liệu trình diễn khi vận hành thật (IOC_ENV=production): "
            "tài khoản trình diễn có mật khẩu công khai."
        )

    def say(message):
        if stdout is not None:
            stdout.write(message)

    with transaction.atomic():
        say("Đang nạp đơn vị hành chính tỉnh Bắc Ninh…")
        areas = load_province(DEFAULT_PROVINCE_CODE)
        say("Đang tạo cơ quan, đơn vị…")
        units = seed_units(DEFAULT_PROVINCE_CODE)
        say("Đang tạo tài khoản trình diễn…")
        accounts = seed_demo_accounts()
    from ioc.feedback.demo import seed_feedback

    seed_feedback(stdout=stdout)
    from ioc.alerts.demo import seed_alerts
    from ioc.monitoring.demo import seed_monitoring

    seed_monitoring(stdout=stdout)  # indicators, observations, stations, a year of readings, the wall
    seed_alerts(stdout=stdout)  # alert rules, and the events the seeded readings' breaches opened
    return {"areas": areas, "units": units, "accounts": accounts, "password": DEMO_PASSWORD}
