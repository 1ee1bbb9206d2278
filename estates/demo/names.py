"""Chinese names, mobile numbers and valid ID numbers, generated from one seed."""

import random
from datetime import date, timedelta

from ..validators import id_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = [1 / (rank + 6) for rank in range(len(SURNAMES))]
GIVEN = {
    # (male, born before 1980): given names typical of the generation
    (True, True): "建国 建华 国强 志强 志明 国平 永刚 立新 德明 建军 卫东 海涛 伟 强 军 勇 斌 辉 "
    "明 平 刚 华 林 文 建平 振华 荣华 国庆 小龙 红兵",
    (True, False): "浩 杰 磊 涛 超 鹏 宇 洋 俊 晨 子轩 浩然 宇轩 俊杰 子豪 博文 一鸣 晓东 鹏飞 "
    "文博 家豪 天宇 梓豪 思远 嘉懿 奕辰 皓轩 明哲 逸飞 振宇",
    (False, True): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 丽华 红梅 美玲 春燕 海燕 凤英 玉珍 建英 "
    "芳 丽 敏 静 艳 娟 霞 萍 红 玲 慧 琴 燕 兰 梅 英",
    (False, False): "婷婷 雪梅 慧敏 思琪 欣怡 梓涵 雨桐 晓燕 佳怡 诗涵 若曦 可馨 一诺 语嫣 "
    "文静 梦瑶 佳琪 雅婷 娜 颖 倩 丹 洁 琳 悦 璐 晶 瑶 菲 蕾",
}
GIVEN = {key: tuple(names.split()) for key, names in GIVEN.items()}
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "191", "195", "198", "199",
)  # fmt: skip
# Where the ID numbers were issued: mostly Hangzhou, then Zhejiang, then elsewhere.
REGIONS = (
    (("330102", "330105", "330106", "330108", "330109", "330110", "330111"), 55),
    (("330203", "330302", "330402", "330502", "330602", "330702", "331002"), 20),
    (("320102", "340104", "360102", "410105", "430103", "510107", "110105", "310115"), 25),
)


class Faker:
    """Chinese names, unique mobile numbers and valid unique ID numbers from one seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mobiles: set[str] = set()
        self.id_numbers: set[str] = set()

    def name(self, *, male: bool, born: int, surname: str | None = None) -> str:
        surname = surname or self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        return surname + self.rng.choice(GIVEN[(male, born < 1980)])

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def birthday(self, first_year: int, last_year: int) -> date:
        start, end = date(first_year, 1, 1), date(last_year, 12, 31)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def id_number(self, *, male: bool, born: date) -> str:
        regions = self.rng.choices([r for r, _ in REGIONS], [w for _, w in REGIONS])[0]
        region = self.rng.choice(regions)
        while True:
            sequence = self.rng.randrange(100) * 10 + self.rng.randrange(male, 10, 2)
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))
