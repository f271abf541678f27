"""The OpenAPI document as JSON, and the same document as a page people can read."""
from __future__ import annotations

from typing import Any

from flask import jsonify, render_template

from market.api import bp
from market.api.openapi import document
from market.api.operations import PUBLIC_ENDPOINTS

PUBLIC_ENDPOINTS.update({"api.openapi_json", "api.docs"})


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.get("/docs")
def docs():
    spec = document()
    return render_template("api/docs.html", info=spec["info"], tags=operations_by_tag(spec),
                           schemas=schema_tables(spec))


def type_label(schema: dict[str, Any]) -> str:
    """A short human type: ``integer``, ``string (date)``, ``Market``, ``list of Stall``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_label(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f'"{value}"' for value in schema["enum"])
    if schema.get("type") == "array":
        return "list of " + type_label(schema.get("items", {}))
    if "const" in schema:
        return f'"{schema["const"]}"'
    label = schema.get("type", "any")
    return f"{label} ({schema['format']})" if "format" in schema else label


def operations_by_tag(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            tags.setdefault(op["tags"][0], []).append({
                "id": op["operationId"],
                "method": method.upper(),
                "path": path,
                "summary": op["summary"],
                "description": op.get("description", ""),
                "public": op.get("security") == [],
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p["required"],
                     "type": type_label(p["schema"]), "description": p.get("description", "")}
                    for p in op.get("parameters", [])
                ],
                "body": type_label(body["schema"]) if body else "",
                "responses": [
                    {"status": status, "description": response["description"],
                     "type": ", ".join(f"{media}: {type_label(content['schema'])}"
                                       for media, content in response.get("content", {}).items())}
                    for status, response in op["responses"].items()
                ],
            })
    return tags


def schema_tables(spec: dict[str, Any]) -> list[dict[str, Any]]:
    tables = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        required = set(schema.get("required", ()))
        tables.append({
            "name": name,
            "description": schema.get("description", ""),
            "enum": schema.get("enum"),
            "fields": [
                {"name": field, "type": type_label(prop), "required": field in required,
                 "description": prop.get("description", "")}
                for field, prop in schema.get("properties", {}).items()
            ],
        })
    return tables
