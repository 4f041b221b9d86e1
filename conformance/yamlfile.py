"""Load a YAML file and keep line numbers, so errors can say ``file:line: what``.

Profiles, targets and waiver files are written by people; an error that points at
the line to fix is worth the small cost of composing the node tree ourselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml


class YamlDocument:
    """Parsed YAML data plus a way to find the line of any path inside it."""

    def __init__(self, data: Any, root: yaml.Node | None, source: str) -> None:
        self.data = data
        self.root = root
        self.source = source

    def line_of(self, path: Sequence[str | int]) -> int:
        """1-based line of the deepest node on ``path`` that exists."""
        node = self.root
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for key in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == key:
                        child = v
                        break
            elif (isinstance(node, yaml.SequenceNode) and isinstance(key, int)
                  and 0 <= key < len(node.value)):
                child = node.value[key]
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def where(self, path: Sequence[str | int]) -> str:
        return f"{self.source}:{self.line_of(path)}"


def parse_yaml(text: str, source: str, error: type[Exception], *,
               construct: bool = True) -> YamlDocument:
    """Parse ``text``; syntax errors become ``error("source:line: ...")``.

    ``construct=False`` only builds the node tree, for callers that check values
    themselves (a date like 2027-02-30 then reaches them as text, with its line).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if construct else None
    except ValueError as exc:  # a value YAML cannot build, e.g. the date 2027-02-30
        raise error(f"{source}:1: invalid value: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise error(f"{source}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}:1: invalid YAML: {exc}") from None
    except RecursionError:  # the YAML reader recurses per nesting level
        raise error(f"{source}:1: invalid YAML: nested too deeply to read; a profile, target "
                    "or waiver file needs a few levels at most") from None
    return YamlDocument(data, root, source)


def read_yaml(path: Path, error: type[Exception], *, construct: bool = True) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read file: {exc}") from None
    return parse_yaml(text, str(path), error, construct=construct)


def validate_with_schema(
    doc: YamlDocument, schema: dict[str, Any], error: type[Exception], what: str
) -> None:
    """Validate against a JSON Schema; report the first error (by line) with its location."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc.data),
                    key=lambda e: doc.line_of(list(e.absolute_path)))
    if not errors:
        return
    first = errors[0]
    path = list(first.absolute_path)
    dotted = ".".join(str(p) for p in path) or "(top level)"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise error(
        f"{doc.where(path)}: {what} field '{dotted}': {_plain(first)}{more}"
    )


def _plain(err: jsonschema.ValidationError) -> str:
    """jsonschema messages, shortened where they would dump whole sub-documents."""
    if err.validator == "additionalProperties":
        return err.message
    if err.validator in ("oneOf", "anyOf"):
        return "does not match any of the allowed forms (see the schema in conformance/schemas/)"
    if err.validator == "not" and isinstance(err.validator_value, dict) and \
            err.validator_value.get("description"):  # the schema says what the form rules out
        return str(err.validator_value["description"])
    msg = err.message
    return msg if len(msg) < 300 else msg[:297] + "..."
