"""Jinja globals: ``lookup``/``query``/``q`` with the common lookup plugins, ``now``.

Lookups run on the controller. Relative file names are searched like Ansible
does: the role's ``files``/``templates`` dir, the role, the playbook's
``files``/``templates`` dir, the playbook dir, the Templar's searchpath.
"""

from __future__ import annotations

import datetime
import glob
import os
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import pass_context

from orch.errors import TemplateError

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar


def _search_dirs(ctx: Any, templar: "Templar", subdir: str) -> list[str]:
    dirs: list[str] = []
    for var in ("role_path", "playbook_dir"):
        base = ctx.parent.get(var) if var in ctx.parent else None
        if isinstance(base, str) and base:
            dirs += [os.path.join(base, subdir), base]
    for base in templar.searchpath:
        dirs += [os.path.join(base, subdir), base]
    dirs.append(os.getcwd())
    return dirs


def find_file(ctx: Any, templar: "Templar", name: str, subdir: str) -> str:
    name = os.path.expanduser(str(name))
    if os.path.isabs(name):
        if os.path.exists(name):
            return name
    else:
        for base in _search_dirs(ctx, templar, subdir):
            candidate = os.path.join(base, name)
            if os.path.exists(candidate):
                return candidate
    raise TemplateError(f"lookup: could not find file {name!r}")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"lookup: cannot read {path!r}: {exc}") from None


def _lookup_env(ctx: Any, templar: "Templar", terms: list, default: Any = "", **_: Any) -> list:
    return [os.environ.get(str(t), default) for t in terms]


def _lookup_file(ctx: Any, templar: "Templar", terms: list, rstrip: bool = True, lstrip: bool = False, **_: Any) -> list:
    out = []
    for term in terms:
        text = _read(find_file(ctx, templar, term, "files"))
        text = text.rstrip() if rstrip else text
        out.append(text.lstrip() if lstrip else text)
    return out


def _lookup_template(ctx: Any, templar: "Templar", terms: list, template_vars: dict | None = None, **_: Any) -> list:
    from orch.templating.templar import _Frame

    out = []
    for term in terms:
        path = find_file(ctx, templar, term, "templates")
        variables = dict(ctx.parent._frame.variables)
        variables.update(template_vars or {})
        out.append(str(templar._render(_read(path), _Frame(variables))))
    return out


def _lookup_pipe(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out = []
    for term in terms:
        proc = subprocess.run(str(term), shell=True, capture_output=True, text=True)
        if proc.returncode != 0:
            raise TemplateError(f"lookup('pipe'): {term!r} exited with {proc.returncode}")
        out.append(proc.stdout.rstrip())
    return out


def _lookup_vars(ctx: Any, templar: "Templar", terms: list, default: Any = None, **kw: Any) -> list:
    out = []
    for term in terms:
        if term in ctx.parent:
            out.append(ctx.parent[term])
        elif "default" in kw or default is not None:
            out.append(default)
        else:
            raise TemplateError(f"undefined variable {term!r}")
    return out


def _lookup_items(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    out: list = []
    for term in terms:
        out.extend(term if isinstance(term, list) else [term])
    return out


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
        bases = [""] if os.path.isabs(pattern) else _search_dirs(ctx, templar, "files")
        for base in bases:
            found = sorted(p for p in glob.glob(os.path.join(base, pattern)) if os.path.isfile(p))
            if found:
                out.extend(found)
                break
    return out


def _lookup_first_found(ctx: Any, templar: "Templar", terms: list, skip: bool = False, **kw: Any) -> list:
    names: list = []
    for term in terms:
        if isinstance(term, dict):
            files, paths = term.get("files", []), term.get("paths", [])
            names += [os.path.join(p, f) for p in paths for f in files] if paths else list(files)
        elif isinstance(term, list):
            names += term
        else:
            names.append(term)
    for name in names:
        try:
            return [find_file(ctx, templar, name, "files")]
        except TemplateError:
            continue
    if skip:
        return []
    raise TemplateError(f"lookup('first_found'): none of {names!r} found")


LOOKUPS: dict[str, Callable[..., list]] = {
    "env": _lookup_env,
    "file": _lookup_file,
    "template": _lookup_template,
    "pipe": _lookup_pipe,
    "vars": _lookup_vars,
    "items": _lookup_items,
    "list": _lookup_list,
    "dict": _lookup_dict,
    "fileglob": _lookup_fileglob,
    "first_found": _lookup_first_found,
}


def _short(name: str) -> str:
    for prefix in ("ansible.builtin.", "ansible.legacy."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def make_globals(templar: "Templar") -> dict[str, Any]:
    def run(ctx: Any, name: str, terms: tuple, kwargs: dict) -> list:
        plugin = LOOKUPS.get(_short(str(name)))
        if plugin is None:
            raise TemplateError(f"lookup plugin {name!r} is not supported by orch")
        errors = kwargs.pop("errors", "strict")
        try:
            return plugin(ctx, templar, list(terms), **kwargs)
        except TemplateError:
            if errors == "ignore" or errors == "warn":
                return []
            raise

    @pass_context
    def lookup(ctx: Any, name: str, *terms: Any, wantlist: bool = False, **kwargs: Any) -> Any:
        results = run(ctx, name, terms, kwargs)
        if wantlist:
            return results
        if all(isinstance(r, str) for r in results):
            return ",".join(results)
        return results

    @pass_context
    def query(ctx: Any, name: str, *terms: Any, **kwargs: Any) -> list:
        kwargs.pop("wantlist", None)
        return run(ctx, name, terms, kwargs)

    def now(utc: bool = False, fmt: str | None = None) -> Any:
        value = datetime.datetime.now(datetime.timezone.utc) if utc else datetime.datetime.now()
        return value.strftime(fmt) if fmt else value

    return {"lookup": lookup, "query": query, "q": query, "now": now}
