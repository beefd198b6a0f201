"""The floor: Python + paramiko connect to every host in parallel and run `true`."""

import sys
import threading

# As orch does (orch/connection/paramiko_import.py): paramiko without invoke, which only
# ssh_config's `Match exec` needs. The floor must not pay for what orch does not.
sys.modules["invoke"] = None
import paramiko  # noqa: E402


def one(address: str, key: str, known_hosts: str, errors: list) -> None:
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(address, username="root", key_filename=key, look_for_keys=False, allow_agent=False)
        _, stdout, _ = client.exec_command("true")
        stdout.channel.recv_exit_status()
    except Exception as exc:  # noqa: BLE001 - reported below
        errors.append(f"{address}: {exc}")
    finally:
        client.close()


def main() -> None:
    key, known_hosts, *addresses = sys.argv[1:]
    errors: list = []
    threads = [threading.Thread(target=one, args=(a, key, known_hosts, errors)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit("\n".join(errors))


if __name__ == "__main__":
    main()
