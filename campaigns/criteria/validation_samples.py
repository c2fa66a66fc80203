"""A small valid set and the broken copies of it that `set_problems` must catch, for every test that checks
a set (the loader, the upload page, the forms). Imported by campaigns.criteria.validation too.

BROKEN_VARIANTS: (id, make, message): `make(VALID_SAMPLE)` returns a broken deep copy; `message` is a part of
the Vietnamese message it gives. BROKEN_PATHS: the same ids → the `path` of that problem.

The mistakes it knows, with the broken files that prove each one (`validation_samples.BROKEN_VARIANTS`,
the same ids in the same order) and the Vietnamese message each gives:

| id | what | message (vi, part) |
|---|---|---|
| yaml_syntax | a YAML syntax error (parse_yaml, BROKEN_YAML_SYNTAX) | tệp không đúng cú pháp YAML |
| not_a_mapping | the file holds a list, not one set | tệp phải chứa một bộ tiêu chí |
| threshold_not_number | a threshold in words | ngưỡng “chín mươi” không phải là số |
| criterion_number_duplicate | two criteria with one number | số tiêu chí “1” bị trùng |
| zone_unknown | a zone that is not a Ward.Zone | không có vùng “nui_cao” |
| zone_threshold_not_number | a zone threshold in words | ngưỡng “năm” không phải là số |
| key_unknown_indicator | `treshold` for `threshold` | có phải ý bạn là “threshold”? |
| key_unknown_criterion | `rules` for `rule` | có phải ý bạn là “rule”? |
| key_unknown_set | `efective_from` at the top | có phải ý bạn là “effective_from”? |
| key_unknown_document | `issued_by` in the document | khóa “issued_by” không có trong mẫu |
| percent_out_of_range | a percent threshold of 900 | nằm ngoài 0–100 |
| zone_percent_out_of_range | a percent zone threshold of 150 | nằm ngoài 0–100 |
| unit_kinds_unknown | a ward kind on a neighbourhood set | không có loại đơn vị “phuong” |
| indicator_code_duplicate | one indicator code in two criteria | mã chỉ tiêu “1.1” bị trùng |
| min_points_unreachable | min_points above the indicators' max_points | không thể đạt được |
| criterion_without_indicators | a criterion with an empty indicators list | tiêu chí không có chỉ tiêu nào |
| replaces_unknown | `replaces` naming no set | không có bộ tiêu chí nào mang mã |
| points_without_max_points | a points criterion's indicator without max_points | cần max_points |
| missing_code | no `code` | thiếu khóa “code” |
| missing_name | no `name` | thiếu khóa “name” |
| missing_level | no `level` | thiếu khóa “level” |
| missing_effective_from | no `effective_from` | thiếu khóa “effective_from” |
| missing_document | no `document` | thiếu khóa “document” |
| missing_document_number | no `document.number` | thiếu khóa “number” |
| missing_criteria | no `criteria` | thiếu khóa “criteria” |
| missing_criterion_number | a criterion without `number` | thiếu khóa “number” |
| missing_criterion_name | a criterion without `name` | thiếu khóa “name” |
| missing_indicator_code | an indicator without `code` | thiếu khóa “code” |
| missing_indicator_name | an indicator without `name` | thiếu khóa “name” |
| missing_indicator_kind | an indicator without `kind` | thiếu khóa “kind” |
| level_invalid | level `province` | “province” không phải là |
| kind_invalid | kind `ratio` | “ratio” không phải là |
| comparator_invalid | comparator `=>` | có phải ý bạn là “>=”? |
| rule_invalid | rule `most` | “most” không phải là |
| frequency_invalid | frequency `weekly` | “weekly” không phải là |
| source_invalid | source `poverty` | “poverty” không phải là |
| bounded_by_invalid | bounded_by `rooms` | “rooms” không phải là |
| k_missing | k_of_n without k | cần k là số nguyên từ 1 đến |
| k_out_of_range | k above the number of indicators | cần k là số nguyên từ 1 đến |
| k_not_whole | k written "2" | cần k là số nguyên từ 1 đến |
| k_without_k_of_n | k on a criterion whose rule is all | k chỉ dùng với rule: k_of_n |
| min_points_missing | points without min_points | cần min_points |
| min_points_without_points | min_points on a rule-all criterion | min_points chỉ dùng với rule: points |
| effective_to_not_after | effective_to on or before effective_from | không sau ngày có hiệu lực |
| date_invalid | effective_from "30/01/2024" | không phải là ngày |
| document_date_invalid | document.date "hôm qua" | không phải là ngày |
| count_threshold_negative | a count threshold of -1 | là số âm |
| amount_threshold_negative | an amount threshold of -5 | là số âm |
| count_threshold_not_whole | a count threshold of 1.5 | không phải là số nguyên |
| boolean_threshold | a yes/no threshold of 2 | chỉ là 1 (đạt khi Có) hoặc 0 |
| text_threshold | a text indicator with a threshold | không so với ngưỡng |
| extends_unknown | `extends` naming no set | không có bộ tiêu chí nào mang mã |
| code_not_slug | code "Thôn kiểu mẫu" | không phải là mã hợp lệ |
| version_not_positive | version 0 | không phải là số phiên bản |
| short_too_long | a 41-character `short` | chỉ được tối đa 40 |
| no_criteria | an empty criteria list | chưa có tiêu chí nào |
| criteria_not_list | criteria as a mapping | phải là một danh sách |
| indicator_not_mapping | an indicator written as text | phải là một bảng khóa: giá trị |
| name_not_text | a name that is a list | phải là chữ |
| code_read_as_number | indicator code 1.1 unquoted | được đọc thành số |
| example_not_boolean | example "có" | hãy ghi true hoặc false |
| zones_not_mapping | zones as a list | phải là một bảng khóa: giá trị |
| source_needs_percent | a profile rate of kind count | hãy ghi kind: percent |
| max_points_negative | max_points -1 | là số âm |
| threshold_too_large | a threshold of 10^15 | quá lớn |

`extends_other_level` (a set of another level) needs a set in the database: its test makes one.
"""

import copy
from datetime import date

VALID_SAMPLE: dict = {
    "code": "pho-thon-kieu-mau-thu",
    "version": 1,
    "name": "Phố, thôn kiểu mẫu (bộ thử)",
    "level": "neighbourhood",
    "unit_kinds": ["pho", "thon"],
    "document": {"number": "09/2019/QĐ-UBND", "date": date(2019, 3, 1), "issuer": "UBND tỉnh Thanh Hóa"},
    "effective_from": date(2019, 3, 15),
    "source": "Bộ thử cho các kiểm tra.",
    "criteria": [
        {
            "number": "1",
            "name": "Kinh tế phát triển, đời sống ổn định",
            "short": "Kinh tế",
            "rule": "all",
            "indicators": [
                {
                    "code": "1.1",
                    "name": "Tỷ lệ hộ nghèo",
                    "kind": "percent",
                    "unit": "% hộ",
                    "comparator": "<=",
                    "threshold": 1.5,
                    "zones": {"mien_nui": 5},
                    "source": "poor_rate",
                    "frequency": "yearly",
                    "example": True,
                },
                {
                    "code": "1.2",
                    "name": "Thu nhập bình quân đầu người",
                    "kind": "amount",
                    "unit": "triệu đồng/người/năm",
                    "comparator": ">=",
                    "threshold": 60,
                    "frequency": "yearly",
                },
            ],
        },
        {
            "number": "2",
            "name": "An ninh, trật tự được giữ vững",
            "short": "An ninh",
            "rule": "k_of_n",
            "k": 2,
            "indicators": [
                {"code": "2.1", "name": "Không có tội phạm nghiêm trọng", "kind": "boolean"},
                {
                    "code": "2.2",
                    "name": "Số vụ vi phạm trật tự công cộng",
                    "kind": "count",
                    "unit": "vụ",
                    "comparator": "<=",
                    "threshold": 2,
                },
                {"code": "2.3", "name": "Có tổ tự quản hoạt động", "kind": "boolean"},
            ],
        },
        {
            "number": "3",
            "name": "Môi trường xanh, sạch, đẹp",
            "short": "Môi trường",
            "rule": "points",
            "min_points": 15,
            "indicators": [
                {"code": "3.1", "name": "Thu gom rác đúng giờ", "kind": "boolean", "max_points": 10},
                {
                    "code": "3.2",
                    "name": "Điểm chấm vệ sinh đường phố",
                    "kind": "points",
                    "comparator": ">=",
                    "threshold": 5,
                    "max_points": 10,
                },
            ],
        },
    ],
}

BROKEN_YAML_SYNTAX = """\
code: thu-loi-cu-phap
name: "Bộ lỗi cú pháp"
level: neighbourhood
criteria:
  - number: "1"
    name: "Kinh tế"
    indicators:
      - {code: "1.1", name: "Tỷ lệ", kind: percent, threshold: 90
"""
# Where BROKEN_YAML_SYNTAX fails: "Dòng 9, cột 1" (the mapping opened on line 8 never closes).


def _broken(mutate, returns: bool = False):
    """make(valid): `mutate` applied to a deep copy; the copy, or what `mutate` returns when `returns`."""

    def make(valid: dict):
        data = copy.deepcopy(valid)
        result = mutate(data)
        return result if returns else data

    return make


def _c(data, c):
    return data["criteria"][c]


def _i(data, c, i):
    return data["criteria"][c]["indicators"][i]


def _rename(node: dict, old: str, new: str):
    node[new] = node.pop(old)


def _set(node_of, key, value):
    return _broken(lambda d: node_of(d).__setitem__(key, value))


def _drop(node_of, key):
    return _broken(lambda d: node_of(d).pop(key))


def _top(d):
    return d


def _doc(d):
    return d["document"]


def _at(c, i=None):
    return (lambda d: _c(d, c)) if i is None else (lambda d: _i(d, c, i))


BROKEN_VARIANTS: list[tuple] = [
    ("not_a_mapping", _broken(lambda d: [d], returns=True), "tệp phải chứa một bộ tiêu chí"),
    ("threshold_not_number", _set(_at(0, 0), "threshold", "chín mươi"), "ngưỡng “chín mươi” không phải là số"),
    ("criterion_number_duplicate", _set(_at(1), "number", "1"), "số tiêu chí “1” bị trùng"),
    ("zone_unknown", _set(_at(0, 0), "zones", {"nui_cao": 5}), "không có vùng “nui_cao”"),
    ("zone_threshold_not_number", _set(_at(0, 0), "zones", {"mien_nui": "năm"}), "ngưỡng “năm” không phải là số"),
    (
        "key_unknown_indicator",
        _broken(lambda d: _rename(_i(d, 0, 0), "threshold", "treshold")),
        "khóa “treshold” không có trong mẫu tiêu chí; có phải ý bạn là “threshold”?",
    ),
    ("key_unknown_criterion", _set(_at(0), "rules", "all"), "có phải ý bạn là “rule”?"),
    (
        "key_unknown_set",
        _broken(lambda d: _rename(d, "effective_from", "efective_from")),
        "có phải ý bạn là “effective_from”?",
    ),
    ("key_unknown_document", _set(_doc, "issued_by", "UBND"), "khóa “issued_by” không có trong mẫu tiêu chí"),
    ("percent_out_of_range", _set(_at(0, 0), "threshold", 900), "ngưỡng 900 là tỷ lệ phần trăm nằm ngoài 0–100"),
    (
        "zone_percent_out_of_range",
        _set(_at(0, 0), "zones", {"mien_nui": 150}),
        "ngưỡng 150 là tỷ lệ phần trăm nằm ngoài 0–100",
    ),
    ("unit_kinds_unknown", _set(_top, "unit_kinds", ["phuong"]), "không có loại đơn vị “phuong”"),
    ("indicator_code_duplicate", _set(_at(1, 0), "code", "1.1"), "mã chỉ tiêu “1.1” bị trùng"),
    ("min_points_unreachable", _set(_at(2), "min_points", 50), "min_points 50 không thể đạt được"),
    ("criterion_without_indicators", _set(_at(0), "indicators", []), "tiêu chí không có chỉ tiêu nào"),
    ("replaces_unknown", _set(_top, "replaces", "khong-co"), "không có bộ tiêu chí nào mang mã “khong-co”"),
    ("points_without_max_points", _drop(_at(2, 0), "max_points"), "chỉ tiêu này cần max_points"),
    ("missing_code", _drop(_top, "code"), "thiếu khóa “code”"),
    ("missing_name", _drop(_top, "name"), "thiếu khóa “name”"),
    ("missing_level", _drop(_top, "level"), "thiếu khóa “level”"),
    ("missing_effective_from", _drop(_top, "effective_from"), "thiếu khóa “effective_from”"),
    ("missing_document", _drop(_top, "document"), "thiếu khóa “document”"),
    ("missing_document_number", _drop(_doc, "number"), "thiếu khóa “number”"),
    ("missing_criteria", _drop(_top, "criteria"), "thiếu khóa “criteria”"),
    ("missing_criterion_number", _drop(_at(1), "number"), "thiếu khóa “number”"),
    ("missing_criterion_name", _drop(_at(1), "name"), "thiếu khóa “name”"),
    ("missing_indicator_code", _drop(_at(0, 1), "code"), "thiếu khóa “code”"),
    ("missing_indicator_name", _drop(_at(0, 1), "name"), "thiếu khóa “name”"),
    ("missing_indicator_kind", _drop(_at(0, 1), "kind"), "thiếu khóa “kind”"),
    ("level_invalid", _set(_top, "level", "province"), "“province” không phải là cấp áp dụng hợp lệ"),
    ("kind_invalid", _set(_at(0, 1), "kind", "ratio"), "“ratio” không phải là loại hợp lệ"),
    ("comparator_invalid", _set(_at(0, 0), "comparator", "=>"), "có phải ý bạn là “>=”?"),
    ("rule_invalid", _set(_at(0), "rule", "most"), "“most” không phải là điều kiện đạt hợp lệ"),
    ("frequency_invalid", _set(_at(0, 0), "frequency", "weekly"), "“weekly” không phải là tần suất hợp lệ"),
    ("source_invalid", _set(_at(0, 0), "source", "poverty"), "“poverty” không phải là tính từ hợp lệ"),
    ("bounded_by_invalid", _set(_at(1, 1), "bounded_by", "rooms"), "“rooms” không phải là giới hạn theo hồ sơ năm"),
    ("k_missing", _drop(_at(1), "k"), "quy tắc “k_of_n” cần k là số nguyên từ 1 đến 3"),
    ("k_out_of_range", _set(_at(1), "k", 4), "quy tắc “k_of_n” cần k là số nguyên từ 1 đến 3"),
    ("k_not_whole", _set(_at(1), "k", "2"), "quy tắc “k_of_n” cần k là số nguyên từ 1 đến 3"),
    ("k_without_k_of_n", _set(_at(0), "k", 1), "k chỉ dùng với rule: k_of_n"),
    ("min_points_missing", _drop(_at(2), "min_points"), "quy tắc “points” cần min_points"),
    ("min_points_without_points", _set(_at(0), "min_points", 5), "min_points chỉ dùng với rule: points"),
    (
        "effective_to_not_after",
        _set(_top, "effective_to", date(2019, 3, 15)),
        "ngày hết hiệu lực 15/03/2019 không sau ngày có hiệu lực 15/03/2019",
    ),
    ("date_invalid", _set(_top, "effective_from", "30/01/2024"), "“30/01/2024” không phải là ngày"),
    ("document_date_invalid", _set(_doc, "date", "hôm qua"), "“hôm qua” không phải là ngày"),
    ("count_threshold_negative", _set(_at(1, 1), "threshold", -1), "ngưỡng -1 là số âm"),
    ("amount_threshold_negative", _set(_at(0, 1), "threshold", -5), "ngưỡng -5 là số âm"),
    ("count_threshold_not_whole", _set(_at(1, 1), "threshold", 1.5), "ngưỡng 1.5 không phải là số nguyên"),
    ("boolean_threshold", _set(_at(1, 0), "threshold", 2), "chỉ là 1 (đạt khi Có) hoặc 0 (đạt khi Không)"),
    (
        "text_threshold",
        _broken(lambda d: _i(d, 1, 2).update(kind="text", threshold=1)),
        "không so với ngưỡng",
    ),
    ("extends_unknown", _set(_top, "extends", "khung-khong-co"), "không có bộ tiêu chí nào mang mã “khung-khong-co”"),
    ("code_not_slug", _set(_top, "code", "Thôn kiểu mẫu"), "“Thôn kiểu mẫu” không phải là mã hợp lệ"),
    ("version_not_positive", _set(_top, "version", 0), "“0” không phải là số phiên bản"),
    ("short_too_long", _set(_at(0), "short", "Kinh tế " * 5 + "x"), "dài 41 ký tự, chỉ được tối đa 40"),
    ("no_criteria", _set(_top, "criteria", []), "bộ tiêu chí chưa có tiêu chí nào"),
    ("criteria_not_list", _set(_top, "criteria", {"1": "Kinh tế"}), "phải là một danh sách"),
    (
        "indicator_not_mapping",
        _broken(lambda d: _c(d, 0)["indicators"].__setitem__(1, "Thu nhập")),
        "phải là một bảng khóa: giá trị",
    ),
    ("name_not_text", _set(_top, "name", ["Phố", "thôn"]), "phải là chữ"),
    ("code_read_as_number", _set(_at(1, 0), "code", 2.1), "“2.1” được đọc thành số"),
    ("example_not_boolean", _set(_at(0, 0), "example", "có"), "hãy ghi true hoặc false, không phải “có”"),
    ("zones_not_mapping", _set(_at(0, 0), "zones", ["mien_nui", 5]), "phải là một bảng khóa: giá trị"),
    ("source_needs_percent", _set(_at(0, 1), "source", "poor_rate"), "hãy ghi kind: percent"),
    ("max_points_negative", _set(_at(2, 0), "max_points", -1), "điểm tối đa -1 là số âm"),
    ("threshold_too_large", _set(_at(0, 1), "threshold", 10**15), "quá lớn"),
]

_I00, _I01 = ("criteria", 0, "indicators", 0), ("criteria", 0, "indicators", 1)
# The `path` of the problem each variant gives (the place the test also checks in words).
BROKEN_PATHS: dict[str, tuple] = {
    "not_a_mapping": (),
    "threshold_not_number": (*_I00, "threshold"),
    "criterion_number_duplicate": ("criteria", 1, "number"),
    "zone_unknown": (*_I00, "zones", "nui_cao"),
    "zone_threshold_not_number": (*_I00, "zones", "mien_nui"),
    "key_unknown_indicator": (*_I00, "treshold"),
    "key_unknown_criterion": ("criteria", 0, "rules"),
    "key_unknown_set": ("efective_from",),
    "key_unknown_document": ("document", "issued_by"),
    "percent_out_of_range": (*_I00, "threshold"),
    "zone_percent_out_of_range": (*_I00, "zones", "mien_nui"),
    "unit_kinds_unknown": ("unit_kinds", 0),
    "indicator_code_duplicate": ("criteria", 1, "indicators", 0, "code"),
    "min_points_unreachable": ("criteria", 2, "min_points"),
    "criterion_without_indicators": ("criteria", 0, "indicators"),
    "replaces_unknown": ("replaces",),
    "points_without_max_points": ("criteria", 2, "indicators", 0, "max_points"),
    "missing_code": ("code",),
    "missing_name": ("name",),
    "missing_level": ("level",),
    "missing_effective_from": ("effective_from",),
    "missing_document": ("document",),
    "missing_document_number": ("document", "number"),
    "missing_criteria": ("criteria",),
    "missing_criterion_number": ("criteria", 1, "number"),
    "missing_criterion_name": ("criteria", 1, "name"),
    "missing_indicator_code": (*_I01, "code"),
    "missing_indicator_name": (*_I01, "name"),
    "missing_indicator_kind": (*_I01, "kind"),
    "level_invalid": ("level",),
    "kind_invalid": (*_I01, "kind"),
    "comparator_invalid": (*_I00, "comparator"),
    "rule_invalid": ("criteria", 0, "rule"),
    "frequency_invalid": (*_I00, "frequency"),
    "source_invalid": (*_I00, "source"),
    "bounded_by_invalid": ("criteria", 1, "indicators", 1, "bounded_by"),
    "k_missing": ("criteria", 1, "k"),
    "k_out_of_range": ("criteria", 1, "k"),
    "k_not_whole": ("criteria", 1, "k"),
    "k_without_k_of_n": ("criteria", 0, "k"),
    "min_points_missing": ("criteria", 2, "min_points"),
    "min_points_without_points": ("criteria", 0, "min_points"),
    "effective_to_not_after": ("effective_to",),
    "date_invalid": ("effective_from",),
    "document_date_invalid": ("document", "date"),
    "count_threshold_negative": ("criteria", 1, "indicators", 1, "threshold"),
    "amount_threshold_negative": (*_I01, "threshold"),
    "count_threshold_not_whole": ("criteria", 1, "indicators", 1, "threshold"),
    "boolean_threshold": ("criteria", 1, "indicators", 0, "threshold"),
    "text_threshold": ("criteria", 1, "indicators", 2, "threshold"),
    "extends_unknown": ("extends",),
    "code_not_slug": ("code",),
    "version_not_positive": ("version",),
    "short_too_long": ("criteria", 0, "short"),
    "no_criteria": ("criteria",),
    "criteria_not_list": ("criteria",),
    "indicator_not_mapping": (*_I01,),
    "name_not_text": ("name",),
    "code_read_as_number": ("criteria", 1, "indicators", 0, "code"),
    "example_not_boolean": (*_I00, "example"),
    "zones_not_mapping": (*_I00, "zones"),
    "source_needs_percent": (*_I01, "kind"),
    "max_points_negative": ("criteria", 2, "indicators", 0, "max_points"),
    "threshold_too_large": (*_I01, "threshold"),
}
