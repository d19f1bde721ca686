"""Country profiles: each country's own words, phases, school types, measure and domain labels,
school year and bounds (the map's, and those outside which an import refuses a school's location).

A profile is a YAML file beside this module (`eng.yaml`, `wls.yaml`, `eg.yaml`); the COUNTRY
setting picks the installation's default one, and COUNTRIES names any others it also holds (several
countries in one installation: each school and region carries its country's code, and
`profile(school.country_code)` gives its words). Every user-facing word in a profile is given per language code ("en", "cy",
"ar"); a language the profile does not give falls back to English. Templates never name a
country's levels themselves: they say {{ words.authority }} (see core/context_processors.py),
and Python calls `profile().word("authority")`. docs/countries.md describes the format.

This module knows nothing of the database: it reads configuration only, so every app may use it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

PROFILES_DIR = Path(__file__).resolve().parent
# The keys of `words` every profile must give (templates rely on them).
WORD_KEYS = ("region", "regions", "authority", "authorities", "Authority", "Region", "school_year")
SCHOOL_YEAR_STYLES = ("split", "single")

Texts = dict[str, str]  # language code -> text


def _pick(texts: Texts, language: str | None) -> str:
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    return texts.get(language) or texts["en"]


@dataclass(frozen=True)
class Bounds:
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.lat_min <= latitude <= self.lat_max and self.lon_min <= longitude <= self.lon_max

    @property
    def south_west_north_east(self) -> tuple[float, float, float, float]:
        """The bounds as imports give them: (south, west, north, east) in degrees."""
        return self.lat_min, self.lon_min, self.lat_max, self.lon_max


@dataclass(frozen=True)
class Profile:
    code: str
    name: Texts
    bounds: Bounds
    school_year_style: str
    words: dict[str, Texts]
    # The month (1-12) the school year starts in: the rota's and the calendar's "this school year".
    school_year_starts: int = 9
    phases: dict[str, Texts] = field(default_factory=dict)
    school_types: dict[str, Texts] = field(default_factory=dict)
    measures: dict[str, Texts] = field(default_factory=dict)
    domains: dict[str, Texts] = field(default_factory=dict)
    # The languages whose numbers this country writes with Eastern Arabic digits (Egypt: ["ar"]),
    # unless the EASTERN_ARABIC_DIGITS setting says otherwise (kindred/core/numerals.py).
    eastern_arabic_digits: tuple[str, ...] = ()
    # The language the country's schools write in (the demo writes its people's posts in it).
    language: str = "en"
    # The country's time zones, its main one first: the default of a new event, offered first.
    time_zones: tuple[str, ...] = ("Europe/London",)

    @property
    def time_zone(self) -> str:
        return self.time_zones[0]

    @property
    def people_language(self) -> str:
        """The `User.language` of the country's generated and demo people, so their e-mails are in the
        country's language: '' (their browser's, then the site's) where that is the site's own."""
        return "" if self.language == settings.LANGUAGE_CODE.split("-")[0] else self.language

    def word(self, key: str, language: str | None = None) -> str:
        """One of WORD_KEYS in `language` (default: the active language)."""
        return _pick(self.words[key], language or get_language())

    def words_in(self, language: str | None = None) -> dict[str, str]:
        language = language or get_language()
        return {key: _pick(texts, language) for key, texts in self.words.items()}

    def country_name(self, language: str | None = None) -> str:
        return _pick(self.name, language or get_language())

    def phase_label(self, phase: str, default: str) -> str:
        """The country's name for a School.Phase value, or `default` (the generic label)."""
        texts = self.phases.get(phase)
        return _pick(texts, get_language()) if texts else default

    def school_type_label(self, school_type: str) -> str:
        texts = self.school_types.get(school_type.strip().lower())
        return _pick(texts, get_language()) if texts else school_type

    def measure_label(self, code: str, default: str) -> str:
        texts = self.measures.get(code)
        return _pick(texts, get_language()) if texts else default

    def domain_label(self, code: str) -> str:
        """The country's name for a measure domain (MeasureDefinition.domain), else the code itself."""
        texts = self.domains.get(code)
        return _pick(texts, get_language()) if texts else code

    def framework_domain_name(self, code: str, name: str) -> str:
        """A self-evaluation framework's domain in the page's language: the framework's own name
        (frameworks are written in English) on an English page, and on a page in another language the
        profile's name for the domain's code where it gives one in that language."""
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if language == "en":
            return name
        return self.domains.get(code, {}).get(language) or name

    def school_year(self, start_year: int) -> str:
        """How the school year that starts in `start_year` is written: "2023/24" or "2024"."""
        if self.school_year_style == "single":
            return str(start_year + 1)
        return f"{start_year}/{(start_year + 1) % 100:02d}"

    def school_year_of(self, day: date) -> int:
        """The school year `day` falls in, named by the calendar year it starts in."""
        return day.year if day.month >= self.school_year_starts else day.year - 1

    def school_year_dates(self, start_year: int) -> tuple[date, date]:
        """The first and last day of the school year that starts in `start_year`."""
        first = date(start_year, self.school_year_starts, 1)
        return first, date(start_year + 1, self.school_year_starts, 1) - timedelta(days=1)


def _texts(value, where: str) -> Texts:
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict) or not isinstance(value.get("en"), str):
        raise ImproperlyConfigured(f"{where}: give the text per language, at least in English ('en').")
    return {str(k): str(v) for k, v in value.items()}


def _table(raw: dict, key: str, where: str) -> dict[str, Texts]:
    table = raw.get(key) or {}
    if not isinstance(table, dict):
        raise ImproperlyConfigured(f"{where}: '{key}' must be a mapping.")
    return {str(k): _texts(v, f"{where} {key}.{k}") for k, v in table.items()}


def profile_parse(raw: dict, *, where: str) -> Profile:
    """A Profile from a YAML document; every problem names the file and the key."""
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{where}: a profile is a mapping of keys.")
    words = _table(raw, "words", where)
    missing = [key for key in WORD_KEYS if key not in words]
    if missing:
        raise ImproperlyConfigured(f"{where}: words lacks {', '.join(missing)}.")
    style = raw.get("school_year", "split")
    if style not in SCHOOL_YEAR_STYLES:
        raise ImproperlyConfigured(f"{where}: school_year must be split or single, not {style!r}.")
    starts = raw.get("school_year_starts", 9)
    if not isinstance(starts, int) or isinstance(starts, bool) or not 1 <= starts <= 12:
        raise ImproperlyConfigured(
            f"{where}: school_year_starts must be a month number, 1 to 12, not {starts!r}."
        )
    try:
        bounds = Bounds(**{k: float(v) for k, v in raw["bounds"].items()})
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ImproperlyConfigured(
            f"{where}: bounds needs lat_min, lat_max, lon_min and lon_max as numbers."
        ) from None
    if not (bounds.lat_min < bounds.lat_max and bounds.lon_min < bounds.lon_max):
        raise ImproperlyConfigured(f"{where}: bounds' minimums must be below their maximums.")
    language = raw.get("language", "en")
    if not isinstance(language, str) or not language:
        raise ImproperlyConfigured(f"{where}: language must be a language code, not {language!r}.")
    eastern = raw.get("eastern_arabic_digits") or []
    if not isinstance(eastern, list) or not all(isinstance(code, str) for code in eastern):
        raise ImproperlyConfigured(
            f"{where}: eastern_arabic_digits must be a list of language codes, not {eastern!r}."
        )
    zones = raw.get("time_zones", [settings.TIME_ZONE])
    if isinstance(zones, str):
        zones = [zones]
    if not isinstance(zones, list) or not zones:
        raise ImproperlyConfigured(
            f"{where}: time_zones must be a list of time zone names, the main one first."
        )
    for name in zones:
        try:
            ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ImproperlyConfigured(f"{where}: time_zones: unknown time zone {name!r}.") from None
    return Profile(
        code=str(raw.get("code", "")),
        time_zones=tuple(str(name) for name in zones),
        name=_texts(raw.get("name", raw.get("code", "")), f"{where} name"),
        bounds=bounds,
        school_year_style=style,
        school_year_starts=starts,
        words=words,
        phases=_table(raw, "phases", where),
        school_types={k.lower(): v for k, v in _table(raw, "school_types", where).items()},
        measures=_table(raw, "measures", where),
        domains=_table(raw, "domains", where),
        eastern_arabic_digits=tuple(eastern),
        language=language,
    )


def terms_file(code: str) -> Path:
    """The term dates and holidays shipped for a country (`kindred terms_load`; illustrative: an
    installation loads its authorities' own)."""
    return PROFILES_DIR / "terms" / f"{code}.csv"


def available() -> list[str]:
    return sorted(path.stem for path in PROFILES_DIR.glob("*.yaml"))


@cache
def load(code: str) -> Profile:
    path = PROFILES_DIR / f"{code}.yaml"
    if not path.exists():
        raise ImproperlyConfigured(f"No country profile {code!r}; there are: {', '.join(available())}.")
    return profile_parse(yaml.safe_load(path.read_text(encoding="utf-8")), where=path.name)


def default_code() -> str:
    """The installation's default country (the COUNTRY setting): a new school's or region's country
    unless it names another. A function, so that the models' default follows the setting."""
    return settings.COUNTRY


def codes() -> list[str]:
    """The installation's countries: the default (COUNTRY) first, then COUNTRIES' others in order."""
    others = [code for code in getattr(settings, "COUNTRIES", None) or [] if code != settings.COUNTRY]
    return [settings.COUNTRY, *dict.fromkeys(others)]


def several() -> bool:
    """Whether the installation holds more than one country (pages then name each school's country)."""
    return len(codes()) > 1


def installed() -> list[Profile]:
    return [load(code) for code in codes()]


def profile(code: str | None = None) -> Profile:
    """The profile of the country `code` names; without one, the installation's default (COUNTRY)."""
    return load(code or settings.COUNTRY)


def held(code: str | None) -> str:
    """The installation's country that a school's or region's stored `code` stands for: the code itself
    when the installation holds several countries and this is one of them; otherwise the default. So
    an installation with one country behaves as it always did, whatever its rows say (COUNTRY may be
    changed after the rows were written, as tests and the demo do)."""
    if code and code != settings.COUNTRY and code in codes():
        return code
    return settings.COUNTRY


def of(code: str | None) -> Profile:
    """The profile of a school's or region's country (`held(code)`'s)."""
    return load(held(code))


# The country the page being drawn speaks of (a school's page, a region's calendar): `speaking(code)`
# sets it for a block, `spoken()` reads it. What is shown in a country's words (the words of the
# registry's levels, measure labels, domains, the school year) asks spoken(); what is computed for
# the installation asks profile(). Outside such a block, spoken() is the default country.
_speaking: ContextVar[str | None] = ContextVar("kindred_country_spoken", default=None)


@contextmanager
def speaking(code: str | None) -> Iterator[Profile]:
    """Within the block, spoken() is the country `code` names (None: the default's)."""
    token = _speaking.set(held(code))
    try:
        yield spoken()
    finally:
        _speaking.reset(token)


def spoken() -> Profile:
    """The profile of the country the page speaks of (see speaking()), else the installation's default."""
    return load(_speaking.get() or settings.COUNTRY)
