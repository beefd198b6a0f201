"""Jinja globals: ``lookup``/``query``/``q`` with the common lookup plugins, ``now``, ``undef``.

Lookups run on the controller; each family has a module of its own (``lookup_*.py``),
this one holds the simple ones and the table. Files are found as in ``lookup_paths``.
"""

from __future__ import annotations

import datetime
import glob
import os
import re
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import pass_context

from orch.errors import TemplateError
from orch.templating import py_plugins, trust
from orch.templating.lookup_config import lookup_config
from orch.templating.lookup_csvfile import lookup_csvfile
from orch.templating.lookup_ini import lookup_ini
from orch.templating.lookup_names import lookup_inventory_hostnames, lookup_varnames
from orch.templating.lookup_paths import find_file, find_optional, read_text, search_dirs
from orch.templating.py_lookup import run_lookup
from orch.templating.password_lookup import lookup_password
from orch.templating.sequence import lookup_sequence
from orch.templating.undefined import MandatoryUndefined, OrchUndefined
from orch.templating.template_vars import template_vars as about_template
from orch.yamlsrc import UnsafeText

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar


class EnvText(str):
    """An environment variable's value, which knows where it came from (``ansible._protomatter.origin``)."""

    __slots__ = ("origin",)


def _env_value(name: str, default: Any) -> Any:
    if name not in os.environ:
        if isinstance(default, MandatoryUndefined):  # default=undef(): say which variable is missing
            return OrchUndefined(hint=f"environment variable {name!r} is not set")
        return default
    value = EnvText(os.environ[name])
    value.origin = f"<environment variable {name!r}>"
    return value


def _lookup_env(ctx: Any, templar: "Templar", terms: list, default: Any = "", **_: Any) -> list:
    return [_env_value(str(t), default) for t in terms]


def _lookup_file(ctx: Any, templar: "Templar", terms: list, rstrip: bool = True, lstrip: bool = False, **_: Any) -> list:
    out = []
    for term in terms:
        text = read_text(find_file(ctx, templar, term, "files"), templar)
        text = text.rstrip() if rstrip else text
        out.append(text.lstrip() if lstrip else text)
    return out


def _lookup_unvault(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """Each file's text as it is, decrypted when vault-encrypted."""
    return [read_text(find_file(ctx, templar, term, "files"), templar) for term in terms]


def _lookup_template(ctx: Any, templar: "Templar", terms: list, template_vars: dict | None = None,
                     **options: Any) -> list:
    from orch.templating.template_options import OPTION_NAMES

    unknown = sorted(set(options) - OPTION_NAMES - {"convert_data", "jinja2_native"})
    if unknown:
        raise TemplateError(f"lookup('template'): unknown option(s) {', '.join(unknown)}")
    settings = {k: v for k, v in options.items() if k in OPTION_NAMES}
    out = []
    for term in terms:
        path = find_file(ctx, templar, term, "templates")
        variables = dict(ctx.parent._frame.variables)
        variables.update(about_template(str(term), path))
        variables.setdefault("ansible_managed", "Ansible managed")  # as the template module has it
        variables.update(template_vars or {})
        searchpath = [os.path.dirname(os.path.abspath(path)), *search_dirs(ctx, templar, "templates")]
        out.append(templar.render_value(read_text(path, templar), variables, source=path, options=settings,
                                        searchpath=list(dict.fromkeys(searchpath))))
    return out


def _lookup_pipe(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out = []
    for term in terms:
        proc = subprocess.run(str(term), shell=True, capture_output=True, text=True)
        if proc.returncode != 0:
            raise TemplateError(f"lookup('pipe'): {term!r} exited with {proc.returncode}")
        out.append(proc.stdout.rstrip())
    return out


def _lookup_lines(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """``with_lines``/``lookup('lines')``: each term is a shell command on the controller; its output's lines."""
    out: list = []
    for term in terms:
        proc = subprocess.run(str(term), shell=True, capture_output=True, text=True)
        if proc.returncode != 0:
            raise TemplateError(f"lookup('lines'): {term!r} exited with {proc.returncode}: {proc.stderr.strip()}"[:300])
        out += proc.stdout.splitlines()
    return out


def _lookup_vars(ctx: Any, templar: "Templar", terms: list, default: Any = None, **kw: Any) -> list:
    out = []
    for term in terms:
        if not isinstance(term, str):
            raise TemplateError(f"lookup('vars'): Variable name must be 'str' not '{type(term).__name__}'")
        if term in ctx.parent:
            out.append(ctx.parent[term])
        elif "default" in kw or default is not None:
            out.append(default)
        else:
            raise TemplateError(f"lookup('vars'): No variable named {term!r} was found")
    return out


def _lookup_items(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out: list = []
    for term in terms:
        out.extend(term if isinstance(term, list) else [term])
    return out


def _lookup_indexed_items(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """(index, item) pairs of the terms' items, one level flattened (tuples, as Ansible's: a pair is not
    equal to a list)."""
    return list(enumerate(_lookup_items(ctx, templar, terms)))


def _lookup_list(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    return list(terms)


def _lookup_dict(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out = []
    for term in terms:
        if not isinstance(term, dict):
            raise TemplateError("lookup('dict') expects a dictionary")
        out.extend({"key": k, "value": v} for k, v in term.items())
    return out


def _lookup_fileglob(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out: list = []
    for term in terms:
        pattern = str(term)
        bases = [""] if os.path.isabs(pattern) else search_dirs(ctx, templar, "files")
        for base in bases:
            found = sorted(p for p in glob.glob(os.path.join(base, pattern)) if os.path.isfile(p))
            if found:
                out.extend(found)
                break
    return out


def _split(value: Any, separators: str) -> list[str]:
    """first_found's option lists: a list, or one string split at any of ``separators``."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out += [part for part in re.split(f"[{re.escape(separators)}]", item) if part]
        elif item is not None:
            out.append(str(item))
    return out


def _first_found_names(terms: list, files: Any, paths: Any) -> list[str]:
    names: list[str] = []
    for term in terms or [{}]:
        if isinstance(term, dict):
            term_files, term_paths = _split(term.get("files", files), ",;"), _split(term.get("paths", paths), ",:;")
        elif isinstance(term, list):
            names += _first_found_names(term, files, paths)
            continue
        elif isinstance(term, str):
            term_files, term_paths = [term], _split(paths, ",:;")
        else:
            raise TemplateError(f"first_found: a term must be a string, a mapping or a list, not {type(term).__name__!r}")
        names += [os.path.join(p, f) for p in term_paths for f in term_files] if term_paths else term_files
    return names


def _lookup_first_found(ctx: Any, templar: "Templar", terms: list, skip: bool = False, files: Any = None,
                        paths: Any = None, _subdir: str = "files", **kw: Any) -> list:
    skip = skip or any(isinstance(t, dict) and t.get("skip") for t in terms)
    names = _first_found_names(terms, files or [], paths or [])
    for name in names:
        found = find_optional(ctx, templar, name, _subdir)
        if found is not None:
            return [os.path.normpath(found)]
    if skip:
        return []
    raise TemplateError(f"lookup('first_found'): none of {names!r} found")


_SUBELEMENTS_USAGE = ("subelements expects a list of two or three items: first a dict or a list, second a string "
                      "naming the sub-list (dotted for nested keys), optionally a dict of flags")


def _lookup_subelements(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """``with_subelements: [list, 'key', {skip_missing: true}]``: each element with each of its sub-list's items."""
    if len(terms) not in (2, 3):
        raise TemplateError(_SUBELEMENTS_USAGE)
    elements, key = terms[0], terms[1]
    if not isinstance(elements, (list, dict)):
        raise TemplateError(_SUBELEMENTS_USAGE)
    if not isinstance(key, str):
        raise TemplateError(_SUBELEMENTS_USAGE)
    flags = terms[2] if len(terms) == 3 else {}
    if not isinstance(flags, dict):
        raise TemplateError("subelements: the optional third item must be a dict with flags (skip_missing)")
    skip_missing = bool(flags.get("skip_missing"))
    if isinstance(elements, dict):
        if elements.get("skipped"):
            return []  # a skipped task's registered result: nothing to loop over
        elements = list(elements.values())
    out: list = []
    for element in elements:
        if not isinstance(element, dict):
            raise TemplateError(f"subelements: {element!r} is not a mapping")
        if element.get("skipped"):
            continue
        value: Any = element
        for part in key.split("."):
            if value is None and skip_missing:
                value = []  # an empty key on the way counts as missing
                break
            if not isinstance(value, dict):
                raise TemplateError(f"subelements: the key {key!r} should point to a dictionary, got {value!r}"[:300])
            if part not in value:
                if skip_missing:
                    value = []
                    break
                raise TemplateError(f"subelements: could not find {part!r} key in iterated item {element!r}"[:300])
            value = value[part]
        if not isinstance(value, list):
            raise TemplateError(f"subelements: the key {key!r} should point to a list, got {value!r}"[:300])
        out += [[element, sub] for sub in value]
    return out


LOOKUPS: dict[str, Callable[..., list]] = {
    "env": _lookup_env,
    "file": _lookup_file,
    "template": _lookup_template,
    "pipe": _lookup_pipe,
    "lines": _lookup_lines,
    "vars": _lookup_vars,
    "items": _lookup_items,
    "indexed_items": _lookup_indexed_items,
    "list": _lookup_list,
    "dict": _lookup_dict,
    "fileglob": _lookup_fileglob,
    "first_found": _lookup_first_found,
    "subelements": _lookup_subelements,
    "sequence": lookup_sequence,
    "password": lookup_password,
    "unvault": _lookup_unvault,
    "varnames": lookup_varnames,
    "inventory_hostnames": lookup_inventory_hostnames,
    "csvfile": lookup_csvfile,
    "ini": lookup_ini,
    "config": lookup_config,
}


def _short(name: str) -> str:
    for prefix in ("ansible.builtin.", "ansible.legacy."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _single(results: list) -> Any:
    """``lookup()``'s value (not ``query()``'s): one result as itself, several strings joined with commas."""
    if len(results) == 1:
        return results[0]
    if results and all(isinstance(r, str) for r in results):
        return ",".join(results)
    return results


def _as_data(value: Any) -> Any:
    """A lookup's text (a file's content, a command's output) is data: never templated again, as in
    Ansible 2.19. Strings from the playbook itself (``items``, ``list``) keep what they were."""
    if type(value) is str:
        return UnsafeText(value)
    if isinstance(value, list):
        return [_as_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_data(item) for key, item in value.items()}
    return value


def make_globals(templar: "Templar") -> dict[str, Any]:
    def run(ctx: Any, name: str, terms: tuple, kwargs: dict) -> list:
        found = py_plugins.find("lookup", str(name))  # a plugin folder's lookup wins, as over Ansible's builtins
        if found is not None:
            return _run_plugin(ctx, str(name), found, terms, kwargs)
        plugin = LOOKUPS.get(_short(str(name)))
        if plugin is None:
            # Ansible's words for an unknown lookup, and where orch looked
            raise TemplateError(f"lookup plugin {name!r} was not found: orch has no lookup of that name, and no "
                                "lookup_plugins folder or collection it knows has one")
        # A trusted term holding a template is rendered, as Ansible's lookups do ('echo {{ x }}').
        terms = tuple(trust.render_constant(ctx, t) if trust.trusted_template(t) else t for t in terms)
        errors = kwargs.pop("errors", "strict")
        try:
            return [_as_data(result) for result in plugin(ctx, templar, list(terms), **kwargs)]
        except TemplateError:
            if errors == "ignore" or errors == "warn":
                return []
            raise

    def _run_plugin(ctx: Any, name: str, found: Any, terms: tuple, kwargs: dict) -> list:
        if isinstance(found, py_plugins.Failed):
            raise found.error()
        errors = kwargs.pop("errors", "strict")
        try:
            return [_as_data(result) for result in run_lookup(found, ctx, name, list(terms), kwargs)]
        except TemplateError:
            if errors in ("ignore", "warn"):
                return []
            raise

    @pass_context
    def lookup(ctx: Any, name: str, *terms: Any, wantlist: bool = False, **kwargs: Any) -> Any:
        if kwargs.get("errors") in ("ignore", "warn") and not wantlist:
            results = run(ctx, name, terms, kwargs)
            return _single(results) if results else None
        results = run(ctx, name, terms, kwargs)
        return results if wantlist else _single(results)

    @pass_context
    def query(ctx: Any, name: str, *terms: Any, **kwargs: Any) -> list:
        kwargs.pop("wantlist", None)
        return run(ctx, name, terms, kwargs)

    def now(utc: bool = False, fmt: str | None = None) -> Any:
        value = datetime.datetime.now(datetime.timezone.utc) if utc else datetime.datetime.now()
        return value.strftime(fmt) if fmt else value

    return {"lookup": lookup, "query": query, "q": query, "now": now}
