"""The API reference page's content, read from the OpenAPI document (so the page cannot drift from it).

The words Kindred writes for it — each operation's summary and description, each parameter's
description — are marked in the routers with `gettext_noop`, so the OpenAPI document (the machine
contract, /api/v1/openapi.json) keeps them in English while the catalogues hold their translations;
`operations` translates them into the active language (the reader's) as it reads the document. A
description made of words and a list of codes ("A kind: file, link, policy") is marked as its words
("A kind:"), and the codes stay codes, as do paths, parameter names, types and fields.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop


def translated(text: str) -> str:
    """`text` in the active language: the catalogue's translation of the whole, else of its words
    before a list of codes ("A phase: nursery, primary, …"), else as it is."""
    words, codes = words_and_codes(text)
    return f"{words} {', '.join(codes)}" if codes else words


def words_and_codes(text: str) -> tuple[str, list[str]]:
    """`text` in the active language, and the codes it lists after its words, apart (the page shows
    them as code): ("Cyfnod:", ["nursery", "primary", …]) for "A phase: nursery, primary, …"."""
    if not text:
        return text, []
    whole = gettext(text)
    if whole != text:
        return whole, []
    head, colon, codes = text.partition(": ")
    words = head + colon.strip()
    if colon and gettext(words) != words:
        return gettext(words), codes.split(", ")
    return text, []


# Where a parameter goes, in the reader's words.
WHERE = {"query": gettext_noop("query"), "path": gettext_noop("path"), "header": gettext_noop("header")}


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict] = field(default_factory=list)
    responses: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _type(schema: dict, document: dict) -> str:
    schema = _resolve(schema, document)
    if "anyOf" in schema:
        return " | ".join(_type(s, document) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return gettext("list of %(type)s") % {"type": _type(schema.get("items", {}), document)}
    return str(
        schema.get("title") if schema.get("properties") else schema.get("format") or schema.get("type", "any")
    )


def _fields(schema: dict, document: dict) -> list[tuple[str, str]]:
    schema = _resolve(schema, document)
    if schema.get("type") == "array":
        schema = _resolve(schema.get("items", {}), document)
    return [(name, _type(sub, document)) for name, sub in schema.get("properties", {}).items()]


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=translated(spec.get("summary", "")),
                description=translated(spec.get("description", "")),
            )
            for parameter in spec.get("parameters", []):
                operation.parameters.append(
                    {
                        "name": parameter["name"],
                        "where": gettext(WHERE.get(parameter["in"], parameter["in"])),
                        "required": parameter.get("required", False),
                        "type": _type(parameter.get("schema", {}), document),
                        "description": words_and_codes(parameter.get("description", ""))[0],
                        "codes": words_and_codes(parameter.get("description", ""))[1],
                    }
                )
            for status, response in spec.get("responses", {}).items():
                for content_type, content in response.get("content", {}).items():
                    operation.responses.append(
                        (status, content_type, _fields(content.get("schema", {}), document))
                    )
            found.append(operation)
    return found
