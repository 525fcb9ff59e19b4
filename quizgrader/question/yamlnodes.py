"""Safe YAML reading that keeps line numbers and rejects what PyYAML lets through.

The text is composed into a node tree (safe loader), checked (duplicate keys, alias bombs),
then constructed with the safe constructor. :class:`Located` maps a path such as
``("options", 2, "claim")`` to the line of the nearest node, for ``file:line: path: message``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000      # one question is a few kB; refuse anything this large
MAX_NODES = 100_000        # nodes after expanding aliases (billion-laughs guard)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str, path: tuple = ()):
        super().__init__(message)
        self.line, self.message, self.path = line, message, path


@dataclass
class Located:
    """The constructed document and its node tree, for mapping paths to lines."""

    data: Any
    root: yaml.Node

    def line(self, path: tuple) -> int:
        """1-based line of the node at ``path`` (a key's line for mapping entries), or of the
        deepest node along it that exists."""
        node, line = self.root, self.root.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                hit = next(((k, v) for k, v in node.value
                            if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
                if hit is None:
                    break
                line, node = hit[0].start_mark.line + 1, hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                    and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


def _check(node: yaml.Node) -> None:
    """Duplicate keys anywhere, and the expanded size (aliases counted each time they occur)."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        sizes[id(n)] = 1                         # a recursive alias counts once
        total = 1
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        raise YamlProblem(k.start_mark.line + 1,
                                          f"duplicate key {k.value!r} (first on line "
                                          f"{seen[k.value]})")
                    seen[k.value] = k.start_mark.line + 1
                total += size(k) + size(v)
        elif isinstance(n, yaml.SequenceNode):
            total += sum(size(v) for v in n.value)
        total = min(total, MAX_NODES + 1)
        sizes[id(n)] = total
        return total

    if size(node) > MAX_NODES:
        raise YamlProblem(node.start_mark.line + 1,
                          f"the document expands to more than {MAX_NODES} nodes (alias bomb?)")


def read_text(path: Path, data: bytes | None = None) -> str:
    """The file's text: at most MAX_BYTES, UTF-8, no NUL bytes."""
    if data is None:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(1, f"file is {size / 1e6:.1f} MB; a question file may be at most "
                                 f"{MAX_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    elif len(data) > MAX_BYTES:
        raise YamlProblem(1, f"input is {len(data) / 1e6:.1f} MB; a question file may be at "
                             f"most {MAX_BYTES // 1_000_000} MB")
    if b"\x00" in data:
        raise YamlProblem(data[: data.index(b"\x00")].count(b"\n") + 1,
                          "binary data (NUL byte): not a YAML text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise YamlProblem(data[: e.start].count(b"\n") + 1,
                          f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") \
            from None
    return text.removeprefix("\ufeff")


def load(text: str) -> Located:
    """Compose, check and construct one YAML document safely."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlProblem(1, "empty file: expected a question (a mapping with id, title, ...)")
        _check(root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(p) for p in (e.context, e.problem) if p)
        if "could not determine a constructor" in what or "tag" in (e.problem or ""):
            tag = str(e.problem).split("tag ")[-1].split()[0].strip("'")
            what = f"tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed (safe YAML only)"
        raise YamlProblem(line, f"YAML: {what}") from None
    except yaml.YAMLError as e:
        raise YamlProblem(1, f"YAML: {e}") from None
    except RecursionError:
        raise YamlProblem(1, "YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return Located(data, root)
