"""What the monitoring demo knows about Bắc Ninh: the six smart-city domains and their sectors, the indicators
the agencies report, the sensor metrics, the data sources and the stations, and the video-wall layouts.

Plain data. The figures themselves are made up by `figures.py` (indicators) and `sensors.py` (readings).
Unit codes are those of `ioc.core.demo.PROVINCE_UNITS`. Since the 2025 reorganisation the former Sở Kế hoạch
và Đầu tư is part of Sở Tài chính (statistics, investment and enterprise registration are reported there),
labour and employment moved to Sở Nội vụ, transport to Sở Xây dựng, and Sở Tài nguyên và Môi trường became
Sở Nông nghiệp và Môi trường.
"""

from dataclasses import dataclass

from ..models import Aggregation as A
from ..models import Direction as D
from ..models import Frequency as F
from ..models import PanelKind, SourceKind, StationKind, WallResolution

# code, name, English name, icon
DOMAINS = [
    ("kinh-te", "Kinh tế thông minh", "Smart economy", "trending-up"),
    ("cu-dan", "Cư dân thông minh", "Smart people", "users"),
    ("quan-tri", "Quản trị thông minh", "Smart governance", "landmark"),
    ("di-chuyen", "Di chuyển thông minh", "Smart mobility", "bus"),
    ("moi-truong", "Môi trường thông minh", "Smart environment", "leaf"),
    ("cuoc-song", "Cuộc sống thông minh", "Smart living", "home"),
]

# code, domain, name, English name
SECTORS = [
    ("tai-chinh-ngan-sach", "kinh-te", "Tài chính – ngân sách", "Public finance"),
    ("dau-tu-doanh-nghiep", "kinh-te", "Đầu tư – doanh nghiệp", "Investment and enterprises"),
    ("cong-thuong", "kinh-te", "Công Thương", "Industry and trade"),
    ("lao-dong-viec-lam", "cu-dan", "Dân số – lao động – việc làm", "Population, labour and employment"),
    ("y-te", "cu-dan", "Y tế", "Health"),
    ("giao-duc", "cu-dan", "Giáo dục", "Education"),
    ("giam-ngheo", "cu-dan", "Giảm nghèo – an sinh xã hội", "Poverty reduction and social protection"),
    ("chinh-quyen-so", "quan-tri", "Chính quyền số", "Digital government"),
    ("cai-cach-hanh-chinh", "quan-tri", "Cải cách hành chính", "Administrative reform"),
    ("giao-thong", "di-chuyen", "Giao thông", "Transport"),
    ("an-toan-giao-thong", "di-chuyen", "An toàn giao thông", "Road safety"),
    ("moi-truong", "moi-truong", "Môi trường", "Environment"),
    ("phong-chong-thien-tai", "moi-truong", "Thủy lợi – phòng, chống thiên tai", "Water resources and disaster prevention"),
    ("xay-dung", "cuoc-song", "Xây dựng – hạ tầng đô thị", "Construction and urban utilities"),
    ("du-lich", "cuoc-song", "Du lịch", "Tourism"),
    ("an-ninh-trat-tu", "cuoc-song", "An ninh trật tự", "Public security and order"),
]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    sector: str
    name: str
    name_en: str
    unit: str
    owner: str  # unit code
    frequency: str
    time_agg: str
    area_agg: str
    direction: str
    target: float | None
    warning: float | None
    critical: float | None
    public: bool
    scope: str  # "commune" (reported per commune, the province is derived), "province", "hospital", "realtime"
    decimals: int = 1
    weight: str = ""  # code of the weight indicator for weighted means
    metric: str = ""  # for real-time indicators
    description: str = ""


# Thresholds of sums reported per commune (new enterprises, accidents…) are left empty on purpose: one threshold
# cannot suit a ward of 20,000 people and the whole province of 3.6 million; those are judged by their trend.
INDICATORS = [
    # --- Kinh tế
    IndicatorSpec("tang-truong-grdp", "tai-chinh-ngan-sach", "Tốc độ tăng trưởng GRDP",
                  "GRDP growth rate", "%", "so-tai-chinh", F.QUARTERLY, A.MEAN, A.SUM, D.UP,
                  10.5, 7.0, 4.0, True, "province", 2,
                  description="Tăng so với cùng kỳ năm trước, giá so sánh 2010; số ước tính của quý gần nhất "
                              "được điều chỉnh khi có số chính thức."),
    IndicatorSpec("thu-ngan-sach", "tai-chinh-ngan-sach", "Thu ngân sách nhà nước trên địa bàn",
                  "State budget revenue", "tỷ đồng", "so-tai-chinh", F.MONTHLY, A.SUM, A.SUM, D.UP,
                  5200, 3200, 2400, True, "province", 0,
                  description="Tổng thu nội địa và thu từ hoạt động xuất nhập khẩu trong tháng."),
    IndicatorSpec("von-fdi-dang-ky", "dau-tu-doanh-nghiep", "Vốn đầu tư trực tiếp nước ngoài đăng ký",
                  "Registered foreign direct investment", "triệu USD", "so-tai-chinh", F.MONTHLY, A.SUM, A.SUM,
                  D.UP, 400, 150, 80, True, "province", 1,
                  description="Vốn cấp mới, điều chỉnh tăng và góp vốn, mua cổ phần của nhà đầu tư nước ngoài."),
    IndicatorSpec("kim-ngach-xuat-khau", "cong-thuong", "Kim ngạch xuất khẩu", "Export turnover", "triệu USD",
                  "so-cong-thuong", F.MONTHLY, A.SUM, A.SUM, D.UP, 8000, 6000, 5000, True, "province", 0),
    IndicatorSpec("cpi", "tai-chinh-ngan-sach", "Chỉ số giá tiêu dùng tăng so với cùng kỳ",
                  "Consumer price inflation (year on year)", "%", "so-tai-chinh", F.MONTHLY, A.MEAN, A.MEAN, D.DOWN,
                  3.5, 4.0, 4.5, True, "province", 2,
                  description="CPI tháng báo cáo so với cùng tháng năm trước; ngưỡng nghiêm trọng là mục tiêu "
                              "kiểm soát lạm phát của Quốc hội (4,5%)."),
    IndicatorSpec("doanh-nghiep-thanh-lap-moi", "dau-tu-doanh-nghiep", "Doanh nghiệp thành lập mới",
                  "Newly registered enterprises", "doanh nghiệp", "so-tai-chinh", F.MONTHLY, A.SUM, A.SUM, D.UP,
                  None, None, None, True, "commune", 0,
                  description="Theo địa chỉ trụ sở chính đăng ký trên Hệ thống thông tin quốc gia về đăng ký "
                              "doanh nghiệp."),
    # --- Cư dân
    IndicatorSpec("dan-so", "lao-dong-viec-lam", "Dân số trung bình", "Average population", "người",
                  "so-tai-chinh", F.YEARLY, A.MEAN, A.SUM, D.NEUTRAL, None, None, None, True, "commune", 0),
    IndicatorSpec("ty-le-that-nghiep", "lao-dong-viec-lam", "Tỷ lệ thất nghiệp của lực lượng lao động",
                  "Unemployment rate", "%", "so-noi-vu", F.QUARTERLY, A.MEAN, A.MEAN, D.DOWN,
                  2.0, 2.5, 3.0, True, "province", 2),
    IndicatorSpec("tiem-chung-day-du", "y-te", "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ",
                  "Full immunisation of children under one", "%", "so-y-te", F.MONTHLY, A.MEAN, A.MEAN, D.UP,
                  95, 90, 85, True, "commune", 1,
                  description="Tính trên 12 tháng gần nhất, theo Chương trình tiêm chủng mở rộng."),
    IndicatorSpec("cong-suat-giuong-benh", "y-te", "Công suất sử dụng giường bệnh",
                  "Hospital bed occupancy", "%", "so-y-te", F.MONTHLY, A.MEAN, A.MEAN, D.DOWN,
                  85, 88, 100, False, "hospital", 1,
                  description="Bệnh viện, trung tâm y tế có giường bệnh trên địa bàn xã, phường; trên 100% là "
                              "quá tải."),
    IndicatorSpec("bao-phu-bhyt", "y-te", "Tỷ lệ dân số tham gia bảo hiểm y tế",
                  "Health insurance coverage", "%", "so-y-te", F.QUARTERLY, A.LAST, A.WEIGHTED_MEAN, D.UP,
                  95, 92, 90, True, "commune", 1, weight="dan-so-quy"),
    IndicatorSpec("dan-so-quy", "lao-dong-viec-lam", "Dân số cuối quý", "Population at quarter end", "người",
                  "so-tai-chinh", F.QUARTERLY, A.LAST, A.SUM, D.NEUTRAL, None, None, None, False, "commune", 0,
                  description="Dùng làm trọng số cho các tỷ lệ báo cáo theo quý."),
    IndicatorSpec("tre-mau-giao", "giao-duc", "Tỷ lệ trẻ 3–5 tuổi đi học mẫu giáo",
                  "Pre-school enrolment (3 to 5 years)", "%", "so-giao-duc-dao-tao", F.YEARLY, A.LAST,
                  A.WEIGHTED_MEAN, D.UP, 98, 95, 90, True, "commune", 1, weight="dan-so",
                  description="Số liệu đầu năm học, gắn với năm bắt đầu năm học."),
    IndicatorSpec("ty-le-ho-ngheo", "giam-ngheo", "Tỷ lệ hộ nghèo (chuẩn nghèo đa chiều)",
                  "Household poverty rate (multidimensional)", "%", "so-nong-nghiep-moi-truong", F.YEARLY, A.LAST,
                  A.WEIGHTED_MEAN, D.DOWN, 1.0, 3.0, 5.0, True, "commune", 2, weight="dan-so"),
    # --- Quản trị
    IndicatorSpec("ho-so-tiep-nhan", "cai-cach-hanh-chinh", "Hồ sơ thủ tục hành chính tiếp nhận",
                  "Administrative dossiers received", "hồ sơ", "van-phong-ubnd", F.MONTHLY, A.SUM, A.SUM,
                  D.NEUTRAL, None, None, None, True, "commune", 0),
    IndicatorSpec("ho-so-dung-han", "cai-cach-hanh-chinh", "Tỷ lệ hồ sơ giải quyết đúng hạn",
                  "Dossiers settled on time", "%", "van-phong-ubnd", F.MONTHLY, A.MEAN, A.WEIGHTED_MEAN, D.UP,
                  98, 95, 90, True, "commune", 1, weight="ho-so-tiep-nhan"),
    IndicatorSpec("ho-so-truc-tuyen", "chinh-quyen-so", "Tỷ lệ hồ sơ nộp trực tuyến toàn trình",
                  "Dossiers filed fully online", "%", "van-phong-ubnd", F.MONTHLY, A.MEAN, A.WEIGHTED_MEAN, D.UP,
                  80, 60, 40, True, "commune", 1, weight="ho-so-tiep-nhan"),
    IndicatorSpec("dvc-truc-tuyen-toan-trinh", "chinh-quyen-so",
                  "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
                  "Procedures offered as full online public services", "%", "so-khoa-hoc-cong-nghe",
                  F.QUARTERLY, A.LAST, A.MEAN, D.UP, 80, 60, 50, True, "province", 1),
    IndicatorSpec("hai-long-nguoi-dan", "cai-cach-hanh-chinh", "Chỉ số hài lòng của người dân, tổ chức",
                  "Citizen and business satisfaction", "%", "so-noi-vu", F.QUARTERLY, A.MEAN, A.MEAN, D.UP,
                  90, 85, 80, True, "commune", 1,
                  description="Khảo sát sự hài lòng về sự phục vụ của cơ quan hành chính (SIPAS) tại bộ phận "
                              "một cửa xã, phường."),
    IndicatorSpec("chi-so-par", "cai-cach-hanh-chinh", "Chỉ số cải cách hành chính (PAR INDEX)",
                  "Public administration reform index", "%", "so-noi-vu", F.YEARLY, A.LAST, A.MEAN, D.UP,
                  90, 85, 80, True, "province", 2),
    # --- Di chuyển
    IndicatorSpec("tai-nan-giao-thong", "an-toan-giao-thong", "Tai nạn giao thông", "Road traffic accidents",
                  "vụ", "cong-an-tinh", F.MONTHLY, A.SUM, A.SUM, D.DOWN, None, None, None, True, "commune", 0),
    IndicatorSpec("tu-vong-giao-thong", "an-toan-giao-thong", "Số người chết do tai nạn giao thông",
                  "Road traffic deaths", "người", "cong-an-tinh", F.MONTHLY, A.SUM, A.SUM, D.DOWN,
                  18, 25, 30, True, "province", 0),
    IndicatorSpec("hanh-khach-xe-buyt", "giao-thong", "Hành khách đi xe buýt", "Bus passengers", "nghìn lượt",
                  "so-xay-dung", F.MONTHLY, A.SUM, A.SUM, D.UP, 800, 500, 400, True, "province", 1),
    IndicatorSpec("luu-luong-xe", "giao-thong", "Lưu lượng phương tiện trên quốc lộ", "Vehicle flow on national "
                  "roads", "xe/giờ", "so-xay-dung", F.REALTIME, A.SUM, A.MEAN, D.DOWN, None, 5000, 6000, True,
                  "realtime", 0, metric="vehicles"),
    IndicatorSpec("toc-do-trung-binh", "giao-thong", "Tốc độ trung bình trên quốc lộ", "Average speed on national "
                  "roads", "km/h", "so-xay-dung", F.REALTIME, A.MEAN, A.MEAN, D.UP, 50, 30, 15, True,
                  "realtime", 0, metric="speed"),
    # --- Môi trường
    IndicatorSpec("chi-so-aqi", "moi-truong", "Chỉ số chất lượng không khí (VN_AQI)", "Air quality index (VN_AQI)",
                  "", "so-nong-nghiep-moi-truong", F.REALTIME, A.MEAN, A.MEAN, D.DOWN, 50, 100, 150, True,
                  "realtime", 0, metric="aqi",
                  description="Tính theo Quyết định 1459/QĐ-TCMT: 0–50 tốt, 51–100 trung bình, 101–150 kém, "
                              "151–200 xấu, trên 200 rất xấu."),
    IndicatorSpec("bui-pm25", "moi-truong", "Nồng độ bụi PM2.5", "PM2.5 concentration", "µg/m³",
                  "so-nong-nghiep-moi-truong", F.REALTIME, A.MEAN, A.MEAN, D.DOWN, 25, 50, 100, True,
                  "realtime", 1, metric="pm25",
                  description="Ngưỡng cảnh báo theo giá trị giới hạn trung bình 24 giờ của QCVN 05:2023/BTNMT "
                              "(50 µg/m³)."),
    IndicatorSpec("thu-gom-rac", "moi-truong", "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý",
                  "Household solid waste collected and treated", "%", "so-nong-nghiep-moi-truong", F.MONTHLY,
                  A.MEAN, A.MEAN, D.UP, 98, 90, 80, True, "commune", 1),
    IndicatorSpec("muc-nuoc-song", "phong-chong-thien-tai", "Mực nước sông", "River water level", "m",
                  "so-nong-nghiep-moi-truong", F.REALTIME, A.MAX, A.MAX, D.DOWN, None, 4.3, 5.3, True,
                  "realtime", 2, metric="water_level",
                  description="Sông Cầu, sông Thương, sông Lục Nam, sông Đuống; ngưỡng là mức báo động I và II tại "
                              "Đáp Cầu, Phủ Lạng Thương và Lục Nam."),
    # --- Cuộc sống
    IndicatorSpec("cap-nuoc-sach", "xay-dung", "Tỷ lệ dân số được cấp nước sạch tập trung",
                  "Population served by piped clean water", "%", "so-xay-dung", F.QUARTERLY, A.LAST, A.MEAN,
                  D.UP, 95, 80, 60, True, "commune", 1),
    IndicatorSpec("mat-dien-saidi", "xay-dung", "Thời gian mất điện bình quân của khách hàng (SAIDI)",
                  "Average interruption duration (SAIDI)", "phút", "dien-luc", F.MONTHLY, A.SUM, A.SUM, D.DOWN,
                  40, 90, 150, True, "province", 0),
    IndicatorSpec("khach-du-lich", "du-lich", "Lượt khách du lịch", "Tourist arrivals", "nghìn lượt",
                  "so-van-hoa-the-thao-du-lich", F.MONTHLY, A.SUM, A.SUM, D.UP, 450, 220, 150, True,
                  "province", 1,
                  description="Mùa lễ hội xuân (Yên Tử, Hội Lim, chùa Dâu, Bổ Đà) và mùa vải thiều Lục Ngạn "
                              "là cao điểm."),
    IndicatorSpec("vu-viec-trat-tu", "an-ninh-trat-tu", "Vụ việc vi phạm trật tự xã hội",
                  "Public order offences", "vụ", "cong-an-tinh", F.MONTHLY, A.SUM, A.SUM, D.DOWN,
                  None, None, None, False, "commune", 0),
    IndicatorSpec("dieu-tra-lam-ro", "an-ninh-trat-tu", "Tỷ lệ điều tra, làm rõ tội phạm về trật tự xã hội",
                  "Public order crimes solved", "%", "cong-an-tinh", F.MONTHLY, A.MEAN, A.MEAN, D.UP,
                  90, 88, 80, False, "province", 1),
    IndicatorSpec("chay-no", "an-ninh-trat-tu", "Số vụ cháy, nổ", "Fires and explosions", "vụ", "cong-an-tinh",
                  F.MONTHLY, A.SUM, A.SUM, D.DOWN, 8, 14, 20, False, "province", 0),
]

# Communes with a hospital or medical centre that has beds (bed occupancy is reported there only):
# Bệnh viện Đa khoa tỉnh Bắc Ninh (Kinh Bắc), Bệnh viện Đa khoa tỉnh Bắc Giang (Bắc Giang), and the former
# district hospitals / medical centres.
HOSPITAL_COMMUNES = [
    "Phường Kinh Bắc", "Phường Bắc Giang", "Phường Từ Sơn", "Phường Thuận Thành", "Phường Quế Võ",
    "Phường Chũ", "Phường Việt Yên", "Phường Yên Dũng", "Xã Yên Phong", "Xã Tiên Du", "Xã Gia Bình",
    "Xã Lương Tài", "Xã Hiệp Hòa", "Xã Lục Nam", "Xã Sơn Động", "Xã Yên Thế", "Xã Lạng Giang", "Xã Tân Yên",
]
# Provincial hospitals run fuller than district ones.
PROVINCIAL_HOSPITALS = ["Phường Kinh Bắc", "Phường Bắc Giang"]

# Communes around the large industrial parks (VSIP, Yên Phong, Quế Võ, Quang Châu, Vân Trung, Đình Trám,
# Tiên Sơn, Thuận Thành, Hòa Phú, Song Khê – Nội Hoàng): more enterprises, more dossiers, more traffic.
INDUSTRIAL_COMMUNES = [
    "Xã Yên Phong", "Phường Quế Võ", "Phường Nếnh", "Phường Vân Hà", "Phường Từ Sơn", "Xã Tiên Du",
    "Phường Thuận Thành", "Xã Hiệp Hòa", "Phường Tiền Phong", "Xã Đại Đồng", "Phường Phương Liễu",
    "Phường Nam Sơn", "Phường Đồng Nguyên",
]

# Units of measure in English, for the English interface (symbols stay as they are).
UNITS_EN = {"tỷ đồng": "billion VND", "triệu USD": "million USD", "người": "people", "vụ": "cases",
            "phút": "minutes", "hồ sơ": "dossiers", "nghìn lượt": "thousand visits", "doanh nghiệp": "enterprises",
            "xe/giờ": "vehicles/hour"}


# code, name, English name, unit, decimals, time aggregation, direction, warning, critical, min, max
# Air quality thresholds: QCVN 05:2023/BTNMT (1-hour limits NO2 200, O3 200, CO 30,000, SO2 350 µg/m³; 24-hour
# PM2.5 50 and PM10 100 µg/m³); noise: QCVN 26:2010/BTNMT (70 dBA by day in ordinary areas); water level:
# alarm levels I and II at Đáp Cầu (sông Cầu), Phủ Lạng Thương (sông Thương) and Lục Nam (sông Lục Nam).
METRICS = [
    ("aqi", "Chỉ số AQI", "Air quality index", "", 0, A.MEAN, D.DOWN, 100, 150, 0, 500),
    ("pm25", "Bụi PM2.5", "PM2.5", "µg/m³", 1, A.MEAN, D.DOWN, 50, 100, 0, 1000),
    ("pm10", "Bụi PM10", "PM10", "µg/m³", 1, A.MEAN, D.DOWN, 100, 200, 0, 1500),
    ("no2", "Nitơ điôxít (NO₂)", "Nitrogen dioxide (NO₂)", "µg/m³", 1, A.MEAN, D.DOWN, 150, 200, 0, 2000),
    ("o3", "Ôzôn (O₃)", "Ozone (O₃)", "µg/m³", 1, A.MEAN, D.DOWN, 160, 200, 0, 1000),
    ("co", "Cacbon monoxit (CO)", "Carbon monoxide (CO)", "µg/m³", 0, A.MEAN, D.DOWN, 20000, 30000, 0, 100000),
    ("so2", "Lưu huỳnh điôxít (SO₂)", "Sulphur dioxide (SO₂)", "µg/m³", 1, A.MEAN, D.DOWN, 250, 350, 0, 2000),
    ("temperature", "Nhiệt độ", "Temperature", "°C", 1, A.MEAN, D.DOWN, 37, 39, -5, 50),
    ("humidity", "Độ ẩm", "Relative humidity", "%", 0, A.MEAN, D.NEUTRAL, None, None, 0, 100),
    ("water_level", "Mực nước", "Water level", "m", 2, A.MEAN, D.DOWN, 4.3, 5.3, -2, 15),
    ("rainfall", "Lượng mưa", "Rainfall", "mm", 1, A.SUM, D.DOWN, 30, 50, 0, 200),
    ("vehicles", "Lưu lượng xe", "Vehicle count", "xe/giờ", 0, A.SUM, D.DOWN, 5000, 6000, 0, 20000),
    ("speed", "Tốc độ trung bình", "Average speed", "km/h", 0, A.MEAN, D.UP, 30, 15, 0, 150),
    ("noise", "Độ ồn", "Noise level", "dBA", 1, A.MEAN, D.DOWN, 70, 75, 20, 140),
]

STATION_METRICS = {
    StationKind.AIR_QUALITY: ["aqi", "pm25", "pm10", "no2", "o3", "co", "so2", "temperature", "humidity"],
    StationKind.WATER_LEVEL: ["water_level"],
    StationKind.RAINFALL: ["rainfall"],
    StationKind.TRAFFIC: ["vehicles", "speed"],
    StationKind.NOISE: ["noise"],
}

# code, name, owner unit, kind, description, minutes after which the source counts as silent
SOURCES = [
    ("quan-trac-khong-khi", "Mạng trạm quan trắc không khí tự động", "so-nong-nghiep-moi-truong", SourceKind.NGSI_LD,
     "Các trạm quan trắc tự động, liên tục gửi dữ liệu qua nền tảng FIWARE (thực thể AirQualityObserved).", 90),
    ("thuy-van", "Hệ thống quan trắc mực nước sông", "so-nong-nghiep-moi-truong", SourceKind.PUSH,
     "Trạm thủy văn trên sông Cầu, sông Thương, sông Lục Nam và sông Đuống; số liệu hằng giờ, mùa lũ 15 phút.",
     120),
    ("do-mua", "Mạng trạm đo mưa tự động", "so-nong-nghiep-moi-truong", SourceKind.MQTT,
     "Trạm đo mưa tự động phục vụ phòng, chống thiên tai, gửi qua MQTT.", 120),
    ("dem-xe", "Hệ thống đếm lưu lượng giao thông", "so-xay-dung", SourceKind.MQTT,
     "Thiết bị đếm xe và đo tốc độ trên các quốc lộ 1A, 18, 31.", 60),
    ("do-on", "Trạm đo tiếng ồn đô thị", "so-nong-nghiep-moi-truong", SourceKind.MQTT,
     "Thiết bị đo mức âm tương đương tại các trục phố chính.", 90),
    # Agencies' figures (observations)
    ("bao-cao-tai-chinh", "Số liệu thống kê kinh tế – xã hội, ngân sách, đầu tư", "so-tai-chinh",
     SourceKind.UPLOAD, "Báo cáo tháng, quý, năm do Sở Tài chính tổng hợp.", None),
    ("bao-cao-cong-thuong", "Báo cáo xuất nhập khẩu", "so-cong-thuong", SourceKind.UPLOAD, "", None),
    ("bao-cao-noi-vu", "Báo cáo lao động, việc làm và cải cách hành chính", "so-noi-vu", SourceKind.UPLOAD, "",
     None),
    ("he-thong-tiem-chung", "Hệ thống thông tin tiêm chủng và khám, chữa bệnh", "so-y-te", SourceKind.PUSH,
     "Số liệu tổng hợp từ hệ thống quản lý tiêm chủng và bệnh viện.", None),
    ("csdl-giao-duc", "Cơ sở dữ liệu ngành giáo dục", "so-giao-duc-dao-tao", SourceKind.UPLOAD, "", None),
    ("bao-cao-nong-nghiep-moi-truong", "Báo cáo giảm nghèo, thu gom chất thải rắn", "so-nong-nghiep-moi-truong",
     SourceKind.UPLOAD, "", None),
    ("he-thong-tthc", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", "van-phong-ubnd", SourceKind.PUSH,
     "Số hồ sơ tiếp nhận, giải quyết và nộp trực tuyến của từng xã, phường.", None),
    ("bao-cao-khcn", "Báo cáo chuyển đổi số", "so-khoa-hoc-cong-nghe", SourceKind.UPLOAD, "", None),
    ("bao-cao-cong-an", "Báo cáo tình hình an ninh trật tự, an toàn giao thông", "cong-an-tinh", SourceKind.UPLOAD,
     "", None),
    ("bao-cao-xay-dung", "Báo cáo vận tải hành khách, cấp nước", "so-xay-dung", SourceKind.UPLOAD, "", None),
    ("bao-cao-dien-luc", "Báo cáo độ tin cậy cung cấp điện", "dien-luc", SourceKind.UPLOAD, "", None),
    ("bao-cao-du-lich", "Báo cáo hoạt động du lịch", "so-van-hoa-the-thao-du-lich", SourceKind.UPLOAD, "", None),
]
# The source that carries each owner unit's figures.
OBSERVATION_SOURCES = {
    "so-tai-chinh": "bao-cao-tai-chinh", "so-cong-thuong": "bao-cao-cong-thuong", "so-noi-vu": "bao-cao-noi-vu",
    "so-y-te": "he-thong-tiem-chung", "so-giao-duc-dao-tao": "csdl-giao-duc",
    "so-nong-nghiep-moi-truong": "bao-cao-nong-nghiep-moi-truong", "van-phong-ubnd": "he-thong-tthc",
    "so-khoa-hoc-cong-nghe": "bao-cao-khcn", "cong-an-tinh": "bao-cao-cong-an", "so-xay-dung": "bao-cao-xay-dung",
    "dien-luc": "bao-cao-dien-luc", "so-van-hoa-the-thao-du-lich": "bao-cao-du-lich",
}


# Alarm levels (m) of the rivers at the hydrological stations (báo động I, II, III; Quyết định 05/2020/QĐ-TTg):
# (station code, river, I, II, III). The station's water-level series takes I as its warning threshold and II as
# its critical one; the alert rules (ioc/alerts/demo.py) watch all three.
RIVER_ALARMS = [
    ("mn-dap-cau", "sông Cầu", 4.3, 5.3, 6.3),
    ("mn-phu-lang-thuong", "sông Thương", 4.3, 5.3, 6.3),
    ("mn-luc-nam", "sông Lục Nam", 4.3, 5.3, 6.3),
    ("mn-ben-ho", "sông Đuống", 6.8, 7.8, 8.8),
]


@dataclass(frozen=True)
class StationSpec:
    code: str
    name: str
    kind: str
    commune: str  # Area.name of the current commune
    offset: tuple  # (dlat, dlon) from the commune's centroid, degrees
    address: str
    owner: str
    source: str
    installed: str  # ISO date
    profile: dict  # parameters of the generator in sensors.py


# Bắc Ninh's main stations. Coordinates are the commune's centroid moved by a few hundred metres, so that each
# station sits in its commune. In the small test set (settings.TESTING) only the first station of each kind.
STATIONS = [
    # Air quality: the urban wards and the industrial parks; Văn Môn is the aluminium-recycling village of Mẫn Xá.
    StationSpec("kk-kinh-bac", "Trạm không khí Kinh Bắc (Công viên Nguyễn Văn Cừ)", StationKind.AIR_QUALITY,
                "Phường Kinh Bắc", (0.004, -0.003), "Đường Lý Thái Tổ, phường Kinh Bắc", "so-nong-nghiep-moi-truong",
                "quan-trac-khong-khi", "2021-06-15", {"level": 1.0, "traffic": 1.1}),
    StationSpec("kk-vo-cuong", "Trạm không khí Võ Cường (làng giấy Phong Khê)", StationKind.AIR_QUALITY,
                "Phường Võ Cường", (-0.003, 0.004), "Khu phố Dương Ổ, phường Võ Cường", "so-nong-nghiep-moi-truong",
                "quan-trac-khong-khi", "2022-03-01", {"level": 1.2, "traffic": 0.9, "so2": 1.8}),
    StationSpec("kk-bac-giang", "Trạm không khí Bắc Giang (Quảng trường 3/2)", StationKind.AIR_QUALITY,
                "Phường Bắc Giang", (0.002, 0.003), "Đường Nguyễn Văn Cừ, phường Bắc Giang",
                "so-nong-nghiep-moi-truong", "quan-trac-khong-khi", "2021-09-20", {"level": 0.92, "traffic": 1.0}),
    StationSpec("kk-tu-son", "Trạm không khí Từ Sơn", StationKind.AIR_QUALITY, "Phường Từ Sơn", (-0.002, 0.002),
                "Đường Lý Thánh Tông, phường Từ Sơn", "so-nong-nghiep-moi-truong", "quan-trac-khong-khi",
                "2022-05-10", {"level": 1.15, "traffic": 1.3}),
    StationSpec("kk-kcn-yen-phong", "Trạm không khí KCN Yên Phong", StationKind.AIR_QUALITY, "Xã Yên Phong",
                (0.003, 0.004), "Khu công nghiệp Yên Phong, xã Yên Phong", "so-nong-nghiep-moi-truong",
                "quan-trac-khong-khi", "2023-01-05", {"level": 1.1, "traffic": 1.0, "no2": 1.3}),
    StationSpec("kk-kcn-que-vo", "Trạm không khí KCN Quế Võ", StationKind.AIR_QUALITY, "Phường Quế Võ",
                (-0.004, -0.002), "Khu công nghiệp Quế Võ, phường Quế Võ", "so-nong-nghiep-moi-truong",
                "quan-trac-khong-khi", "2023-01-05", {"level": 1.05, "traffic": 1.0, "so2": 1.4}),
    StationSpec("kk-van-mon", "Trạm không khí làng nghề Văn Môn", StationKind.AIR_QUALITY, "Xã Văn Môn",
                (0.002, -0.002), "Thôn Mẫn Xá, xã Văn Môn", "so-nong-nghiep-moi-truong", "quan-trac-khong-khi",
                "2024-04-22", {"level": 1.35, "traffic": 0.8, "so2": 2.2, "co": 1.4}),
    # River water levels (official hydrological stations); each gauge has its river's alarm levels (RIVER_ALARMS).
    StationSpec("mn-dap-cau", "Trạm thủy văn Đáp Cầu (sông Cầu)", StationKind.WATER_LEVEL, "Phường Vũ Ninh",
                (0.005, -0.002), "Cầu Đáp Cầu, phường Vũ Ninh", "so-nong-nghiep-moi-truong", "thuy-van",
                "2019-01-01", {"dry": 1.1, "wet": 2.6, "gain": 1.0}),
    StationSpec("mn-phu-lang-thuong", "Trạm thủy văn Phủ Lạng Thương (sông Thương)", StationKind.WATER_LEVEL,
                "Phường Bắc Giang", (-0.004, -0.004), "Bờ sông Thương, phường Bắc Giang", "so-nong-nghiep-moi-truong",
                "thuy-van", "2019-01-01", {"dry": 1.0, "wet": 2.5, "gain": 1.05}),
    StationSpec("mn-luc-nam", "Trạm thủy văn Lục Nam (sông Lục Nam)", StationKind.WATER_LEVEL, "Xã Lục Nam",
                (0.003, 0.005), "Bờ sông Lục Nam, xã Lục Nam", "so-nong-nghiep-moi-truong", "thuy-van",
                "2019-01-01", {"dry": 1.2, "wet": 2.7, "gain": 1.1}),
    StationSpec("mn-ben-ho", "Trạm thủy văn Bến Hồ (sông Đuống)", StationKind.WATER_LEVEL, "Phường Thuận Thành",
                (0.006, -0.003), "Bến Hồ, phường Thuận Thành", "so-nong-nghiep-moi-truong", "thuy-van",
                "2019-01-01", {"dry": 0.9, "wet": 2.2, "gain": 0.6}),
    # Rain gauges: the mountainous east (Sơn Động, Lục Ngạn) and the north (Yên Thế)
    StationSpec("mua-son-dong", "Trạm đo mưa Sơn Động", StationKind.RAINFALL, "Xã Sơn Động", (0.004, 0.003),
                "Khu An Châu, xã Sơn Động", "so-nong-nghiep-moi-truong", "do-mua", "2022-06-01", {"wet": 1.25}),
    StationSpec("mua-luc-ngan", "Trạm đo mưa Lục Ngạn", StationKind.RAINFALL, "Xã Lục Ngạn", (-0.003, 0.004),
                "Khu Phì Điền, xã Lục Ngạn", "so-nong-nghiep-moi-truong", "do-mua", "2022-06-01", {"wet": 1.1}),
    StationSpec("mua-yen-the", "Trạm đo mưa Yên Thế", StationKind.RAINFALL, "Xã Yên Thế", (0.003, -0.003),
                "Khu Phồn Xương, xã Yên Thế", "so-nong-nghiep-moi-truong", "do-mua", "2022-06-01", {"wet": 1.0}),
    # Traffic counters on the national roads
    StationSpec("gt-ql1a-tu-son", "Điểm đếm xe QL1A – Từ Sơn", StationKind.TRAFFIC, "Phường Đồng Nguyên",
                (0.003, 0.004), "Quốc lộ 1A, phường Đồng Nguyên", "so-xay-dung", "dem-xe", "2023-08-01",
                {"peak": 4700, "free": 70, "capacity": 6400}),
    StationSpec("gt-ql1a-dinh-tram", "Điểm đếm xe QL1A – KCN Đình Trám", StationKind.TRAFFIC, "Phường Nếnh",
                (-0.004, 0.003), "Quốc lộ 1A, phường Nếnh", "so-xay-dung", "dem-xe", "2023-08-01",
                {"peak": 4000, "free": 70, "capacity": 6000}),
    StationSpec("gt-ql18-que-vo", "Điểm đếm xe QL18 – Quế Võ", StationKind.TRAFFIC, "Phường Quế Võ", (0.004, 0.005),
                "Quốc lộ 18, phường Quế Võ", "so-xay-dung", "dem-xe", "2024-02-15",
                {"peak": 3100, "free": 65, "capacity": 4200}),
    StationSpec("gt-ql31-luc-nam", "Điểm đếm xe QL31 – Lục Nam", StationKind.TRAFFIC, "Xã Lục Nam", (-0.004, -0.003),
                "Quốc lộ 31, xã Lục Nam", "so-xay-dung", "dem-xe", "2024-02-15",
                {"peak": 1300, "free": 55, "capacity": 2400}),
    # Noise on the busiest streets
    StationSpec("on-kinh-bac", "Trạm đo tiếng ồn đường Lý Thái Tổ", StationKind.NOISE, "Phường Kinh Bắc",
                (-0.003, 0.004), "Đường Lý Thái Tổ, phường Kinh Bắc", "so-nong-nghiep-moi-truong", "do-on",
                "2024-09-01", {"day": 68.0}),
    StationSpec("on-bac-giang", "Trạm đo tiếng ồn đường Hùng Vương", StationKind.NOISE, "Phường Bắc Giang",
                (0.004, -0.002), "Đường Hùng Vương, phường Bắc Giang", "so-nong-nghiep-moi-truong", "do-on",
                "2024-09-01", {"day": 66.5}),
]

NGSI_TYPES = {StationKind.AIR_QUALITY: "AirQualityObserved", StationKind.WATER_LEVEL: "WaterObserved",
              StationKind.RAINFALL: "WeatherObserved", StationKind.TRAFFIC: "TrafficFlowObserved",
              StationKind.NOISE: "NoiseLevelObserved"}

# Video-wall layouts: name, resolution, default, panels (kind, title, domain code, indicator code, seconds)
WALL_LAYOUTS = [
    ("Màn hình chính phòng điều hành (Full HD)", WallResolution.FULL_HD, True, [
        (PanelKind.SENSORS, "Bản đồ trạm quan trắc", "", "", 30),
        (PanelKind.DOMAIN, "", "kinh-te", "", 20),
        (PanelKind.DOMAIN, "", "cu-dan", "", 20),
        (PanelKind.DOMAIN, "", "quan-tri", "", 20),
        (PanelKind.INDICATOR, "Hồ sơ đúng hạn theo xã, phường", "", "ho-so-dung-han", 20),
        (PanelKind.DOMAIN, "", "di-chuyen", "", 20),
        (PanelKind.DOMAIN, "", "moi-truong", "", 20),
        (PanelKind.DOMAIN, "", "cuoc-song", "", 20),
        (PanelKind.EVENTS, "Sự kiện cảnh báo đang mở", "", "", 20),
        (PanelKind.FEEDBACK, "Phản ánh của người dân", "", "", 20),
    ]),
    ("Màn hình ghép 4K", WallResolution.UHD, False, [
        (PanelKind.SENSORS, "Bản đồ trạm quan trắc", "", "", 40),
        (PanelKind.EVENTS, "Sự kiện cảnh báo đang mở", "", "", 20),
        (PanelKind.DOMAIN, "", "moi-truong", "", 25),
        (PanelKind.INDICATOR, "Chỉ số AQI", "", "chi-so-aqi", 25),
        (PanelKind.DOMAIN, "", "di-chuyen", "", 25),
        (PanelKind.DOMAIN, "", "kinh-te", "", 25),
        (PanelKind.DOMAIN, "", "quan-tri", "", 25),
        (PanelKind.FEEDBACK, "Phản ánh của người dân", "", "", 25),
    ]),
]
