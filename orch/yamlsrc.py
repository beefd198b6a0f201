"""YAML loading that remembers where each value came from.

Ansible users expect errors to point at file:line:column. PyYAML knows the
position of every node while it builds; this loader keeps it on the values it
returns (``LocDict``, ``LocList``, ``LocStr`` behave exactly like dict, list
and str) so any later stage can call :func:`location_of` on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from orch import yamlguard
from orch.errors import Location, ParseError

try:  # the C loader is several times faster; fall back when libyaml is absent
    _BaseLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


_PYTHON_DEPTH = 100  # where to look for the culprit when construction ran out of Python stack


class LocDict(dict):
    __slots__ = ("loc",)


class LocList(list):
    __slots__ = ("loc",)


class LocStr(str):
    __slots__ = ("loc",)


class VaultText(str):
    """An inline ``!vault`` value, still encrypted; decrypted by the vault layer."""

    __slots__ = ("loc",)


class DecryptedText(str):
    """The plaintext of a ``!vault`` value, remembering its payload (the ``unvault`` filter opens that)."""

    __slots__ = ("payload",)


class UnsafeText(str):
    """An ``!unsafe`` value: never templated."""

    __slots__ = ("loc",)


# The vault of the current run (orch.vault.Vault), set by the CLI around loading and running.
# A module-level hook because vars files are also read deep inside the engine (vars_files,
# include_vars), which should not need to know about vaults; None: vaulted data is an error.
_vault: Any = None


def set_vault(vault: Any) -> Any:
    """Install the vault used for encrypted files and ``!vault`` values; returns the previous one."""
    global _vault
    previous, _vault = _vault, vault
    return previous


def vault_installed() -> bool:
    return _vault is not None


def decrypt_if_vaulted(text: str, source: str) -> str:
    """The plaintext of a vault-encrypted file's text; other text unchanged."""
    if not text.lstrip().startswith("$ANSIBLE_VAULT"):
        return text
    if _vault is None:
        from orch.errors import VaultError

        raise VaultError("this file is vault-encrypted: give --vault-password-file, --ask-vault-pass or --vault-id",
                         location=Location(source, 1))
    return _vault.open_file(text, source)


def location_of(value: Any, default: Location | None = None) -> Location | None:
    return getattr(value, "loc", None) or default


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    source_name = "<string>"

    def _loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.source_name, mark.line + 1, mark.column + 1)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's own constructors fail with Python errors on some tagged scalars
        # ('!!int' empty: IndexError, '!!timestamp 2001-13-45': ValueError); locate them here.
        try:
            return super().construct_object(node, deep)
        except (ParseError, yaml.YAMLError, RecursionError):
            raise
        except (ValueError, IndexError, TypeError, ArithmeticError) as exc:
            raise ParseError(f"invalid YAML: bad {node.tag.rsplit(':', 1)[-1]} value {str(node.value)[:40]!r} ({exc})",
                             location=self._loc(node)) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    result = LocDict()
    result.loc = loader._loc(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ParseError("a mapping key must be a plain value", location=loader._loc(key_node)) from None
        if key in result:
            # Ansible warns and keeps the last; a silent overwrite hides real mistakes, so we say it.
            raise ParseError(f"duplicate key {key!r}", location=loader._loc(key_node))
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    result = LocList(loader.construct_object(child, deep=True) for child in node.value)
    result.loc = loader._loc(node)
    return result


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> LocStr:
    result = LocStr(loader.construct_scalar(node))
    result.loc = loader._loc(node)
    return result


def _tagged_str(cls: type) -> Any:
    def construct(loader: _Loader, node: yaml.ScalarNode) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise ParseError(f"{node.tag} must tag a string", location=loader._loc(node))
        result = cls(loader.construct_scalar(node))
        result.loc = loader._loc(node)
        if cls is VaultText and _vault is not None:
            _vault.noticed(result)  # checked right after loading: a wrong password stops the run early
        return result

    return construct


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("!vault", _tagged_str(VaultText))
def _construct_unsafe(loader: _Loader, node: yaml.Node) -> Any:
    """``!unsafe`` on a string, or on a list or mapping: every string inside is never templated."""
    if isinstance(node, yaml.ScalarNode):
        return _tagged_str(UnsafeText)(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _all_unsafe(_construct_sequence(loader, node))
    return _all_unsafe(_construct_mapping(loader, node))


def _all_unsafe(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, UnsafeText):
        unsafe = UnsafeText(value)
        unsafe.loc = getattr(value, "loc", None)
        return unsafe
    if isinstance(value, list):
        value[:] = [_all_unsafe(item) for item in value]
    elif isinstance(value, dict):
        for key in list(value):
            value[key] = _all_unsafe(value[key])
    return value


_Loader.add_constructor("!unsafe", _construct_unsafe)


def loads(text: str, source: str = "<string>") -> Any:
    """Parse one YAML document; errors become ParseError with file:line:column."""
    loader = _Loader(text)
    loader.source_name = source
    try:
        yamlguard.check_depth(text, source, _Loader)
        node = loader.get_single_node()
        if "*" in text:  # only aliases can make a document expand
            yamlguard.check_expansion(node, source)
        return loader.construct_document(node) if node is not None else None
    except ParseError:
        raise
    except RecursionError:
        # too deep for Python's construction: find where, with a lower bound, for a file:line
        yamlguard.check_depth(text, source, _Loader, limit=_PYTHON_DEPTH, force=True)
        raise ParseError("invalid YAML: nested too deeply", location=Location(source)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(f"invalid YAML: {problem}", location=loc) from None
    except yaml.reader.ReaderError as exc:  # a control character (NUL, ...): a position, not a mark
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise ParseError(f"invalid YAML: unacceptable character #x{code:04x} (control characters are not "
                         "allowed)", location=Location(source, line, column)) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ParseError(f"invalid YAML: {exc}", location=Location(source)) from None
    finally:
        loader.dispose()


def not_utf8(path: str | Path, exc: UnicodeDecodeError) -> ParseError:
    """The error for a file that is not UTF-8, at the line of the first bad byte."""
    data = exc.object if isinstance(exc.object, bytes) else b""
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return ParseError(f"not a UTF-8 text file (byte {exc.start})", location=Location(str(path), line, column))


def load_file(path: str | Path) -> Any:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are ParseErrors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParseError("file not found", location=Location(str(path))) from None
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror}", location=Location(str(path))) from None
    plain = decrypt_if_vaulted(text, str(path))
    data = loads(plain, str(path))
    if plain is not text:
        _vault.remember(data)  # every value of an encrypted file is a secret
    return data
