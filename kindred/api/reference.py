"""The API reference page's content, read from the OpenAPI document (so the page cannot drift from it)."""

from dataclasses import dataclass, field
from typing import Any


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
        return f"list of {_type(schema.get('items', {}), document)}"
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
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
            )
            for parameter in spec.get("parameters", []):
                operation.parameters.append(
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "required": parameter.get("required", False),
                        "type": _type(parameter.get("schema", {}), document),
                        "description": parameter.get("description", ""),
                    }
                )
            for status, response in spec.get("responses", {}).items():
                for content_type, content in response.get("content", {}).items():
                    operation.responses.append(
                        (status, content_type, _fields(content.get("schema", {}), document))
                    )
            found.append(operation)
    return found
