"""Loading Bắc Ninh's administrative units offline, and finding the commune of an address or a map pin."""

import pytest

from ioc.core.areas import haversine_km, load_province, nearest_commune, resolve_address, search_key
from ioc.core.models import Area, AreaLevel, AuditEvent


@pytest.fixture
def loaded(db):
    return load_province("24")


def current(short_name):
    return Area.objects.get(level=AreaLevel.COMMUNE, is_current=True, short_name=short_name)


def test_it_loads_the_current_province_and_its_99_communes(loaded):
    province = Area.objects.get(code="24", is_current=True)
    assert (province.name, province.level, province.kind) == ("Tỉnh Bắc Ninh", AreaLevel.PROVINCE, "Tỉnh")
    communes = Area.objects.communes()
    assert communes.count() == 99 == loaded["communes"]
    assert set(communes.values_list("kind", flat=True)) == {"Phường", "Xã"}
    assert not communes.exclude(parent=province).exists()
    assert not communes.filter(latitude__isnull=True).exists()
    assert not communes.filter(area_km2__isnull=True).exists()
    ward = Area.objects.get(code="07210", is_current=True)
    assert (ward.name, ward.short_name, ward.kind, ward.search_key) == (
        "Phường Bắc Giang", "Bắc Giang", "Phường", "bac giang")
    assert ward.latitude == pytest.approx(21.28, abs=0.05)
    assert ward.longitude == pytest.approx(106.21, abs=0.05)


def test_it_loads_the_former_provinces_districts_and_communes(loaded):
    former = Area.objects.historical()
    assert set(former.filter(level=AreaLevel.PROVINCE).values_list("name", flat=True)) == {
        "Tỉnh Bắc Ninh", "Tỉnh Bắc Giang"}
    assert former.filter(level=AreaLevel.DISTRICT).count() == loaded["former_districts"] == 18
    tu_son = former.get(level=AreaLevel.DISTRICT, name="Thành phố Từ Sơn")
    assert (tu_son.kind, tu_son.parent.name) == ("Thành phố", "Tỉnh Bắc Ninh")
    assert former.get(level=AreaLevel.DISTRICT, code="222").name == "Thị xã Việt Yên"
    suoi_hoa = former.get(level=AreaLevel.COMMUNE, short_name="Suối Hoa")
    assert suoi_hoa.parent.name == "Thành phố Bắc Ninh"
    assert loaded["former_communes"] == former.filter(level=AreaLevel.COMMUNE).count() > 300


def test_every_former_commune_maps_to_a_current_commune(loaded):
    former_communes = Area.objects.historical().filter(level=AreaLevel.COMMUNE)
    assert loaded["without_successor"] == []
    assert loaded["with_successor"] == former_communes.count()
    assert not former_communes.filter(successor__isnull=True).exists()
    successors = Area.objects.filter(pk__in=former_communes.values("successor"))
    assert set(successors.values_list("is_current", "level")) == {(True, AreaLevel.COMMUNE)}
    assert Area.objects.get(is_current=False, short_name="Suối Hoa").successor == current("Kinh Bắc")
    # Every current commune was formed from at least one former commune.
    assert not Area.objects.communes().filter(predecessors__isnull=True).exists()


def test_loading_twice_changes_nothing(loaded):
    assert loaded["created"] == Area.objects.count()
    events = AuditEvent.objects.filter(object_type="core.area").count()
    assert events == 1
    again = load_province("24")
    assert (again["created"], again["updated"]) == (0, 0)
    assert Area.objects.count() == loaded["created"]
    assert AuditEvent.objects.filter(object_type="core.area").count() == events


def test_loading_repairs_a_changed_area(loaded):
    Area.objects.filter(code="07210", is_current=True).update(name="Sai tên", latitude=None)
    again = load_province("24")
    assert (again["created"], again["updated"]) == (0, 1)
    assert Area.objects.get(code="07210", is_current=True).name == "Phường Bắc Giang"


def test_search_key_drops_accents_and_collapses_spaces():
    assert search_key("  Đặc khu   Vân  Đồn ") == "dac khu van don"


@pytest.mark.parametrize("address, expected", [
    ("Phường Kinh Bắc", "Kinh Bắc"),
    ("Phường Bắc Giang, tỉnh Bắc Ninh", "Bắc Giang"),
    ("Số 5 Nguyễn Văn Cừ, phường Suối Hoa, TP Bắc Ninh", "Kinh Bắc"),  # a former ward
    ("xã Đại Đồng, huyện Tiên Du, Bắc Ninh", "Đại Đồng"),
    ("Phố Lê Lợi, phường Trần Phú, TP Bắc Giang, tỉnh Bắc Giang", "Bắc Giang"),
    ("so 12 duong ly thai to, p. vo cuong, bac ninh", "Võ Cường"),  # no diacritics, abbreviated
    ("thon Dong, xa Tam Da, huyen Yen Phong, tinh Bac Ninh", "Tam Đa"),
    ("Số 10 đường Quang Trung, Kinh Bắc, Bắc Ninh", "Kinh Bắc"),  # a street named like a commune
])
def test_it_resolves_an_address_to_a_current_commune(loaded, address, expected):
    assert resolve_address(address) == current(expected)


def test_a_former_address_resolves_to_the_successor_of_that_former_commune(loaded):
    lim = Area.objects.get(is_current=False, level=AreaLevel.COMMUNE, short_name="Lim")
    assert resolve_address("Thị trấn Lim, huyện Tiên Du") == lim.successor
    assert resolve_address("TT Lim, H. Tien Du") == lim.successor


def test_a_former_commune_in_the_named_district_wins_over_a_namesake(loaded):
    namesakes = Area.objects.historical().filter(level=AreaLevel.COMMUNE, short_name="Đồng Tiến")
    assert namesakes.count() == 2
    assert len({former.successor_id for former in namesakes}) == 2
    for former in namesakes:
        assert resolve_address(f"xã Đồng Tiến, {former.parent.name}, Bắc Giang") == former.successor
    # Without the district, the name is ambiguous: better no answer than a wrong agency.
    assert resolve_address("xã Đồng Tiến, tỉnh Bắc Giang") is None


def test_an_unknown_address_resolves_to_nothing(loaded):
    assert resolve_address("12 phố Hàng Bạc, quận Hoàn Kiếm, Hà Nội") is None
    assert resolve_address("asdf qwerty") is None
    assert resolve_address("Bắc Ninh") is None
    assert resolve_address("") is None


def test_nearest_commune_of_a_point_near_a_centroid(loaded):
    kinh_bac = current("Kinh Bắc")
    assert nearest_commune(kinh_bac.latitude + 0.003, kinh_bac.longitude - 0.002) == kinh_bac
    for commune in Area.objects.communes():
        assert nearest_commune(commune.latitude, commune.longitude) == commune


def test_every_former_commune_centroid_is_inside_the_province(loaded):
    for former in Area.objects.historical().filter(level=AreaLevel.COMMUNE):
        assert nearest_commune(former.latitude, former.longitude) is not None, former


def test_nearest_commune_is_none_outside_the_province(loaded):
    hoan_kiem = (21.0287, 105.8524)
    assert nearest_commune(*hoan_kiem) is None
    assert nearest_commune(10.7769, 106.7009) is None  # Hồ Chí Minh City


def test_haversine_distance():
    # Hà Nội (Hoàn Kiếm) to the old Bắc Ninh town centre, about 30 km.
    assert haversine_km(21.0287, 105.8524, 21.1861, 106.0763) == pytest.approx(29, abs=3)
