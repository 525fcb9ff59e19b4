"""Safe YAML reading that keeps line numbers and rejects what PyYAML lets through.

The text is read with a size limit (never more than MAX_BYTES + 1 bytes, from a regular file
or a stream), composed into a node tree (safe loader), checked (duplicate keys, alias bombs),
then constructed with the safe constructor. Plain scalars are resolved as in YAML 1.2's core
schema, not YAML 1.1's: ``1e-3`` is a number, ``1:20`` (sexagesimal in 1.1) and ``yes`` are
strings. :class:`Located` maps a path such as ``("options", 2, "claim")`` to the line of the
nearest node, for ``file:line: path: message``.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

MAX_BYTES = 1_000_000      # one question is a few kB; refuse anything this large
MAX_NODES = 100_000        # nodes after expanding aliases (billion-laughs guard)


#: Where a value is in a document: the keys and list indexes leading to it.
KeyPath = tuple[str | int, ...]


def _core(base: type[Any]) -> type[Any]:
    """``base`` (a safe loader) with YAML 1.2 core-schema resolution of plain scalars."""
    loader: type[Any] = type(f"Core{base.__name__}", (base,), {})
    loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool",
                                                       "tag:yaml.org,2002:int",
                                                       "tag:yaml.org,2002:float")]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return loader


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node).replace("_", "")
    if value.startswith(("0o", "0x")):
        return int(value[2:], 8 if value[1] == "o" else 16)
    return int(value)


#: The safe loader in Python: its composer raises RecursionError on deep nesting.
CoreLoader = _core(yaml.SafeLoader)
#: The same loader on libyaml (some 10 times faster: the bank is read at every command's
#: start), where PyYAML has it. Its composer recurses in C with no limit (a million '['
#: crash the process), so it reads only texts whose nesting is bounded well below what the
#: C stack holds (:data:`FAST_OPENERS`); others go to :data:`CoreLoader`.
FastCoreLoader = _core(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) \
    else CoreLoader
#: Most characters that can open a nesting level ('[', '{', '-', '?') a text may hold to be
#: read by libyaml (nested 20,000 deep, it reads fine; a question file has about 100).
FAST_OPENERS = 10_000


#: What the YAML reader refuses (YAML 1.1 §5.1: printable characters only).
_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                          "\U00010000-\U0010FFFF]")


class YamlProblem(Exception):
    """A document that cannot be read as YAML (at ``line``)."""
    def __init__(self, line: int, message: str, path: KeyPath = ()):
        super().__init__(message)
        self.line, self.message, self.path = line, message, path


@dataclass
class Located:
    """The constructed document and its node tree, for mapping paths to lines."""

    data: Any
    root: yaml.Node

    def line(self, path: KeyPath) -> int:
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


def read_limited(stream: IO[bytes]) -> bytes:
    """At most MAX_BYTES + 1 bytes of ``stream`` (one more than allowed: enough to say it is
    too large without reading an endless stream)."""
    chunks, size = [], 0
    while size <= MAX_BYTES:
        chunk = stream.read(MAX_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def kind(mode: int) -> str:
    """What a file that is not a regular file is."""
    return ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")


def read_file(path: Path) -> bytes:
    """The bytes of a regular file (never blocks on a FIFO, never reads a device)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise YamlProblem(1, f"{kind(mode)}, not a question file")
        size = os.fstat(f.fileno()).st_size
        if size > MAX_BYTES:
            raise YamlProblem(1, f"file is {size / 1e6:.1f} MB; a question file may be at most "
                                 f"{MAX_BYTES // 1_000_000} MB")
        return read_limited(f)


def read_text(path: Path, data: bytes | None = None) -> str:
    """The file's text (or ``data``'s): at most MAX_BYTES, UTF-8, no NUL bytes."""
    if data is None:
        data = read_file(path)
    if len(data) > MAX_BYTES:
        raise YamlProblem(1, f"input is larger than {MAX_BYTES // 1_000_000} MB, the most a "
                             f"question file may be")
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
    bad = _UNPRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YamlProblem(line, f"control character U+{ord(bad.group()):04X} at column "
                                f"{column}: YAML files may hold printable text only")
    openers = sum(text.count(c) for c in "[{-?")
    if openers <= FAST_OPENERS and FastCoreLoader is not CoreLoader:
        try:
            return _composed(text, FastCoreLoader)
        except YamlProblem:
            pass                # the Python reader's message says what it found instead
    return _composed(text, CoreLoader)


def _composed(text: str, reader: type[Any]) -> Located:
    """:func:`load` with one reader."""
    loader = reader(text)
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
