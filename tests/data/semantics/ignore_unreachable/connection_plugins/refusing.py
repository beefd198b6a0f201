# A connection plugin of the playbook's own: Ansible runs it and it refuses to connect;
# orch has no transport for it. Either way the host is unreachable.
from __future__ import annotations

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.connection.local import Connection as Local


class Connection(Local):
    transport = "refusing"

    def _connect(self):
        raise AnsibleConnectionFailure("refusing: no connection on purpose")
