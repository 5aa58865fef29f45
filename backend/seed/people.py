"""Synthetic people: Chinese names, addresses, valid ID numbers, mobile numbers.

The backend imports none of the kiosk's packages, so the ID check digit (GB 11643, ISO 7064
MOD 11-2) is computed here too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文辉志强丽华玉兰海燕"
    "子涵浩宇欣怡梓轩雨桐思远佳琪俊杰晓东春梅国庆红梅建平德明淑珍"
)

# (region code, city, province, district/street templates)
REGIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("110105", "北京", "北京", ("朝阳区望京街", "朝阳区建国路", "朝阳区劲松路")),
    ("110108", "北京", "北京", ("海淀区学院路", "海淀区知春路", "海淀区中关村大街")),
    ("310115", "上海", "上海", ("浦东新区世纪大道", "浦东新区张杨路", "浦东新区锦绣路")),
    ("440305", "深圳", "广东", ("南山区科技园路", "南山区南海大道", "南山区蛇口路")),
    ("440106", "广州", "广东", ("天河区天河路", "天河区体育西路", "天河区黄埔大道")),
    ("510107", "成都", "四川", ("武侯区人民南路", "武侯区科华北路", "武侯区玉林路")),
    ("330106", "杭州", "浙江", ("西湖区文三路", "西湖区教工路", "西湖区天目山路")),
    ("420106", "武汉", "湖北", ("武昌区中南路", "武昌区中北路", "武昌区徐东大街")),
)

CITY_OF_REGION_PREFIX: dict[str, str] = {
    "11": "北京",
    "31": "上海",
    "44": "深圳",
    "51": "成都",
    "65": "乌鲁木齐",
    "81": "深圳",
}

PROVINCE_OF_CITY: dict[str, str] = {
    "北京": "北京",
    "上海": "上海",
    "深圳": "广东",
    "广州": "广东",
    "东莞": "广东",
    "成都": "四川",
    "绵阳": "四川",
    "杭州": "浙江",
    "武汉": "湖北",
    "乌鲁木齐": "新疆",
    "喀什": "新疆",
    "西安": "陕西",
    "三亚": "海南",
}

# Prefixes of China Mobile numbers (网内) and of other operators (网间).
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "198",
)
OTHER_PREFIXES = ("130", "131", "132", "155", "156", "186", "133", "153", "189", "199")


def check_digit(first17: str) -> str:
    """The 18th character of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True for 17 digits + the right check character (used on seed input)."""
    value = value.upper()
    return len(value) == 18 and value[:17].isdigit() and check_digit(value[:17]) == value[17]


@dataclass(frozen=True)
class Person:
    """A synthetic customer."""

    name: str
    id_number: str
    address: str
    city: str


def random_person(rng: random.Random) -> Person:
    """A random adult with a valid ID number and an address in one of the demo cities."""
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    region, city, _province, streets = rng.choice(REGIONS)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    sequence = rng.randrange(0, 1000)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    address = (
        f"{_city_prefix(city)}{rng.choice(streets)}{rng.randrange(1, 300)}号"
        f"{rng.randrange(1, 20)}号楼{rng.randrange(1, 30)}{rng.randrange(1, 5):02d}"
    )
    return Person(name=name, id_number=body + check_digit(body), address=address, city=city)


def _city_prefix(city: str) -> str:
    province = PROVINCE_OF_CITY.get(city, city)
    return f"{city}市" if province == city else f"{province}省{city}市"


def random_mobile(rng: random.Random, *, own_network: bool = True) -> str:
    """An 11-digit mobile number (China Mobile prefixes unless ``own_network`` is False)."""
    prefix = rng.choice(MOBILE_PREFIXES if own_network else OTHER_PREFIXES)
    return prefix + f"{rng.randrange(0, 10**8):08d}"


def city_of_id(id_number: str, address: str) -> str:
    """Home city for a card holder: from the address when it names one, else the ID region."""
    for city in PROVINCE_OF_CITY:
        if city in address[:8]:
            return city
    return CITY_OF_REGION_PREFIX.get(id_number[:2], "北京")
