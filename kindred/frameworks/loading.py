"""Reading and writing framework files (YAML or CSV), checked whole before anything is stored.

YAML (docs/frameworks.md has a full example):

    code: school-improvement
    name: School improvement framework
    description: …
    scale: [Not yet in place, Developing, Secure, Excellent]     # level 1 first
    domains:
      - code: leadership
        name: Leadership and management
        standards:
          - code: L1
            name: Leaders share a clear vision
            descriptors: [… one per level …]                     # optional
            behaviours: [… observable behaviours …]              # optional

CSV: one row per standard with the columns `domain_code, domain_name, standard_code,
standard_name, behaviours` (behaviours separated by "; ") followed by one column per level of the
scale, weakest first, whose header is the level's label and whose cells are that level's
descriptor. The framework's code and name come from the command line or the upload form.
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field

import yaml
from django.utils.translation import gettext as _

from kindred.core.csv_export import FORMULA_STARTS, csv_writer

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
FIXED_CSV_COLUMNS = ["domain_code", "domain_name", "standard_code", "standard_name", "behaviours"]
MAX_LEVELS = 10


@dataclass
class StandardSpec:
    code: str
    name: str
    descriptors: list[str] = field(default_factory=list)
    behaviours: list[str] = field(default_factory=list)


@dataclass
class DomainSpec:
    code: str
    name: str
    standards: list[StandardSpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    code: str
    name: str
    scale: list[str]
    domains: list[DomainSpec]
    description: str = ""

    def digest(self) -> str:
        """A fingerprint of the content, so that loading the same file twice makes no new version."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


class FrameworkFileError(ValueError):
    """The file cannot be loaded; `problems` lists every (where, message) found."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    # A cell the export neutralised ("'=..." : kindred.core.csv_export) reads back as it was.
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:].replace("\\|", "|")
    return text


def _check(spec: FrameworkSpec, problems: list[tuple[str, str]], where_domain, where_standard) -> None:
    if not CODE.match(spec.code):
        problems.append(("code", _("The framework code must be letters, digits, '-', '_' or '.'.")))
    if not spec.name:
        problems.append(("name", _("The framework needs a name.")))
    if not 2 <= len(spec.scale) <= MAX_LEVELS:
        problems.append(("scale", _("The scale needs 2 to %(max)s levels.") % {"max": MAX_LEVELS}))
    if any(not label for label in spec.scale):
        problems.append(("scale", _("Every level of the scale needs a label.")))
    if not spec.domains:
        problems.append(("domains", _("The framework has no domains.")))
    seen_domains: set[str] = set()
    for d, domain in enumerate(spec.domains):
        where = where_domain(d)
        if not CODE.match(domain.code):
            problems.append((f"{where}, code", _("A domain code must be letters, digits, '-', '_' or '.'.")))
        elif domain.code in seen_domains:
            problems.append((f"{where}, code", _("Domain %(code)s appears twice.") % {"code": domain.code}))
        seen_domains.add(domain.code)
        if not domain.name:
            problems.append((f"{where}, name", _("The domain needs a name.")))
        if not domain.standards:
            problems.append((where, _("Domain %(code)s has no standards.") % {"code": domain.code}))
        seen_standards: set[str] = set()
        for s, standard in enumerate(domain.standards):
            where_s = where_standard(d, s)
            if not CODE.match(standard.code):
                problems.append(
                    (f"{where_s}, code", _("A standard code must be letters, digits, '-', '_' or '.'."))
                )
            elif standard.code in seen_standards:
                problems.append(
                    (f"{where_s}, code", _("Standard %(code)s appears twice.") % {"code": standard.code})
                )
            seen_standards.add(standard.code)
            if not standard.name:
                problems.append((f"{where_s}, name", _("The standard needs a name.")))
            if standard.descriptors and len(standard.descriptors) != len(spec.scale):
                problems.append(
                    (
                        f"{where_s}, descriptors",
                        _("%(found)s descriptors for a scale of %(levels)s levels.")
                        % {"found": len(standard.descriptors), "levels": len(spec.scale)},
                    )
                )


def read_yaml(content: str) -> FrameworkSpec:
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as error:
        raise FrameworkFileError(
            [("file", _("This is not valid YAML: %(error)s") % {"error": error})]
        ) from None
    if not isinstance(data, dict):
        raise FrameworkFileError(
            [("file", _("The file must be a YAML mapping with code, name, scale, domains."))]
        )
    problems: list[tuple[str, str]] = []

    def as_list(value, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append((where, _("Must be a list.")))
            return []
        return value

    domains = []
    for d, raw_domain in enumerate(as_list(data.get("domains"), "domains")):
        if not isinstance(raw_domain, dict):
            problems.append((f"domains[{d + 1}]", _("Must be a mapping with code, name, standards.")))
            continue
        standards = []
        for s, raw in enumerate(as_list(raw_domain.get("standards"), f"domains[{d + 1}].standards")):
            if not isinstance(raw, dict):
                problems.append(
                    (f"domains[{d + 1}].standards[{s + 1}]", _("Must be a mapping with code and name."))
                )
                continue
            where = f"domains[{d + 1}].standards[{s + 1}]"
            standards.append(
                StandardSpec(
                    code=_text(raw.get("code")),
                    name=_text(raw.get("name")),
                    descriptors=[_text(x) for x in as_list(raw.get("descriptors"), f"{where}.descriptors")],
                    behaviours=[_text(x) for x in as_list(raw.get("behaviours"), f"{where}.behaviours")],
                )
            )
        domains.append(DomainSpec(_text(raw_domain.get("code")), _text(raw_domain.get("name")), standards))
    spec = FrameworkSpec(
        code=_text(data.get("code")),
        name=_text(data.get("name")),
        description=_text(data.get("description")),
        scale=[_text(x) for x in as_list(data.get("scale"), "scale")],
        domains=domains,
    )
    _check(
        spec,
        problems,
        lambda d: f"domains[{d + 1}]",
        lambda d, s: f"domains[{d + 1}].standards[{s + 1}]",
    )
    if problems:
        raise FrameworkFileError(problems)
    return spec


def read_csv(content: str, *, code: str, name: str, description: str = "") -> FrameworkSpec:
    content = content.lstrip("\ufeff")
    first_line = content.split("\n", 1)[0]
    delimiter = max(
        ",;\t", key=first_line.count
    )  # the header's own separator: spreadsheets export ; or tab too
    rows = list(csv.reader(io.StringIO(content), delimiter=delimiter))
    if not rows:
        raise FrameworkFileError([("file", _("The file is empty."))])
    header = [_text(cell) for cell in rows[0]]
    lowered = [cell.lower() for cell in header]
    missing = [column for column in FIXED_CSV_COLUMNS if column not in lowered]
    if missing:
        raise FrameworkFileError(
            [("header", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    position = {column: lowered.index(column) for column in FIXED_CSV_COLUMNS}
    level_columns = [i for i, column in enumerate(lowered) if column and column not in FIXED_CSV_COLUMNS]
    scale = [header[i] for i in level_columns]
    domains: dict[str, DomainSpec] = {}
    problems: list[tuple[str, str]] = []
    where_of: dict[tuple[int, int], str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(_text(cell) for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                (_("row %(row)s") % {"row": number}, _("More cells than the header has columns."))
            )
            continue
        row = row + [""] * (len(header) - len(row))
        domain_code = _text(row[position["domain_code"]])
        domain = domains.get(domain_code)
        if domain is None:
            domain = domains[domain_code] = DomainSpec(domain_code, _text(row[position["domain_name"]]))
        elif _text(row[position["domain_name"]]) not in ("", domain.name):
            problems.append(
                (
                    _("row %(row)s, column domain_name") % {"row": number},
                    _("Domain %(code)s is named differently on an earlier row.") % {"code": domain_code},
                )
            )
        behaviours = [b.strip() for b in _text(row[position["behaviours"]]).split(";") if b.strip()]
        descriptors = [_text(row[i]) for i in level_columns]
        domain.standards.append(
            StandardSpec(
                code=_text(row[position["standard_code"]]),
                name=_text(row[position["standard_name"]]),
                descriptors=descriptors if any(descriptors) else [],
                behaviours=behaviours,
            )
        )
        where_of[(list(domains).index(domain_code), len(domain.standards) - 1)] = _("row %(row)s") % {
            "row": number
        }
    spec = FrameworkSpec(
        code=code.strip(),
        name=name.strip(),
        description=description,
        scale=scale,
        domains=list(domains.values()),
    )
    _check(
        spec,
        problems,
        lambda d: _("domain %(code)s") % {"code": spec.domains[d].code or "?"},
        lambda d, s: where_of.get((d, s), "?"),
    )
    if problems:
        raise FrameworkFileError(problems)
    return spec


def write_yaml(spec: FrameworkSpec) -> str:
    data = {
        "code": spec.code,
        "name": spec.name,
        "description": spec.description,
        "scale": spec.scale,
        "domains": [
            {
                "code": domain.code,
                "name": domain.name,
                "standards": [
                    {
                        "code": standard.code,
                        "name": standard.name,
                        **({"descriptors": standard.descriptors} if standard.descriptors else {}),
                        **({"behaviours": standard.behaviours} if standard.behaviours else {}),
                    }
                    for standard in domain.standards
                ],
            }
            for domain in spec.domains
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write_csv(spec: FrameworkSpec) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(FIXED_CSV_COLUMNS + spec.scale)
    for domain in spec.domains:
        for standard in domain.standards:
            descriptors = standard.descriptors or [""] * len(spec.scale)
            writer.writerow(
                [
                    domain.code,
                    domain.name,
                    standard.code,
                    standard.name,
                    "; ".join(standard.behaviours),
                    *descriptors,
                ]
            )
    return out.getvalue()
