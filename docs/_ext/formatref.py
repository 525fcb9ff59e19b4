"""The question format's reference as MyST Markdown, from the JSON Schema that
``quizgrader schema`` prints (:func:`quizgrader.api.schema`): one table per object of the
format, one row per field, with its type, whether it is required or its default, its
constraints and the description an author's editor shows.

Pure functions, no Sphinx: ``quizgrader_docs`` renders them in the docs, and
``tests/test_docs.py`` checks the rows against the pydantic models.
"""
from __future__ import annotations

from typing import Any

#: The objects of the format, in the order a question file nests them.
ORDER = ["Question", "Simulation", "ModelSpec", "Init", "Option", "Claim"]


def anchor(model: str) -> str:
    """The section id of one object of the format."""
    return f"format-{model.lower()}"


def type_text(prop: dict[str, Any]) -> str:
    """A field's type in words (MyST Markdown, with links to the objects it refers to)."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"{{ref}}`{name} <{anchor(name)}>`"
    if "anyOf" in prop:
        parts = [type_text(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(dict.fromkeys(parts))
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items")
        if isinstance(items, dict) and items:
            return f"list of {type_text(items)}"
        return "list"
    if kind == "object":
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return f"mapping of name to {type_text(extra)}"
        return "mapping"
    if isinstance(kind, list):
        return " or ".join(kind)
    return str(kind or "any")


def constraints(prop: dict[str, Any]) -> str:
    """The bounds, lengths and patterns the schema puts on a field (and its alternatives)."""
    found: list[str] = []
    words = {"minimum": "≥ {}", "maximum": "≤ {}", "exclusiveMinimum": "> {}",
             "exclusiveMaximum": "< {}", "minLength": "at least {} characters",
             "maxLength": "at most {} characters", "minItems": "at least {} items",
             "maxItems": "at most {} items", "pattern": "matches `{}`"}
    for part in [prop, *prop.get("anyOf", [])]:
        for key, text in words.items():
            if key in part:
                found.append("not empty" if (key, part[key]) == ("minLength", 1) else
                             text.format(part[key]))
    return "; ".join(dict.fromkeys(found))


def default_text(prop: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" not in prop:
        return "optional"
    value = prop["default"]
    if value is None:
        return "optional"
    if isinstance(value, dict) and "$ref" in prop:
        return "optional (each field's default)"
    if isinstance(value, bool):
        value = str(value).lower()
    return f"default `{value}`"


def cell(text: str) -> str:
    """One table cell's text: on one line, pipes escaped, a dash when empty."""
    return " ".join(text.split()).replace("|", "\\|") or "—"


def prose(text: str) -> str:
    """An author's description as a table cell: angle brackets escaped too (``c<T>`` is no
    HTML tag)."""
    return cell(text).replace("<", "\\<")


def field_rows(schema: dict[str, Any]) -> dict[str, list[tuple[str, str, str, str, str]]]:
    """Each object of the format -> its fields as (name, type, required or default,
    constraints, description) rows."""
    objects = {"Question": schema, **schema.get("$defs", {})}
    names = [n for n in ORDER if n in objects] + sorted(set(objects) - set(ORDER))
    out: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for name in names:
        obj = objects[name]
        required = set(obj.get("required", []))
        out[name] = [(field, type_text(prop), default_text(prop, field in required),
                      constraints(prop), prop.get("description", ""))
                     for field, prop in obj.get("properties", {}).items()]
    return out


def format_markdown(schema: dict[str, Any]) -> list[str]:
    """The reference of the question format as MyST Markdown lines: a section per object,
    a table row per field."""
    objects = {"Question": schema, **schema.get("$defs", {})}
    lines: list[str] = []
    for name, rows in field_rows(schema).items():
        title = "The question file" if name == "Question" else f"`{name}`"
        lines += [f"({anchor(name)})=", f"### {title}", ""]
        description = objects[name].get("description")
        if description:
            lines += [" ".join(description.split()), ""]
        lines += ["| field | type | required / default | constraints | meaning |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{field}` | {cell(kind)} | {cell(default)} | {cell(limits)} | "
                  f"{prose(meaning)} |" for field, kind, default, limits, meaning in rows]
        lines.append("")
    return lines
