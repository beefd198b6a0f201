"""The variables a template file sees about itself (``template_path``, ``template_mtime``, ...), as in Ansible."""

from __future__ import annotations

import datetime
import os


def template_vars(path: str, found: str, dest: str | None = None) -> dict:
    """``path``: the name as the task gave it; ``found``: the file read; ``dest``: where it goes, if anywhere."""
    fullpath = os.path.abspath(found)
    info = os.stat(fullpath)
    try:
        import pwd
        owner: int | str = pwd.getpwuid(info.st_uid).pw_name
    except (ImportError, KeyError):
        owner = info.st_uid
    return {
        "template_host": os.uname().nodename,
        "template_path": path,
        "template_fullpath": fullpath,
        "template_destpath": dest,
        "template_mtime": datetime.datetime.fromtimestamp(info.st_mtime),
        "template_uid": owner,
        "template_run_date": datetime.datetime.now(),
    }
