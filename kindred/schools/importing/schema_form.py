"""The mapping language as a web form, read from schema.py: every key of every model becomes an
input (a text, a number, a choice, a column of the file, a list, a value map), its label is the key,
its help the key's description, so a key added to the schema appears in the builder with no form
code. A form is named by where each value is in the mapping (`m.measures[2].cohort`, the names
`schema_check` uses for its mistakes), so every mistake is shown beside its input.

`form_nodes` draws the form from a mapping's data; `form_data` reads a posted form back into the
data of a mapping (what is left empty or at its default is left out, as a person writing the YAML
would; what cannot be read, such as `abc` for a number, is kept as written so the schema names the
mistake and nothing typed is lost). No JavaScript is needed: every list shows one empty entry to
add another, and an entry emptied (or ticked "remove") is dropped.
"""

import copy
import json
import re
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator

from kindred.schools.importing import schema
from kindred.schools.importing.schema import MappingSpec

PREFIX = "m"
REMOVE = "__remove"
EMPTY: tuple = (None, "", [], {})

# What a key's annotation is drawn as (see `_kind`).
MODEL, MODELS, COLUMN, COLUMNS, TEXT, TEXTS, NUMBER, NUMBERS, INTEGER, BOOL, CHOICE, MAP, ANY = (
    "model", "models", "column", "columns", "text", "texts", "number", "numbers", "integer", "bool",
    "choice", "map", "any",
)  # fmt: skip
NAME_OR_NUMBER = "name_or_number"  # a sheet: its name, or its number (digits are read as a number)


@dataclass
class Kind:
    """How one key is drawn and read: `kind`, the model of a nested key or list entry, the
    choices of a Literal, the type of a value map's values, whether None is allowed."""

    kind: str
    model: type[BaseModel] | None = None
    choices: tuple = ()
    value_kind: "Kind | None" = None
    optional: bool = False


def _is_column(metadata) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is schema._column for m in metadata)


def _is_number(metadata) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is schema._number for m in metadata)


def _kind(annotation: Any, metadata: tuple = ()) -> Kind:
    """The kind of an annotation, looking through Optional and Annotated."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _kind(args[0], (*metadata, *annotation.__metadata__))
    if origin in (Union, types.UnionType):
        kinds = [_kind(a, metadata) for a in args if a is not type(None)]
        found = kinds[0] if len(kinds) == 1 else Kind(NAME_OR_NUMBER)  # str | int
        found.optional = type(None) in args
        return found
    if _is_column(metadata) and annotation is str:
        return Kind(COLUMN)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Kind(MODEL, model=annotation)
    if origin is Literal:
        return Kind(CHOICE, choices=args)
    if origin is list:
        item = _kind(args[0])
        if item.kind == MODEL:
            return Kind(MODELS, model=item.model)
        if item.kind == COLUMN:
            return Kind(COLUMNS)
        return Kind(NUMBERS if item.kind == NUMBER else TEXTS)
    if origin is dict:
        return Kind(MAP, value_kind=_kind(args[1]))
    if annotation is bool:
        return Kind(BOOL)
    if annotation is int:
        return Kind(INTEGER)
    if annotation is float or _is_number(metadata):
        return Kind(NUMBER)
    if annotation is str:
        return Kind(TEXT)
    return Kind(ANY)


def field_kind(model: type[BaseModel], key: str) -> Kind:
    info = model.model_fields[key]
    return _kind(info.annotation, tuple(info.metadata))


def _default(model: type[BaseModel], key: str) -> Any:
    info = model.model_fields[key]
    if info.is_required():
        return None
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        return made if made in EMPTY else None  # a nested model's default: "left out"
    return info.default


# Drawing the form ---------------------------------------------------------------------------------


@dataclass
class Node:
    """One input (or group of inputs) of the form: `name` is where it is in the mapping."""

    key: str
    name: str
    kind: str
    help: str = ""
    value: Any = ""  # what the input shows (text), or for a choice the chosen value
    choices: list[tuple[str, str]] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    required: bool = False
    datalist: str = ""
    is_new: bool = False  # the empty entry that adds one to a list
    filled: bool = False  # whether anything is given in it (a group is drawn open)

    @property
    def id(self) -> str:
        return "id_" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")

    @property
    def where(self) -> str:
        return self.name[len(PREFIX) + 1 :] if self.name.startswith(PREFIX + ".") else ""

    @property
    def is_group(self) -> bool:
        return self.kind in (MODEL, MODELS)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(c.has_errors for c in self.children)


def _translated(text: str) -> str:
    """A description of the schema in the reader's language (each has a catalogue entry)."""
    return _(text) if text else ""


def model_help(model: type) -> str:
    """A model's docstring on one line (a made model, such as a field's source, has its base's)."""
    doc = next((c.__doc__ for c in model.__mro__ if c.__doc__ and c is not BaseModel), "")
    return " ".join(doc.split())


EMPTY_TEXT = '""'  # how an input says "the empty text" (as opposed to nothing given)


def _text_of(value: Any, *, quote_empty: bool = False) -> str:
    if value is None:
        return ""
    if value == "" and quote_empty:
        return EMPTY_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_text(values: Any) -> str:
    if not isinstance(values, dict):
        return _text_of(values)
    return "\n".join(f"{key} = {_text_of(value, quote_empty=True)}" for key, value in values.items())


def _lines_text(values: Any) -> str:
    if not isinstance(values, list):
        return _text_of(values)
    return "\n".join(_text_of(v) for v in values)


@dataclass
class Context:
    """What the form offers beyond the schema: the file's columns, the known measure codes."""

    columns: list[str]
    measure_codes: list[str] = field(default_factory=list)


def _column_choices(context: Context, value: Any) -> list[tuple[str, str]]:
    choices = [("", _("— none —"))] + [(c, c) for c in context.columns]
    if value not in EMPTY and str(value) not in context.columns:
        choices.append((str(value), _("%(column)s (not in the file)") % {"column": value}))
    return choices


def _bool_choices(optional: bool, default: Any) -> list[tuple[str, str]]:
    yes, no = _("yes (true)"), _("no (false)")
    if optional or default is None:
        return [("", _("— not given —")), ("true", yes), ("false", no)]
    return [("true", yes), ("false", no)]


def _before_validators(annotation: Any, metadata: tuple = ()):
    for m in metadata:
        if isinstance(m, BeforeValidator):
            yield m.func
    if get_origin(annotation) is Annotated:
        yield from _before_validators(get_args(annotation)[0], annotation.__metadata__)
    elif get_origin(annotation) in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _before_validators(arg)


def _long_form(info, value: Any) -> Any:
    """A shorthand written the long way (`id: URN` is `{columns: [URN]}`), as the schema reads it."""
    if value in EMPTY:
        return value
    for func in _before_validators(info.annotation, tuple(info.metadata)):
        try:
            value = func(value)
        except Exception:
            return value
    return value


def _node(model: type[BaseModel], key: str, name: str, value: Any, context: Context) -> Node:
    info = model.model_fields[key]
    value = _long_form(info, value)
    kind = field_kind(model, key)
    node = Node(key, name, kind.kind, help=_translated(info.description or ""), required=info.is_required())
    default = _default(model, key)
    if kind.kind == MODEL:
        assert kind.model is not None
        node.help = node.help or _translated(model_help(kind.model))
        node.children = model_nodes(kind.model, name, value if isinstance(value, dict) else {}, context)
    elif kind.kind == MODELS:
        assert kind.model is not None
        items = [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
        for i, item in enumerate([*items, {}]):
            entry = Node(
                f"{key}[{i}]",
                f"{name}[{i}]",
                MODEL,
                help=_translated(model_help(kind.model)),
                children=model_nodes(kind.model, f"{name}[{i}]", item, context),
                is_new=i == len(items),
                filled=bool(item),
            )
            node.children.append(entry)
    elif kind.kind == COLUMNS:
        items = value if isinstance(value, list) else ([] if value in EMPTY else [value])
        node.children = [
            Node(
                f"{key}[{i}]", f"{name}[{i}]", COLUMN, value=_text_of(v), choices=_column_choices(context, v)
            )
            for i, v in enumerate([*items, ""])
        ]
    elif kind.kind == COLUMN:
        node.value, node.choices = _text_of(value), _column_choices(context, value)
    elif kind.kind == CHOICE:
        shown = value if value not in EMPTY else default
        node.value = _text_of(shown)
        node.choices = [] if info.is_required() or default is not None else [("", _("— not given —"))]
        node.choices += [(str(c), str(c) or _("(empty)")) for c in kind.choices]
    elif kind.kind == BOOL:
        node.value = _text_of(value if value not in EMPTY else default)
        node.choices = _bool_choices(kind.optional, default)
    elif kind.kind == MAP:
        node.value = _map_text(value)
    elif kind.kind in (TEXTS, NUMBERS):
        node.value = _lines_text(value)
    elif value == "" and default is None:  # the empty text given on purpose (`otherwise: ""`)
        node.value = EMPTY_TEXT
    elif isinstance(value, str) and kind.kind in (ANY, NAME_OR_NUMBER) and _scalar(value, kind) != value:
        node.value = json.dumps(value, ensure_ascii=False)  # text that would read as a number: quoted
    else:
        node.value = _text_of(value if value not in EMPTY else (default if default not in EMPTY else ""))
        if key == "measure" and kind.kind == TEXT:
            node.datalist = "builder-measure-codes"
    node.filled = value not in EMPTY
    return node


def model_nodes(model: type[BaseModel], prefix: str, data: dict, context: Context) -> list[Node]:
    """The inputs of every key of `model`, showing `data`."""
    return [_node(model, key, f"{prefix}.{key}", data.get(key), context) for key in model.model_fields]


def form_nodes(
    data: dict,
    context: Context,
    *,
    errors: list[str] = (),  # type: ignore[assignment]
    spec: type[BaseModel] = MappingSpec,
) -> list[Node]:
    """The whole form for a mapping's data, each mistake (`where: what`) beside its input."""
    nodes = model_nodes(spec, PREFIX, data if isinstance(data, dict) else {}, context)
    unplaced = [line for line in errors if not _place_error(nodes, line)]
    return nodes + ([Node("", PREFIX, MODEL, errors=unplaced)] if unplaced else [])


def _place_error(nodes: list[Node], line: str) -> bool:
    where, _sep, what = line.partition(": ")
    target = None
    for node in _walk(nodes):
        w = node.where
        inside = where == w or where.startswith((w + ".", w + "["))
        if inside and (target is None or len(w) > len(target.where)):
            target = node
    if target is None:
        return False
    target.errors.append(what if where == target.where else line)
    return True


def _walk(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


# Reading the form back ---------------------------------------------------------------------------


def _number(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text  # kept as written: the schema says "must be a number" where it is
    return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", text) else number


def _integer(text: str) -> Any:
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _scalar(text: str, kind: Kind | None) -> Any:
    text = text.strip()
    if text == "":
        return None
    if text == EMPTY_TEXT:
        return ""
    if kind is None:
        return text
    if kind.kind == NUMBER:
        return _number(text)
    if kind.kind == NAME_OR_NUMBER and len(text) > 2 and text[0] == text[-1] == '"':
        return text[1:-1]  # `"2021"`: a sheet named 2021, not the 2021st
    if kind.kind in (INTEGER, NAME_OR_NUMBER):
        return _integer(text)
    if kind.kind == BOOL:
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind.kind == ANY:
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError:
            return text
        return loaded if isinstance(loaded, str | int | float | bool) else text
    return text


def _indices(post, name: str) -> list[int]:
    """The entries of the list `name` the form posted (`name[0]`, `name[1].key`, …)."""
    pattern = re.compile(re.escape(name) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for key in post for m in [pattern.match(key)] if m})


def _read(model: type[BaseModel], key: str, name: str, post) -> Any:
    kind = field_kind(model, key)
    if kind.kind == MODEL:
        assert kind.model is not None
        return read_model(kind.model, name, post)
    if kind.kind == MODELS:
        assert kind.model is not None
        entries = []
        for i in _indices(post, name):
            if post.get(f"{name}[{i}].{REMOVE}"):
                continue
            entry = read_model(kind.model, f"{name}[{i}]", post)
            if entry:
                entries.append(entry)
        return entries
    if kind.kind == COLUMNS:
        return [c for i in _indices(post, name) if (c := post.get(f"{name}[{i}]", "").strip())]
    text = post.get(name, "")
    if kind.kind == MAP:
        values = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            key_text, equals, value_text = line.rpartition("=")
            if not equals:  # a text alone: it stores nothing
                key_text, value_text = value_text, ""
            values[key_text.strip()] = _scalar(value_text, kind.value_kind)
        return values
    if kind.kind in (TEXTS, NUMBERS):
        item = Kind(NUMBER) if kind.kind == NUMBERS else None
        return [_scalar(line, item) for line in text.splitlines() if line.strip()]
    return _scalar(text, kind)


def read_model(model: type[BaseModel], prefix: str, post) -> dict:
    """The data of one model from the posted form: empty keys and defaults left out."""
    data = {}
    for key in model.model_fields:
        value = _read(model, key, f"{prefix}.{key}", post)
        if isinstance(value, list):
            value = [v for v in value if v not in (None, [], {})]
        if value in (None, [], {}) or value == _default(model, key):
            continue
        data[key] = value
    return data


def form_data(post, *, spec: type[BaseModel] = MappingSpec) -> dict:
    """A mapping's data from the posted form (a QueryDict or a dict of name to text)."""
    return read_model(spec, PREFIX, post)


def form_post(
    data: dict, context: Context | None = None, *, spec: type[BaseModel] = MappingSpec
) -> dict[str, str]:
    """What a browser posts for a form drawn from `data` with nothing changed (its inputs' names
    and values): how tests fill the form, and a check that drawing and reading agree."""
    post: dict[str, str] = {}
    for node in _walk(form_nodes(data, context or Context([]), spec=spec)):
        if not node.is_group and node.kind != COLUMNS and node.name != PREFIX:
            post[node.name] = _text_of(node.value)
    return post


def shorthand(data: dict) -> dict:
    """The data written as a person would (`id: URN`, `year: 2018`, `name: Nom`): the shorthands
    the schema reads (schema.py), for the YAML the builder shows, saves and downloads."""
    data = copy.deepcopy(data)

    def year(value: Any) -> Any:
        plain = isinstance(value, dict) and set(value) == {"value"} and isinstance(value["value"], int)
        return value["value"] if plain else value  # (a wrong year stays where the schema names it)

    ident = data.get("id")
    if isinstance(ident, dict) and set(ident) == {"columns"} and isinstance(ident["columns"], list):
        data["id"] = ident["columns"][0] if len(ident["columns"]) == 1 else ident["columns"]
    if "year" in data:
        data["year"] = year(data["year"])
    for measure in data.get("measures") or []:
        if isinstance(measure, dict) and "year" in measure:
            measure["year"] = year(measure["year"])
    fields = (data.get("schools") or {}).get("fields") if isinstance(data.get("schools"), dict) else None
    for key, sources in (fields or {}).items():
        if isinstance(sources, list):
            items = [s["column"] if isinstance(s, dict) and set(s) == {"column"} else s for s in sources]
            fields[key] = items[0] if len(items) == 1 else items
    return data
