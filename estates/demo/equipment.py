"""The facility and equipment register of an estate, common areas included."""

from datetime import date, timedelta

from ..choices import EquipmentCategory, EquipmentStatus
from .company import EstateSpec
from .names import Faker


def _item(code, category, name, location, supplier, model, installed, warranty_years, **extra):
    return {
        "code": code,
        "category": category,
        "name": name,
        "location": location,
        "supplier": supplier,
        "model_number": model,
        "install_date": installed,
        "warranty_end": _years_later(installed, warranty_years),
        "status": extra.pop("status", EquipmentStatus.IN_SERVICE),
        **extra,
    }


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def equipment_for(spec: EstateSpec, fake: Faker) -> list[dict]:
    prefix = spec.code.upper()
    fitted = spec.completed_on - timedelta(days=45)
    items = []
    towers = [b for b in spec.buildings if b.kind == "tower"]
    for b in towers:
        no = int(b.name.rstrip("栋"))
        per_entrance = 2 if b.floors >= 18 else 1
        for e in range(b.entrances):
            for k in range(per_entrance):
                letter = "ABCD"[e * per_entrance + k]
                items.append(
                    _item(f"{prefix}-EL-{no:02d}-{letter}", EquipmentCategory.ELEVATOR,
                          f"{b.name}{e + 1}单元{k + 1}号电梯", f"{e + 1}单元电梯厅",
                          *spec.elevator_supplier, fitted, 2, building=b.name)
                )  # fmt: skip
            items.append(
                _item(f"{prefix}-AG-{no:02d}-{e + 1}", EquipmentCategory.ACCESS_GATE,
                      f"{b.name}{e + 1}单元门禁", f"{e + 1}单元大堂", "厦门立林科技有限公司",
                      "LL-V8 可视对讲", fitted, 2, building=b.name)
            )  # fmt: skip
        items.append(
            _item(f"{prefix}-PD-{no:02d}", EquipmentCategory.POWER, f"{b.name}低压配电柜",
                  f"{b.name}一层配电间", "正泰电器股份有限公司", "GGD-400", fitted, 1,
                  building=b.name)
        )  # fmt: skip
        items.append(
            _item(f"{prefix}-FI-{no:02d}", EquipmentCategory.FIRE, f"{b.name}防排烟风机",
                  f"{b.name}屋顶机房", "浙江上风高科专风实业有限公司", "HTF-I-8", fitted, 1,
                  building=b.name)
        )  # fmt: skip
    items += estate_wide_equipment(spec, prefix, fitted)
    # A couple of faults, so that the register has something to do.
    items[1]["status"] = EquipmentStatus.UNDER_REPAIR
    items[-2]["status"] = EquipmentStatus.FAULTY
    return items


def estate_wide_equipment(spec: EstateSpec, prefix: str, fitted: date) -> list[dict]:
    items = []
    for i in range(1, 5):
        items.append(
            _item(f"{prefix}-WP-{i:02d}", EquipmentCategory.WATER_PUMP, f"{i}号生活变频水泵",
                  "B1 生活水泵房", "格兰富水泵（苏州）有限公司", "CR 32-4", fitted, 1)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-WP-05", EquipmentCategory.WATER_PUMP, "集水井排污泵", "B1 车库集水井",
              "格兰富水泵（苏州）有限公司", "SEG.40.12", date(2025, 4, 18), 2)
    )  # fmt: skip
    fire = (("消防主泵", "XBD 8.0/40-125"), ("消防备用泵", "XBD 8.0/40-125"),
            ("喷淋主泵", "XBD 7.0/30-100"), ("喷淋备用泵", "XBD 7.0/30-100"))  # fmt: skip
    for i, (name, model) in enumerate(fire, start=1):
        items.append(
            _item(f"{prefix}-FI-P{i}", EquipmentCategory.FIRE, name, "B1 消防泵房",
                  "上海连成（集团）有限公司", model, fitted, 1)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-FI-CTRL", EquipmentCategory.FIRE, "火灾自动报警控制器", "消防控制室",
              "海湾安全技术有限公司", "JB-QB-GST200", fitted, 2)
    )  # fmt: skip
    items.append(
        _item(f"{prefix}-PD-HV", EquipmentCategory.POWER, "10kV 高压开关柜", "B1 变配电房",
              "施耐德电气（中国）有限公司", "PIX-12", fitted, 2)
    )  # fmt: skip
    for i in (1, 2):
        items.append(
            _item(f"{prefix}-PD-T{i}", EquipmentCategory.POWER, f"{i}号干式变压器",
                  "B1 变配电房", "特变电工股份有限公司", "SCB13-1250/10", fitted, 2)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-GE-01", EquipmentCategory.GENERATOR, "柴油发电机组", "B1 发电机房",
              "康明斯（中国）投资有限公司", "C500D5", fitted, 2)
    )  # fmt: skip
    items += security_equipment(spec, prefix)
    items += common_areas(prefix)
    return items


def common_areas(prefix: str) -> list[dict]:
    """Places with a QR label of their own (no supplier, model or warranty)."""
    places = [
        ("中心花园", "小区中部"),
        ("儿童游乐区", "中心花园东侧"),
        ("地下车库", "B1"),
        ("会所", "南门内"),
        ("垃圾分类亭", "北门内"),
    ]
    return [
        {
            "code": f"{prefix}-CA-{i:02d}",
            "category": EquipmentCategory.COMMON_AREA,
            "name": name,
            "location": location,
            "status": EquipmentStatus.IN_SERVICE,
        }
        for i, (name, location) in enumerate(places, start=1)
    ]


def security_equipment(spec: EstateSpec, prefix: str) -> list[dict]:
    """CCTV and gates, renewed in 2024 (so these are still under warranty)."""
    upgraded = date(2024, 5, 20)
    items = [
        _item(f"{prefix}-CC-NVR", EquipmentCategory.CCTV, "网络硬盘录像机", "监控中心",
              "杭州海康威视数字技术股份有限公司", "DS-9664N-I16", upgraded, 3)
    ]  # fmt: skip
    cameras = [f"{gate}岗亭" for gate in spec.gates for _ in (1, 2)] + [
        "地下车库入口", "地下车库A区", "地下车库B区", "中心花园", "儿童游乐区", "周界东侧",
        "周界西侧", "垃圾分类亭",
    ]  # fmt: skip
    for i, place in enumerate(cameras, start=1):
        items.append(
            _item(f"{prefix}-CC-{i:02d}", EquipmentCategory.CCTV, f"{place}摄像机", place,
                  "杭州海康威视数字技术股份有限公司", "DS-2CD3T47WDV3-L", upgraded, 3)
        )  # fmt: skip
    for i, gate in enumerate(spec.gates, start=1):
        items.append(
            _item(f"{prefix}-AG-G{i}V", EquipmentCategory.ACCESS_GATE, f"{gate}车辆道闸",
                  gate, "深圳市捷顺科技实业股份有限公司", "JSDZ0601", upgraded, 2)
        )  # fmt: skip
        items.append(
            _item(f"{prefix}-AG-G{i}P", EquipmentCategory.ACCESS_GATE, f"{gate}人行闸机",
                  gate, "浙江大华技术股份有限公司", "DH-ASGB810", upgraded, 2)
        )  # fmt: skip
    return items
