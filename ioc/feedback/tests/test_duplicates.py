"""Duplicate suggestions: open reports of the same category, within the category's radius, received in the last
30 days, alike in text (accents folded), best first; for triage and for the public form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .. import workflow
from ..duplicates import SIMILARITY_THRESHOLD, duplicate_counts, similarity, suggest_duplicates, suggest_for_intake
from ..models import Report, Status

LAMP = "Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày, buổi tối rất tối."
SAME_LAMP = "Đèn chiếu sáng ở đường Lý Thái Tổ số 12 không sáng mấy hôm nay"
OTHER_PROBLEM = "Cột điện nghiêng sắp đổ ở ngõ 5 Nguyễn Trãi, nguy hiểm cho người đi bộ"
METRE = 1 / 111_320  # of latitude


@pytest.fixture
def base(make_report):
    return make_report(description=LAMP)


def codes(reports):
    return [r.code for r in reports]


def test_similar_report_nearby_is_suggested(base, make_report):
    near = make_report(description=SAME_LAMP, latitude=base.latitude + 40 * METRE)
    assert codes(suggest_duplicates(near)) == [base.code]
    assert codes(suggest_duplicates(base)) == [near.code]
    suggestion = suggest_duplicates(near)[0]
    assert 35 <= suggestion.distance_m <= 45
    assert suggestion.similarity >= SIMILARITY_THRESHOLD


def test_accents_do_not_matter(base, make_report):
    typed = make_report(description="den duong truoc so 12 ly thai to bi hong nhieu ngay")
    assert codes(suggest_duplicates(typed)) == [base.code]
    assert similarity(LAMP, "ĐÈN ĐƯỜNG TRƯỚC SỐ 12 LÝ THÁI TỔ BỊ HỎNG NHIỀU NGÀY, BUỔI TỐI RẤT TỐI.") == 1.0


def test_different_text_is_not_suggested(base, make_report):
    other = make_report(description=OTHER_PROBLEM)
    assert suggest_duplicates(other) == []
    assert similarity(LAMP, OTHER_PROBLEM) < SIMILARITY_THRESHOLD <= similarity(LAMP, SAME_LAMP)


@pytest.mark.parametrize("other", [
    "Cây đổ chắn ngang đường sau cơn giông tối qua, xe không qua được",
    "Cống thoát nước bị tắc, nước thải tràn ra vỉa hè trước chợ",
])
def test_words_of_place_and_time_do_not_make_texts_alike(other):
    assert similarity(LAMP, other) < SIMILARITY_THRESHOLD <= similarity(LAMP, SAME_LAMP)
    spill = "Xe thu gom rác làm rơi vãi rác và nước rỉ rác dọc trên đường Âu Cơ, đoạn trước số nhà 166."
    assert similarity(spill, other) < SIMILARITY_THRESHOLD
    assert similarity(spill, "Xe thu gom rác làm rơi vãi rác và nước rỉ rác trên đường Âu Cơ gần số 166") > 0.8


def test_other_category_is_not_suggested(base, make_report):
    assert suggest_duplicates(make_report(category="rubbish", description=LAMP)) == []


def test_beyond_the_category_radius_is_not_suggested(base, make_report):
    # Street lights have a 100 m radius: 150 m north is too far; 90 m north and 90 m east is inside the
    # bounding box but 127 m away.
    far = make_report(description=LAMP, latitude=base.latitude + 150 * METRE)
    assert suggest_duplicates(far) == []
    import math

    diagonal = make_report(description=LAMP, latitude=base.latitude + 90 * METRE,
                           longitude=base.longitude + 90 * METRE / math.cos(math.radians(base.latitude)))
    assert suggest_duplicates(diagonal) == []
    # Flooding has a 300 m radius: 150 m is near enough.
    flood = make_report(category="flooding", description="Ngập sâu ở ngã tư Lý Thái Tổ sau mưa lớn")
    flood_near = make_report(category="flooding", description="Nước ngập sâu ngã tư Lý Thái Tổ sau cơn mưa lớn",
                             latitude=flood.latitude + 150 * METRE)
    assert codes(suggest_duplicates(flood_near)) == [flood.code]


def test_only_open_recent_unmerged_reports_are_suggested(base, make_report, people, units):
    old = make_report(description=LAMP, received_at=timezone.now() - timedelta(days=31))
    answered = make_report(description=LAMP)
    Report.objects.filter(pk=answered.pk).update(status=Status.ANSWERED)
    rejected = make_report(description=LAMP)
    workflow.reject(report=rejected, by=people["operator"], reason="spam")
    merged = make_report(description=LAMP)
    main = make_report(description=LAMP, latitude=base.latitude + 200 * METRE)  # out of reach of the others
    workflow.merge(duplicate=merged, into=main, by=people["operator"])
    found = codes(suggest_duplicates(base))
    for report in (old, answered, rejected, merged):
        assert report.code not in found
    assert base.code not in found


def test_best_first_and_limited(base, make_report):
    close_same = make_report(description=LAMP, latitude=base.latitude + 5 * METRE)
    far_same = make_report(description=LAMP, latitude=base.latitude + 90 * METRE)
    close_alike = make_report(description=SAME_LAMP, latitude=base.latitude + 5 * METRE)
    found = suggest_duplicates(base)
    assert codes(found) == [close_same.code, far_same.code, close_alike.code]
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    assert len(suggest_duplicates(base, limit=2)) == 2


def test_report_without_a_point_is_compared_within_its_commune(base, make_report, communes):
    no_point = make_report(description=SAME_LAMP, latitude=None, longitude=None, address="Phường Kinh Bắc")
    assert no_point.area == communes["kinh_bac"]
    assert codes(suggest_duplicates(no_point)) == [base.code]


def test_intake_suggestions_are_public_reports_only(base, make_report, people):
    secret = make_report(category="security", description="Nhóm thanh niên tụ tập gây mất trật tự ở ngõ 12")
    found = suggest_for_intake(base.category, base.latitude, base.longitude, SAME_LAMP)
    assert codes(found) == [base.code]
    assert suggest_for_intake(secret.category, secret.latitude, secret.longitude, secret.description) == []
    assert suggest_for_intake(base.category, None, None, SAME_LAMP) == []
    assert suggest_for_intake(base.category, base.latitude, base.longitude, "") == []


def test_counts_for_a_page_match_the_suggestions(base, make_report, django_assert_num_queries):
    near = make_report(description=SAME_LAMP, latitude=base.latitude + 40 * METRE)
    lonely = make_report(category="rubbish", description="Rác thải đổ bừa bãi ở đầu ngõ 3 Ngô Gia Tự")
    reports = list(Report.objects.filter(pk__in=[base.pk, near.pk, lonely.pk]).select_related("category"))
    with django_assert_num_queries(1):
        counts = duplicate_counts(reports)
    assert counts == {base.pk: 1, near.pk: 1, lonely.pk: 0}
    assert duplicate_counts([]) == {}
