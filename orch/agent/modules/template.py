"""template: the controller renders; the agent writes the result exactly like copy.

Same transfer fields as copy (``_content_b64`` or ``_checksum`` first) and
Ansible's template return keys (dest, checksum, md5sum, size, mode, owner, ...).
"""

from __future__ import annotations

from .copy import copy


def run(ctx, args):
    args = dict(args)
    args.pop("remote_src", None)  # a template is always rendered on the controller
    return copy(ctx, args, module="template")
