"""The words and places of the feedback demo data: Bắc Ninh's categories and routing, response templates,
streets, names, and the sentences reports and answers are made of."""

from ..models import RejectionReason

# --- Categories --------------------------------------------------------------------------------------------

LIGHT_POLE = {"code": "so_cot", "datatype": "string", "required": False, "variable": True, "order": 1,
              "description": "Số cột đèn (nếu có)", "datatype_description": "Số ghi trên thân cột, ví dụ BN-LTT-045"}
ROAD_SEVERITY = {"code": "muc_do", "datatype": "singlevaluelist", "required": False, "variable": True, "order": 1,
                 "description": "Mức độ hư hỏng", "datatype_description": "",
                 "values": [{"key": "nhe", "name": "Nhẹ"}, {"key": "vua", "name": "Vừa"},
                            {"key": "nang", "name": "Nặng"}]}
FLOOD_DEPTH = {"code": "do_sau", "datatype": "number", "required": False, "variable": True, "order": 1,
               "description": "Độ sâu ngập ước tính (cm)", "datatype_description": "Số nguyên, đơn vị xăng-ti-mét"}

# code, parent, name, English name, icon, keywords, urgent, public, answer days, duplicate radius (m), attributes
CATEGORIES = [
    ("ha-tang-do-thi", None, "Hạ tầng đô thị", "Urban infrastructure", "building", "hạ tầng, đô thị", 0, 1, 5, 150, []),
    ("den-chieu-sang", "ha-tang-do-thi", "Đèn chiếu sáng", "Street lighting", "lightbulb",
     "đèn, đèn đường, chiếu sáng, bóng đèn, cột đèn, tối", 0, 1, 3, 100, [LIGHT_POLE]),
    ("hu-hong-mat-duong", "ha-tang-do-thi", "Hư hỏng mặt đường", "Road damage", "road",
     "ổ gà, ổ voi, mặt đường, lún, nứt, hố ga, nắp cống", 0, 1, 5, 150, [ROAD_SEVERITY]),
    ("cay-xanh", "ha-tang-do-thi", "Cây xanh", "Trees", "trees", "cây, cây xanh, cành, đổ, gãy, cắt tỉa",
     0, 1, 3, 100, []),
    ("thoat-nuoc", "ha-tang-do-thi", "Thoát nước", "Drainage", "droplet",
     "cống, rãnh, mương, thoát nước, tắc, nước thải, hố ga", 0, 1, 5, 200, []),
    ("ngap-ung", "ha-tang-do-thi", "Ngập úng", "Flooding", "waves", "ngập, úng, nước, mưa, lụt",
     1, 1, 5, 300, [FLOOD_DEPTH]),
    ("moi-truong", None, "Môi trường", "Environment", "leaf", "môi trường", 0, 1, 5, 300, []),
    ("rac-thai", "moi-truong", "Rác thải", "Rubbish", "trash", "rác, thu gom, phế thải, đổ trộm, bãi rác",
     0, 1, 3, 150, []),
    ("o-nhiem-khong-khi", "moi-truong", "Ô nhiễm không khí", "Air pollution", "wind",
     "khói, bụi, mùi, đốt, ô nhiễm không khí", 0, 1, 5, 1000, []),
    ("o-nhiem-nguon-nuoc", "moi-truong", "Ô nhiễm nguồn nước", "Water pollution", "droplets",
     "nước thải, xả thải, ao, sông, kênh, cá chết", 0, 1, 5, 500, []),
    ("tieng-on", "moi-truong", "Tiếng ồn", "Noise", "volume", "ồn, tiếng ồn, karaoke, loa, thi công đêm",
     0, 1, 3, 300, []),
    ("trat-tu-do-thi", None, "Trật tự đô thị", "Urban order", "building-2", "trật tự đô thị", 0, 1, 5, 100, []),
    ("lan-chiem-via-he", "trat-tu-do-thi", "Lấn chiếm vỉa hè", "Pavement encroachment", "store",
     "vỉa hè, lòng đường, lấn chiếm, buôn bán, bày hàng", 0, 1, 5, 50, []),
    ("xay-dung-trai-phep", "trat-tu-do-thi", "Xây dựng trái phép", "Unauthorised construction", "hammer",
     "xây dựng, không phép, trái phép, cơi nới, lấn chiếm đất", 0, 1, 5, 50, []),
    ("quang-cao-sai-quy-dinh", "trat-tu-do-thi", "Quảng cáo sai quy định", "Illegal advertising", "megaphone",
     "quảng cáo, tờ rơi, băng rôn, biển hiệu", 0, 1, 5, 50, []),
    ("giao-thong", None, "Giao thông", "Traffic", "car", "giao thông", 0, 1, 5, 200, []),
    ("an-toan-giao-thong", "giao-thong", "An toàn giao thông", "Road safety", "triangle-alert",
     "tai nạn, an toàn giao thông, biển báo, đua xe, gờ giảm tốc", 1, 1, 5, 200, []),
    ("den-tin-hieu", "giao-thong", "Đèn tín hiệu giao thông", "Traffic signals", "traffic-cone",
     "đèn tín hiệu, đèn giao thông, đèn xanh đèn đỏ, nút giao", 0, 1, 3, 100, []),
    ("dich-vu-cong", None, "Dịch vụ công", "Public services", "landmark", "dịch vụ công", 0, 1, 5, 300, []),
    ("cap-nuoc", "dich-vu-cong", "Cấp nước", "Water supply", "faucet",
     "mất nước, nước sạch, nước máy, vỡ ống, đục", 0, 1, 3, 300, []),
    ("cap-dien", "dich-vu-cong", "Cấp điện", "Power supply", "bolt",
     "mất điện, điện áp, dây điện, tủ điện, cột điện", 0, 1, 3, 300, []),
    ("thu-tuc-hanh-chinh", "dich-vu-cong", "Thủ tục hành chính", "Administrative procedures", "file-text",
     "hồ sơ, thủ tục, trễ hẹn, một cửa, dịch vụ công trực tuyến", 0, 1, 5, 100, []),
    ("an-ninh-trat-tu", None, "An ninh trật tự", "Public security", "shield",
     "trộm cắp, ma túy, đánh bạc, tụ tập, gây rối", 0, 0, 5, 300, []),
    ("y-te", None, "Y tế", "Health", "hospital", "y tế, trạm y tế, thuốc, vệ sinh thực phẩm, sốt xuất huyết",
     0, 1, 5, 300, []),
    ("giao-duc", None, "Giáo dục", "Education", "school", "trường, học sinh, giáo viên, dạy thêm, thu phí",
     0, 1, 5, 300, []),
    ("khac", None, "Khác", "Other", "ellipsis", "", 0, 1, 5, 100, []),
]

# Category → (lead unit, cooperating units). No rule for "khac": the IOC triages it.
ROUTES = {
    "den-chieu-sang": ("chieu-sang", []), "hu-hong-mat-duong": ("so-xay-dung", []),
    "cay-xanh": ("moi-truong-do-thi", []), "thoat-nuoc": ("so-xay-dung", ["moi-truong-do-thi"]),
    "ngap-ung": ("so-xay-dung", ["moi-truong-do-thi"]), "rac-thai": ("moi-truong-do-thi", []),
    "o-nhiem-khong-khi": ("so-nong-nghiep-moi-truong", []), "o-nhiem-nguon-nuoc": ("so-nong-nghiep-moi-truong", []),
    "tieng-on": ("so-nong-nghiep-moi-truong", ["cong-an-tinh"]), "trat-tu-do-thi": ("so-xay-dung", []),
    "lan-chiem-via-he": ("so-xay-dung", []), "xay-dung-trai-phep": ("so-xay-dung", []),
    "quang-cao-sai-quy-dinh": ("so-van-hoa-the-thao-du-lich", []),
    "an-toan-giao-thong": ("cong-an-tinh", ["so-xay-dung"]), "den-tin-hieu": ("so-xay-dung", ["cong-an-tinh"]),
    "cap-nuoc": ("nuoc-sach", []), "cap-dien": ("dien-luc", []), "thu-tuc-hanh-chinh": ("so-noi-vu", []),
    "an-ninh-trat-tu": ("cong-an-tinh", []), "y-te": ("so-y-te", []), "giao-duc": ("so-giao-duc-dao-tao", []),
}
# Urban order is the commune's business: one rule per commune sends these to its People's Committee.
COMMUNE_ROUTED = ("lan-chiem-via-he", "xay-dung-trai-phep")

RESPONSE_TEMPLATES = [
    ("chieu-sang", "Đã thay bóng đèn", "Công ty CP Chiếu sáng công cộng Bắc Ninh đã cử tổ kỹ thuật kiểm tra và thay "
     "thế bóng đèn hỏng. Hệ thống chiếu sáng tại vị trí phản ánh đã hoạt động bình thường. Trân trọng cảm ơn "
     "ông/bà đã phản ánh."),
    ("chieu-sang", "Chờ vật tư", "Đơn vị đã kiểm tra hiện trường; do cần thay thế bộ đèn và cáp ngầm, việc sửa chữa "
     "sẽ hoàn thành trong 05 ngày làm việc. Mong ông/bà thông cảm."),
    ("so-xay-dung", "Đã sửa chữa mặt đường", "Sở Xây dựng đã chỉ đạo đơn vị quản lý, bảo trì đường bộ vá sửa mặt "
     "đường, hoàn trả nắp hố ga tại vị trí phản ánh. Việc sửa chữa đã hoàn thành, giao thông qua lại bình thường."),
    ("so-xay-dung", "Đưa vào kế hoạch duy tu", "Sở Xây dựng đã kiểm tra hiện trường. Đoạn đường đã được đưa vào "
     "kế hoạch duy tu, sửa chữa năm nay; trong thời gian chờ thi công, đơn vị quản lý đã cắm biển cảnh báo."),
    ("so-xay-dung", "Chuyển địa phương", "Nội dung phản ánh thuộc thẩm quyền quản lý của UBND cấp xã. Sở Xây dựng "
     "đã có văn bản đề nghị UBND xã, phường kiểm tra, xử lý theo quy định."),
    ("moi-truong-do-thi", "Đã thu gom rác", "Công ty CP Môi trường và Dịch vụ đô thị Bắc Ninh đã bố trí xe và công "
     "nhân thu gom, vận chuyển toàn bộ rác tồn đọng, vệ sinh khu vực phản ánh và tăng tần suất thu gom."),
    ("moi-truong-do-thi", "Đã cắt tỉa cây", "Đơn vị đã cắt tỉa cành cây, gia cố cây nghiêng và dọn dẹp cành gãy, "
     "bảo đảm an toàn cho người và phương tiện."),
    ("ubnd-phuong-kinh-bac", "Đã xử lý lấn chiếm", "UBND phường Kinh Bắc đã giao Tổ quản lý trật tự đô thị kiểm "
     "tra, nhắc nhở và lập biên bản các hộ vi phạm; vỉa hè đã được giải tỏa. Phường sẽ tiếp tục kiểm tra thường "
     "xuyên."),
    ("ubnd-phuong-kinh-bac", "Đã kiểm tra công trình", "UBND phường Kinh Bắc đã kiểm tra công trình; chủ đầu tư đã "
     "được yêu cầu xuất trình giấy phép xây dựng và thực hiện đúng nội dung được cấp phép."),
    ("nuoc-sach", "Đã khắc phục sự cố cấp nước", "Công ty CP Nước sạch Bắc Ninh đã khắc phục sự cố đường ống, cấp "
     "nước trở lại bình thường cho khu vực. Xin lỗi quý khách vì sự bất tiện."),
    ("cong-an-tinh", "Đã tăng cường tuần tra", "Công an tỉnh đã chỉ đạo Công an cấp xã và lực lượng Cảnh sát giao "
     "thông tăng cường tuần tra, kiểm soát, xử lý vi phạm tại khu vực phản ánh."),
]

# --- Places, people and words -------------------------------------------------------------------------------

STREETS = {
    "Thành phố Bắc Ninh": ["Lý Thái Tổ", "Ngô Gia Tự", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "Nguyễn Gia Thiều",
                           "Huyền Quang", "Kinh Dương Vương", "Lý Anh Tông", "Nguyễn Đăng Đạo", "Hồ Ngọc Lân",
                           "Lê Thái Tổ", "Thiên Đức", "Nguyễn Trãi", "Bình Than", "Lạc Long Quân", "Trần Lựu",
                           "Hai Bà Trưng", "Nguyễn Cao", "Lê Văn Thịnh", "Âu Cơ"],
    "Thành phố Bắc Giang": ["Hoàng Hoa Thám", "Xương Giang", "Lê Lợi", "Nguyễn Văn Cừ", "Ngô Gia Tự", "Hùng Vương",
                            "Nguyễn Thị Lưu", "Lê Lai", "Trần Nguyên Hãn", "Nguyễn Văn Mẫn", "Quang Trung",
                            "Minh Khai", "Giáp Hải", "Hoàng Văn Thụ", "Trần Quang Khải", "Lý Thái Tổ", "Thánh Thiên"],
    "Thành phố Từ Sơn": ["Lý Thánh Tông", "Minh Khai", "Trần Phú", "Nguyễn Văn Cừ", "Lý Thái Tổ", "Lê Quang Đạo",
                         "Nguyễn Quán Quang", "Tô Hiến Thành"],
}
ROADS = {  # former district → national and provincial roads through it
    "Huyện Yên Phong": ["Quốc lộ 18", "Tỉnh lộ 295", "Tỉnh lộ 286"], "Thị xã Quế Võ": ["Quốc lộ 18", "Tỉnh lộ 279"],
    "Huyện Tiên Du": ["Quốc lộ 38", "Tỉnh lộ 295", "Tỉnh lộ 276"], "Thị xã Thuận Thành": ["Quốc lộ 38", "Quốc lộ 17",
                                                                                         "Tỉnh lộ 282"],
    "Huyện Gia Bình": ["Quốc lộ 17", "Tỉnh lộ 282", "Tỉnh lộ 285"], "Huyện Lương Tài": ["Quốc lộ 17", "Tỉnh lộ 281"],
    "Huyện Yên Thế": ["Quốc lộ 17", "Tỉnh lộ 398", "Tỉnh lộ 294"], "Huyện Tân Yên": ["Tỉnh lộ 295", "Tỉnh lộ 294"],
    "Huyện Lạng Giang": ["Quốc lộ 1A", "Quốc lộ 37", "Tỉnh lộ 295"], "Huyện Lục Nam": ["Quốc lộ 31", "Quốc lộ 37"],
    "Huyện Lục Ngạn": ["Quốc lộ 31", "Quốc lộ 279"], "Thị xã Chũ": ["Quốc lộ 31", "Tỉnh lộ 290"],
    "Huyện Sơn Động": ["Quốc lộ 31", "Quốc lộ 279"], "Thị xã Việt Yên": ["Quốc lộ 37", "Tỉnh lộ 298", "Quốc lộ 1A"],
    "Huyện Hiệp Hòa": ["Quốc lộ 37", "Tỉnh lộ 295", "Tỉnh lộ 296"],
}
HAMLETS = ["thôn Đông", "thôn Đoài", "thôn Trung", "thôn Thượng", "thôn Hạ", "thôn Nam", "thôn Bắc", "xóm Mới",
           "thôn Tiền", "thôn Hậu"]
LANDMARKS = ["cổng trường tiểu học", "chợ", "nhà văn hóa", "trạm y tế", "cổng chùa", "ngã tư", "ngã ba",
             "trụ sở UBND", "cây xăng", "khu tập thể", "công viên", "cổng khu công nghiệp", "bến xe buýt"]
SURNAMES = ["Nguyễn"] * 12 + ["Trần"] * 4 + ["Lê"] * 4 + ["Phạm"] * 3 + ["Hoàng", "Vũ", "Đỗ", "Ngô", "Dương", "Đặng",
                                                                       "Bùi", "Đào", "Đinh", "Thân", "Giáp", "Hà"]
MIDDLE = {"m": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân"],
          "f": ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương"]}
GIVEN = {"m": ["Hùng", "Dũng", "Tuấn", "Long", "Nam", "Hải", "Thắng", "Cường", "Quân", "Khánh", "Phong", "Sơn",
               "Toàn", "Trung", "Đạt", "Hiếu", "Bình", "Tùng"],
         "f": ["Lan", "Hương", "Hà", "Mai", "Trang", "Linh", "Huyền", "Thảo", "Ngọc", "Nhung", "Yến", "Hoa",
               "Thủy", "Phương", "Dung", "Vân"]}
PROCEDURES = ["cấp giấy chứng nhận quyền sử dụng đất", "đăng ký khai sinh", "chứng thực bản sao",
              "cấp giấy phép xây dựng nhà ở riêng lẻ", "đăng ký hộ kinh doanh", "chuyển mục đích sử dụng đất",
              "xác nhận tình trạng hôn nhân", "đăng ký thường trú"]

# Descriptions per category. {at}: the place ("trên đường Lý Thái Tổ, đoạn trước số nhà 45"); {near}: a landmark;
# {days}, {n}, {cm}, {m}: numbers; {commune}: the commune's name; {proc}: an administrative procedure.
DESCRIPTIONS = {
    "den-chieu-sang": [
        "Đèn chiếu sáng {at} bị hỏng đã {days} ngày, buổi tối cả đoạn đường tối om, người đi bộ và xe máy rất nguy "
        "hiểm. Đề nghị đơn vị chức năng sớm sửa chữa.",
        "Cụm {n} bóng đèn đường {at} không sáng từ tuần trước. Đoạn này gần {near}, buổi tối học sinh đi lại nhiều.",
        "Đèn đường {at} bật sáng cả ban ngày, rất lãng phí điện. Đề nghị kiểm tra lại tủ điều khiển.",
        "Cột đèn chiếu sáng {at} bị nghiêng, dây điện lòi ra khỏi hộp kỹ thuật ở chân cột, rất nguy hiểm khi trời mưa.",
        "Đèn chiếu sáng {at} chập chờn, lúc sáng lúc tắt liên tục mấy đêm nay."],
    "hu-hong-mat-duong": [
        "Mặt đường {at} có ổ gà lớn, sâu khoảng {cm} cm, trời mưa đọng nước không nhìn thấy, đã có người đi xe máy "
        "bị ngã.",
        "Đoạn đường {at} bị lún, nứt vỡ dài khoảng {m} m sau khi thi công đường ống, đến nay chưa được hoàn trả "
        "mặt đường.",
        "Nắp hố ga {at} bị vỡ, hở miệng hố, rất nguy hiểm cho người đi đường nhất là ban đêm.",
        "Mặt đường {at} bong tróc, đá dăm văng ra đường, xe tải qua lại gây bụi và nguy hiểm."],
    "cay-xanh": [
        "Cây xanh {at} bị nghiêng sau trận mưa giông, có nguy cơ đổ vào nhà dân và người đi đường.",
        "Cành cây {at} vươn sát đường dây điện, che khuất đèn chiếu sáng, đề nghị cắt tỉa.",
        "Cây {at} gãy cành lớn, cành nằm chắn một phần lòng đường từ {days} ngày nay chưa được dọn.",
        "Có người chặt hạ cây xanh trên vỉa hè {at}, không rõ đã được cấp phép hay chưa."],
    "thoat-nuoc": [
        "Cống thoát nước {at} bị tắc, nước thải ứ đọng bốc mùi hôi thối, muỗi rất nhiều.",
        "Rãnh thoát nước {at} bị đất đá, rác lấp kín, mỗi khi mưa nước tràn lên mặt đường.",
        "Hố ga {at} trào nước thải ra mặt đường {days} ngày nay, người dân đi lại rất khó khăn.",
        "Mương thoát nước {at} chưa được nạo vét, bèo và rác ùn ứ, đề nghị xử lý trước mùa mưa."],
    "ngap-ung": [
        "Sau trận mưa lớn chiều nay, {at} ngập sâu khoảng {cm} cm, nhiều xe máy chết máy, nước tràn vào nhà dân.",
        "Khu vực {at} ngập úng kéo dài, nước chưa rút sau {n} giờ, đề nghị bố trí máy bơm tiêu nước khẩn cấp.",
        "Đoạn trũng {at} ngập nước, xe nhỏ không qua được, đề nghị cắm biển cảnh báo và phân luồng.",
        "Mưa to từ đêm qua, nước ngập {at}, cửa xả chưa được mở nên nước dâng rất nhanh."],
    "rac-thai": [
        "Rác thải sinh hoạt {at} không được thu gom {days} ngày nay, bốc mùi hôi, ruồi nhặng nhiều.",
        "Có người đổ trộm phế thải xây dựng {at} vào ban đêm, lấn ra gần nửa lòng đường.",
        "Điểm tập kết rác {at} quá tải, rác tràn ra vỉa hè, đề nghị tăng tần suất thu gom.",
        "Xe thu gom rác làm rơi vãi rác và nước rỉ rác dọc {at}.",
        "Tình trạng đốt rác {at} diễn ra thường xuyên vào buổi tối, khói bay vào khu dân cư."],
    "o-nhiem-khong-khi": [
        "Khói bụi từ cơ sở sản xuất {at} bốc lên dày đặc vào buổi tối, mùi khét khó chịu, ảnh hưởng sức khỏe "
        "người dân.",
        "Người dân đốt rơm rạ sau thu hoạch {at}, khói mù mịt bao phủ khu dân cư và tuyến đường.",
        "Xe chở vật liệu xây dựng không che chắn chạy qua {at}, bụi mù mịt cả ngày.",
        "Lò đốt phế liệu {at} hoạt động vào ban đêm, khói đen và mùi nhựa cháy rất nồng."],
    "o-nhiem-nguon-nuoc": [
        "Nước thải từ cơ sở sản xuất {at} xả thẳng ra mương, nước màu đen, bốc mùi, cá chết nổi trắng.",
        "Ao làng {at} bị ô nhiễm, nước đổi màu và có mùi hôi, đề nghị kiểm tra nguồn xả thải.",
        "Cơ sở làng nghề {at} xả nước thải chưa qua xử lý ra kênh tiêu, ảnh hưởng ruộng lúa của người dân."],
    "tieng-on": [
        "Quán karaoke {at} hát to đến quá 23 giờ đêm, ảnh hưởng việc nghỉ ngơi của người dân xung quanh.",
        "Công trình {at} thi công ồn ào sau 22 giờ, máy khoan, máy trộn bê tông chạy liên tục.",
        "Xưởng cơ khí {at} hoạt động gây tiếng ồn lớn từ 5 giờ sáng, đề nghị kiểm tra.",
        "Loa kẹo kéo hát karaoke ngoài trời {at} vào buổi tối gây ồn ào kéo dài."],
    "lan-chiem-via-he": [
        "Nhiều hộ kinh doanh {at} bày hàng, để xe lấn chiếm hết vỉa hè, người đi bộ phải đi xuống lòng đường.",
        "Quán ăn {at} kê bàn ghế tràn ra vỉa hè và một phần lòng đường vào buổi tối.",
        "Chợ tạm họp {at} vào buổi sáng, lấn chiếm lòng đường gây ùn tắc giao thông.",
        "Một số hộ dân {at} xây bậc tam cấp, dựng mái che lấn ra vỉa hè."],
    "xay-dung-trai-phep": [
        "Công trình {at} đang xây thêm tầng, nghi không có giấy phép xây dựng.",
        "Có hộ dân xây nhà trên đất nông nghiệp {at}, đề nghị chính quyền kiểm tra.",
        "Công trình xây dựng {at} không có rào chắn, vật liệu để tràn ra đường, không treo biển báo công trình.",
        "Hộ gia đình {at} tự ý cơi nới, lấn chiếm hành lang an toàn giao thông."],
    "quang-cao-sai-quy-dinh": [
        "Nhiều tờ rơi khoan cắt bê tông, cho vay tiền nhanh dán trên cột điện, tường nhà {at}.",
        "Biển quảng cáo tấm lớn dựng trên vỉa hè {at}, che khuất tầm nhìn của người tham gia giao thông.",
        "Băng rôn quảng cáo treo ngang đường {at} đã rách, buông xuống thấp rất nguy hiểm."],
    "an-toan-giao-thong": [
        "Nút giao {at} thường xuyên xảy ra va chạm, đề nghị bổ sung biển báo và gờ giảm tốc.",
        "Xe tải trọng lớn chạy tốc độ cao qua {at} vào giờ tan học, rất nguy hiểm cho học sinh.",
        "Dải phân cách {at} bị tự ý mở lối đi, nhiều xe quay đầu gây nguy cơ tai nạn.",
        "Nhóm thanh niên tụ tập đua xe, lạng lách {at} vào đêm khuya.",
        "Vừa xảy ra va chạm giữa xe máy và ô tô {at}, đề nghị lực lượng chức năng đến hỗ trợ phân luồng."],
    "den-tin-hieu": [
        "Đèn tín hiệu giao thông tại nút giao {at} bị hỏng, chỉ nháy vàng, giờ cao điểm ùn tắc kéo dài.",
        "Đèn tín hiệu {at} có thời gian đèn xanh quá ngắn, xe dồn ứ kéo dài.",
        "Cột đèn tín hiệu {at} bị xe tông nghiêng, đèn không hoạt động."],
    "cap-nuoc": [
        "Khu dân cư {at} mất nước sinh hoạt {days} ngày nay mà không có thông báo trước.",
        "Nước máy {at} có màu vàng đục, nhiều cặn và mùi clo nồng.",
        "Đường ống cấp nước {at} bị vỡ, nước chảy lênh láng ra mặt đường.",
        "Áp lực nước yếu, các hộ {at} không bơm được nước lên bồn vào giờ cao điểm."],
    "cap-dien": [
        "Khu vực {at} mất điện thường xuyên, mỗi ngày vài lần, ảnh hưởng sinh hoạt và kinh doanh.",
        "Dây điện {at} võng thấp, chùng xuống sát đầu người đi đường.",
        "Tủ điện {at} không có khóa, cửa tủ mở, trẻ em hay chơi gần đó.",
        "Điện áp {at} yếu vào buổi tối, bóng đèn chập chờn, điều hòa không khởi động được."],
    "thu-tuc-hanh-chinh": [
        "Tôi nộp hồ sơ {proc} tại Trung tâm phục vụ hành chính công {commune} đã quá hẹn {days} ngày nhưng chưa có "
        "kết quả, cũng không được thông báo lý do.",
        "Đề nghị hướng dẫn thủ tục {proc} sau khi sắp xếp đơn vị hành chính, vì giấy tờ cũ ghi địa chỉ huyện cũ.",
        "Cổng dịch vụ công hay bị lỗi khi nộp hồ sơ {proc} trực tuyến, không tải được tệp đính kèm.",
        "Cán bộ tiếp nhận hồ sơ {proc} tại {commune} yêu cầu bổ sung giấy tờ không có trong quy định."],
    "an-ninh-trat-tu": [
        "Có nhóm đối tượng tụ tập {at} vào ban đêm, nghi sử dụng ma túy.",
        "Tình trạng trộm cắp xe máy {at} xảy ra nhiều lần trong tháng.",
        "Có đối tượng cho vay nặng lãi dán quảng cáo và đe dọa người dân {at}.",
        "Nhiều người lạ thường xuyên tụ tập đánh bạc {at}."],
    "y-te": [
        "Trạm y tế {commune} thiếu thuốc điều trị tăng huyết áp cho người có bảo hiểm y tế.",
        "Cơ sở kinh doanh thực phẩm {at} không bảo đảm vệ sinh an toàn thực phẩm, đề nghị kiểm tra.",
        "Khu dân cư {at} có nhiều ca sốt xuất huyết, đề nghị phun thuốc diệt muỗi.",
        "Phòng khám tư {at} quảng cáo quá mức, nghi hoạt động không phép."],
    "giao-duc": [
        "Trường tiểu học ở {commune} thu một số khoản ngoài quy định vào đầu năm học.",
        "Nhà vệ sinh của trường học {at} xuống cấp, không bảo đảm vệ sinh cho học sinh.",
        "Cơ sở dạy thêm {at} hoạt động không phép, học sinh học đến tối muộn.",
        "Đề nghị bố trí thêm lớp mầm non công lập ở {commune} vì nhiều cháu chưa có chỗ học."],
    "khac": [
        "Đề nghị lắp thêm ghế đá và thiết bị tập thể dục tại vườn hoa {at}.",
        "Chó thả rông {at} không rọ mõm, đã có trẻ em bị cắn.",
        "Nhà văn hóa {at} xuống cấp, mái dột, đề nghị sửa chữa.",
        "Đề nghị công khai tiến độ dự án cải tạo tuyến đường {at}."],
}

# The answer names what was done; {unit} is the unit that answers, {date} the day it was done.
ANSWERS = {
    "den-chieu-sang": "{unit} đã cử tổ kỹ thuật kiểm tra, thay {n} bộ đèn LED và sửa chữa tủ điều khiển ngày {date}. "
                      "Hệ thống chiếu sáng đã hoạt động bình thường.",
    "hu-hong-mat-duong": "{unit} đã chỉ đạo đơn vị bảo trì đường bộ vá sửa mặt đường, hoàn trả nắp hố ga tại vị trí "
                         "phản ánh ngày {date}. Giao thông đã bình thường.",
    "cay-xanh": "{unit} đã cắt tỉa, gia cố cây và dọn cành gãy ngày {date}, bảo đảm an toàn cho người đi đường.",
    "thoat-nuoc": "{unit} đã nạo vét, khơi thông cống rãnh tại vị trí phản ánh ngày {date}; nước đã tiêu thoát bình "
                  "thường.",
    "ngap-ung": "{unit} đã phối hợp vận hành trạm bơm, mở cửa xả và bố trí máy bơm tiêu nước; đến ngày {date} nước đã "
                "rút hết. Tuyến cống tại khu vực đã được đưa vào kế hoạch cải tạo.",
    "rac-thai": "{unit} đã thu gom, vận chuyển toàn bộ rác tồn đọng ngày {date} và tăng tần suất thu gom tại khu vực.",
    "o-nhiem-khong-khi": "{unit} đã phối hợp UBND cấp xã kiểm tra, lập biên bản cơ sở gây ô nhiễm ngày {date} và yêu "
                         "cầu khắc phục; khu vực sẽ được quan trắc định kỳ.",
    "o-nhiem-nguon-nuoc": "{unit} đã lấy mẫu nước, kiểm tra nguồn thải ngày {date}; cơ sở vi phạm đã bị đình chỉ xả "
                          "thải và xử phạt theo quy định.",
    "tieng-on": "{unit} đã phối hợp Công an cấp xã kiểm tra, nhắc nhở và xử phạt cơ sở gây ồn ngày {date}.",
    "lan-chiem-via-he": "{unit} đã kiểm tra, yêu cầu các hộ tháo dỡ, thu dọn hàng hóa lấn chiếm ngày {date}; vỉa hè "
                        "đã được trả lại cho người đi bộ.",
    "xay-dung-trai-phep": "{unit} đã kiểm tra công trình ngày {date}, lập biên bản vi phạm trật tự xây dựng và yêu cầu "
                          "chủ đầu tư dừng thi công, tự tháo dỡ phần sai phép.",
    "quang-cao-sai-quy-dinh": "{unit} đã phối hợp địa phương tháo dỡ biển quảng cáo, tờ rơi sai quy định ngày {date}.",
    "an-toan-giao-thong": "{unit} đã tăng cường tuần tra, kiểm soát tại khu vực; ngày {date} đã phối hợp lắp bổ sung "
                          "biển báo và gờ giảm tốc.",
    "den-tin-hieu": "{unit} đã sửa chữa bộ điều khiển và điều chỉnh chu kỳ đèn tín hiệu ngày {date}; nút giao đã hoạt "
                    "động bình thường.",
    "cap-nuoc": "{unit} đã khắc phục sự cố đường ống và cấp nước trở lại ngày {date}; chất lượng nước đã được kiểm tra "
                "đạt quy chuẩn.",
    "cap-dien": "{unit} đã kiểm tra, xử lý sự cố lưới điện và nâng cấp đường dây ngày {date}; việc cấp điện đã "
                "ổn định.",
    "thu-tuc-hanh-chinh": "{unit} đã kiểm tra hồ sơ; ngày {date} đã trả kết quả cho công dân và chấn chỉnh việc tiếp "
                          "nhận hồ sơ tại bộ phận một cửa.",
    "an-ninh-trat-tu": "{unit} đã chỉ đạo Công an cấp xã xác minh, tăng cường tuần tra và xử lý các đối tượng vi phạm "
                       "ngày {date}.",
    "y-te": "{unit} đã giao Trung tâm Y tế khu vực kiểm tra, xử lý ngày {date}; nội dung phản ánh đã được khắc phục.",
    "giao-duc": "{unit} đã chỉ đạo nhà trường rà soát, chấn chỉnh ngày {date} và công khai các khoản thu theo "
                "quy định.",
    "khac": "{unit} đã tiếp nhận, kiểm tra và xử lý nội dung phản ánh ngày {date}.",
}
THANKS = " Trân trọng cảm ơn ông/bà đã phản ánh."
LATE_APOLOGY = " Do cần phối hợp nhiều đơn vị nên thời gian xử lý kéo dài hơn quy định, mong ông/bà thông cảm."
REJECT_NOTES = {
    RejectionReason.SPAM: ["Nội dung không phải phản ánh, kiến nghị.", "Nội dung quảng cáo, không liên quan."],
    RejectionReason.OUTSIDE_COMPETENCE: [
        "Nội dung là tranh chấp dân sự giữa các hộ gia đình; đề nghị công dân liên hệ Tòa án nhân dân khu vực.",
        "Vụ việc đang được cơ quan điều tra thụ lý theo thẩm quyền."],
    RejectionReason.INSUFFICIENT: [
        "Phản ánh chưa nêu địa điểm cụ thể; đề nghị người dân bổ sung thông tin và gửi lại.",
        "Không liên hệ được với người phản ánh để xác minh nội dung."],
}
NOTES = ["Đã liên hệ người phản ánh để xác minh vị trí.", "Đã cử cán bộ kiểm tra hiện trường, chờ vật tư thay thế.",
         "Phối hợp với UBND cấp xã để xử lý dứt điểm.", "Đã báo cáo lãnh đạo đơn vị, dự kiến hoàn thành trong tuần.",
         "Hiện trường đã được chụp ảnh, lưu hồ sơ."]
GOOD_COMMENTS = ["Xử lý nhanh, cảm ơn các anh chị.", "Đã được khắc phục, rất hài lòng.",
                 "Cảm ơn đơn vị đã phản hồi kịp thời.", "", ""]
MID_COMMENTS = ["Đã xử lý nhưng hơi chậm.", "Mới xử lý tạm thời, mong có giải pháp lâu dài.", ""]
BAD_COMMENTS = ["Chưa khắc phục triệt để, vài hôm sau lại như cũ.", "Trả lời chung chung, chưa giải quyết được vấn đề.",
                "Quá chậm, cả tuần mới có người xuống kiểm tra."]
REOPEN_REASONS = ["Thực tế chưa được xử lý như nội dung trả lời.", "Sau khi sửa được vài hôm lại hỏng như cũ.",
                  "Vẫn còn tồn tại, đề nghị kiểm tra lại."]
RETURN_REASON = "Nội dung không thuộc phạm vi quản lý của đơn vị; đề nghị Trung tâm chuyển đơn vị có thẩm quyền."

CATEGORY_WEIGHTS = {"den-chieu-sang": 10, "hu-hong-mat-duong": 9, "cay-xanh": 5, "thoat-nuoc": 6, "ngap-ung": 4,
                    "rac-thai": 12, "o-nhiem-khong-khi": 4, "o-nhiem-nguon-nuoc": 3, "tieng-on": 5,
                    "lan-chiem-via-he": 8, "xay-dung-trai-phep": 5, "quang-cao-sai-quy-dinh": 3,
                    "an-toan-giao-thong": 5, "den-tin-hieu": 3, "cap-nuoc": 4, "cap-dien": 4, "thu-tuc-hanh-chinh": 4,
                    "an-ninh-trat-tu": 2, "y-te": 2, "giao-duc": 2, "khac": 2}
SEASONS = {"ngap-ung": {5: 2, 6: 3, 7: 4, 8: 4, 9: 3, 10: 1}, "thoat-nuoc": {4: 1.5, 5: 2, 6: 2, 7: 2, 8: 2, 9: 1.5},
           "o-nhiem-khong-khi": {1: 1.5, 6: 2.5, 10: 2.5, 11: 2, 12: 1.5}, "cay-xanh": {6: 1.8, 7: 2, 8: 2, 9: 1.8},
           "cap-nuoc": {5: 1.5, 6: 1.8, 7: 1.8, 8: 1.5}, "cap-dien": {5: 1.8, 6: 2.2, 7: 2.2, 8: 1.8}}
OFF_SEASON = {"ngap-ung": 0.2}

# Deadline extensions (*gia hạn*): why a unit asks for more time, and what the IOC answers.
EXTENSION_REASONS = [
    (5, "Cần phối hợp khảo sát hiện trường với UBND xã, phường trước khi đề xuất phương án khắc phục."),
    (7, "Phải chờ nhà thầu cung cấp vật tư thay thế; dự kiến hoàn thành trong tuần tới."),
    (10, "Nội dung liên quan đến nhiều đơn vị, cần tổ chức họp liên ngành để thống nhất phương án xử lý."),
    (3, "Chờ kết quả đo đạc, kiểm định của đơn vị tư vấn độc lập."),
    (5, "Thời tiết mưa kéo dài, chưa thể thi công sửa chữa ngoài hiện trường."),
    (15, "Cần bố trí kinh phí sửa chữa, đã trình UBND tỉnh xem xét."),
    (4, "Cần xác minh thêm hồ sơ đất đai, cấp phép xây dựng của hộ gia đình liên quan."),
]
EXTENSION_APPROVALS = ["Đồng ý gia hạn; đề nghị đơn vị báo cáo tiến độ khi có kết quả khảo sát.",
                       "Đồng ý. Đơn vị cập nhật kết quả xử lý lên hệ thống đúng thời hạn mới.", ""]
EXTENSION_REFUSALS = ["Nội dung đơn giản, không cần phối hợp liên ngành; đề nghị đơn vị xử lý trong thời hạn quy định.",
                      "Lý do chưa thuyết phục; đề nghị đơn vị trả lời tạm thời cho người dân và báo cáo khó khăn.",
                      "Đơn vị đã được gia hạn một lần; đề nghị hoàn thành trong thời hạn đã gia hạn."]
