"""Places and names for a generated country other than the default (England-like) one.

`generate_country` makes an England-like country; `localise(country, code)` gives it another
country's places and names while keeping everything else (intake, outcomes, true effects) as it
was, so the planted truth and the statistics do not depend on the country chosen. For Egypt
("eg"): the nine generated regions become nine governorates, each authority an educational
administration (إدارة … التعليمية) named after its largest town, towns get the names of towns of
their own governorate,
schools Arabic names by phase (مدرسة … الابتدائية / الإعدادية / الثانوية), teachers Arabic names,
and the coordinates move into the governorates. For Wales ("wls", engine/places_wales.py): nine
areas of Wales, towns with their Welsh names, schools named in Welsh by phase (Ysgol Gynradd …,
Ysgol Uwchradd …), teachers Welsh names. Pure numpy: no Django.
"""

from dataclasses import dataclass, replace

import numpy as np

from kindred.engine.generate import REGIONS, Country
from kindred.engine.places_wales import (
    WALES_FIRST_NAMES,
    WALES_LAST_NAMES,
    WALES_PHASE_PATTERNS,
    WALES_REGIONS,
    WALES_SCHOOL_NAMES,
    WALES_TOWNS,
)

# (name, latitude, longitude) of nine governorates, in the order of generate.REGIONS.
EGYPT_GOVERNORATES = (
    ("الإسكندرية", 31.20, 29.92),
    ("البحيرة", 30.85, 30.35),
    ("الدقهلية", 31.04, 31.38),
    ("الغربية", 30.80, 31.00),
    ("الشرقية", 30.60, 31.50),
    ("القليوبية", 30.30, 31.25),
    ("القاهرة", 30.05, 31.25),
    ("الجيزة", 29.95, 31.05),
    ("أسيوط", 27.18, 31.18),
)
# The towns and districts (markaz, qism) of each governorate above, in the same order: a generated
# town takes a name from its own governorate's list, so a school, its town and its educational
# administration (named after its main town) are in the same governorate.
EGYPT_TOWNS = (
    # الإسكندرية
    (
        "المنتزه",
        "سيدي جابر",
        "محرم بك",
        "الرمل",
        "العامرية",
        "برج العرب",
        "الجمرك",
        "العطارين",
        "الدخيلة",
        "كرموز",
        "المنشية",
        "اللبان",
    ),
    # البحيرة
    (
        "دمنهور",
        "كفر الدوار",
        "رشيد",
        "إدكو",
        "كوم حمادة",
        "إيتاي البارود",
        "أبو حمص",
        "أبو المطامير",
        "المحمودية",
        "حوش عيسى",
        "الدلنجات",
        "شبراخيت",
    ),
    # الدقهلية
    (
        "المنصورة",
        "ميت غمر",
        "طلخا",
        "أجا",
        "السنبلاوين",
        "بلقاس",
        "شربين",
        "دكرنس",
        "منية النصر",
        "المنزلة",
        "تمي الأمديد",
        "الجمالية",
    ),
    # الغربية
    ("طنطا", "المحلة الكبرى", "زفتى", "السنطة", "كفر الزيات", "بسيون", "سمنود", "قطور"),
    # الشرقية
    (
        "الزقازيق",
        "بلبيس",
        "منيا القمح",
        "فاقوس",
        "أبو كبير",
        "ههيا",
        "العاشر من رمضان",
        "أبو حماد",
        "ديرب نجم",
        "كفر صقر",
        "الحسينية",
        "مشتول السوق",
    ),
    # القليوبية
    (
        "بنها",
        "قليوب",
        "شبرا الخيمة",
        "الخانكة",
        "طوخ",
        "كفر شكر",
        "القناطر الخيرية",
        "شبين القناطر",
        "الخصوص",
        "العبور",
    ),
    # القاهرة
    (
        "حلوان",
        "المعادي",
        "مدينة نصر",
        "مصر الجديدة",
        "شبرا",
        "الزيتون",
        "عين شمس",
        "المطرية",
        "السيدة زينب",
        "الزمالك",
        "المرج",
        "النزهة",
    ),
    # الجيزة
    (
        "إمبابة",
        "الدقي",
        "العمرانية",
        "الهرم",
        "أوسيم",
        "كرداسة",
        "البدرشين",
        "العياط",
        "الصف",
        "أطفيح",
        "الحوامدية",
        "بولاق الدكرور",
    ),
    # أسيوط
    (
        "أسيوط",
        "منفلوط",
        "ديروط",
        "القوصية",
        "أبنوب",
        "أبو تيج",
        "ساحل سليم",
        "البداري",
        "الفتح",
        "صدفا",
        "الغنايم",
        "منقباد",
    ),
)
EGYPT_SCHOOL_NAMES = (
    "الأمل",
    "النور",
    "طه حسين",
    "أحمد شوقي",
    "مصطفى كامل",
    "سعد زغلول",
    "السلام",
    "الحرية",
    "النيل",
    "الفتح",
    "عمر بن الخطاب",
    "الزهراء",
    "التحرير",
    "الجيل الجديد",
    "رفاعة الطهطاوي",
    "قاسم أمين",
    "الفردوس",
    "المستقبل",
    "الشهيد أحمد حمدي",
    "جمال عبد الناصر",
    "الإمام محمد عبده",
    "نجيب محفوظ",
    "أم كلثوم",
    "الشيماء",
    "خالد بن الوليد",
    "صلاح الدين",
    "العروبة",
    "الوحدة",
    "الرواد",
    "الإيمان",
    "المنار",
    "الهدى",
    "الأندلس",
    "عائشة أم المؤمنين",
    "هدى شعراوي",
    "السادات",
    "أكتوبر",
    "الثورة",
)
EGYPT_PHASE_PATTERNS = {
    "nursery": "روضة {}",
    "primary": "مدرسة {} الابتدائية",
    "middle": "مدرسة {} الإعدادية",
    "secondary": "مدرسة {} الثانوية",
    "all_through": "مجمع مدارس {}",
    "post16": "مدرسة {} الثانوية الفنية",
    "special": "مدرسة {} للتربية الخاصة",
    "alternative": "مركز {} التعليمي",
}
EGYPT_FIRST_NAMES = (
    "محمد",
    "أحمد",
    "محمود",
    "مصطفى",
    "علي",
    "حسن",
    "عمر",
    "يوسف",
    "إبراهيم",
    "خالد",
    "طارق",
    "هشام",
    "فاطمة",
    "مريم",
    "نور",
    "سارة",
    "هدى",
    "آية",
    "منى",
    "رحاب",
    "إيمان",
    "دينا",
    "ياسمين",
    "شيماء",
)
EGYPT_LAST_NAMES = (
    "عبد الله",
    "السيد",
    "حسين",
    "إبراهيم",
    "عبد الرحمن",
    "محمود",
    "سليمان",
    "الشافعي",
    "المصري",
    "عثمان",
    "النجار",
    "الشريف",
    "فرج",
    "منصور",
    "عبد العزيز",
    "رمضان",
    "يونس",
    "الخولي",
)
# How far schools sit from their governorate's centre, relative to the generated region's spread.
_SPREAD = 0.25


def localise(country: Country, code: str, *, seed: int = 0) -> Country:
    """`country` with the places and names of country `code` ("eng" returns it unchanged)."""
    if code in ("eng", ""):
        return country
    if code == "eg":
        return _localised(country, EGYPT, np.random.default_rng([seed & 0xFFFFFFFF, 0xE6]))
    if code == "wls":
        return _localised(country, WALES, np.random.default_rng([seed & 0xFFFFFFFF, 0xC7]))
    raise ValueError(f"No generated places for country {code!r}; there are: eg, eng, wls.")


@dataclass(frozen=True)
class PlaceWords:
    """A country's places and names, for `localise`: nine regions (in the order of generate.REGIONS)
    with their towns, how an authority, a school of each phase and a teacher are named."""

    code: str
    regions: tuple[tuple[str, float, float], ...]  # (name, latitude, longitude)
    towns: tuple[tuple[str, ...], ...]  # the towns of each region, in the same order
    authority: str  # {} is the authority's main town
    school_names: tuple[str, ...]
    phase_patterns: dict[str, str]  # {} is the school's name (or its town's)
    school: str  # the pattern of a phase not listed
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


EGYPT = PlaceWords(
    code="eg",
    regions=EGYPT_GOVERNORATES,
    towns=EGYPT_TOWNS,
    authority="إدارة {} التعليمية",
    school_names=EGYPT_SCHOOL_NAMES,
    phase_patterns=EGYPT_PHASE_PATTERNS,
    school="مدرسة {}",
    first_names=EGYPT_FIRST_NAMES,
    last_names=EGYPT_LAST_NAMES,
)
WALES = PlaceWords(
    code="wls",
    regions=WALES_REGIONS,
    towns=WALES_TOWNS,
    authority="Cyngor {}",
    school_names=WALES_SCHOOL_NAMES,
    phase_patterns=WALES_PHASE_PATTERNS,
    school="Ysgol {}",
    first_names=WALES_FIRST_NAMES,
    last_names=WALES_LAST_NAMES,
)


def _localised(country: Country, words: PlaceWords, rng: np.random.Generator) -> Country:
    region_index = {r[0]: i for i, r in enumerate(REGIONS)}
    regions = [(rc, words.regions[region_index[rc]][0]) for rc, _name in country.regions]
    # Towns: each distinct generated town gets a name of its own region's towns (numbered once
    # the region's list runs out), so no town lies in another region's area.
    r = np.array([region_index[rc] for rc in country.region])
    town = np.empty(country.n_schools, dtype=object)
    for index in np.unique(r):
        in_region = r == index
        old_towns, town_of_school = np.unique(country.town[in_region], return_inverse=True)
        own = words.towns[index]
        order = rng.permutation(len(old_towns))
        town_names = np.array(
            [own[k % len(own)] + ("" if k < len(own) else f" {k // len(own) + 1}") for k in order],
            dtype=object,
        )
        town[in_region] = town_names[town_of_school]
    # Authorities: named after their largest town.
    authorities = []
    for code, _name, region_code in country.authorities:
        in_authority = country.local_authority == code
        towns, counts = np.unique(town[in_authority], return_counts=True)
        main = towns[np.argmax(counts)] if len(towns) else code
        authorities.append((code, words.authority.format(main), region_code))
    # Schools: a name by phase; coordinates moved into the region, keeping the layout.
    names = np.array(words.school_names, dtype=object)[
        rng.integers(len(words.school_names), size=country.n_schools)
    ]
    use_town = rng.random(country.n_schools) < 0.3
    names = np.where(use_town, town, names)
    name = np.array(
        [
            words.phase_patterns.get(p, words.school).format(n)
            for p, n in zip(country.phase, names, strict=True)
        ],
        dtype=object,
    )
    name = _numbered_if_repeated(name)
    old_lat = np.array([REGIONS[i][3] for i in r])
    old_lon = np.array([REGIONS[i][4] for i in r])
    new_lat = np.array([words.regions[i][1] for i in r])
    new_lon = np.array([words.regions[i][2] for i in r])
    latitude = new_lat + (country.latitude - old_lat) * _SPREAD
    longitude = new_lon + (country.longitude - old_lon) * _SPREAD
    n_teachers = len(country.teacher_first_name)
    first_names = np.array(words.first_names, dtype=object)
    last_names = np.array(words.last_names, dtype=object)
    first = first_names[rng.integers(len(first_names), size=n_teachers)]
    last = last_names[rng.integers(len(last_names), size=n_teachers)]
    return replace(
        country,
        places=words.code,
        name=name,
        town=town,
        latitude=latitude,
        longitude=longitude,
        authorities=authorities,
        regions=regions,
        teacher_first_name=first,
        teacher_last_name=last,
    )


def _numbered_if_repeated(names: np.ndarray) -> np.ndarray:
    """Repeated names get a number (مدرسة النور الابتدائية 2), as schools in one country are told apart."""
    seen: dict[str, int] = {}
    out = names.copy()
    for i, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            out[i] = f"{name} {seen[name]}"
    return out
