"""Faults in the middle of a run, on a lab of its own (these tests break hosts on purpose)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import interruptible, orch, private_lab

pytestmark = pytest.mark.integration
FAULT_LAB = "orchfault"
FAULT_NET = int(os.environ.get("ORCH_FAULT_NET", "78"))


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def fault_lab(orch_home):
    with private_lab(FAULT_LAB, 2, FAULT_NET) as lab:
        yield lab


def _restart(container: str, address: str) -> None:
    import docker

    docker.from_env().containers.get(container).restart(timeout=1)
    from orch.lab.lab import _wait_for_ssh

    _wait_for_ssh(address, time.time() + 30)


def _slow_book(tmp_path, seconds: int = 6):
    book = tmp_path / "slow.yml"
    book.write_text("- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: echo started\n"
                    f"    - debug: msg=between\n    - command: sleep {seconds}\n    - debug: msg=after\n")
    return book


def _when_started(proc, path, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if "started" in path.read_text():
            return
        time.sleep(0.1)


def _popen_run(book, inventory, out):
    exe = shutil.which("orch", path=os.path.dirname(sys.executable)) or "orch"
    return subprocess.Popen([exe, "run", str(book), "-i", str(inventory), "--json"], stdout=out,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=interruptible)


def test_sshd_killed_mid_run_only_that_host_is_lost(fault_lab, tmp_path):
    hosts, directory = fault_lab
    victim = hosts[0]
    out_path = tmp_path / "out.jsonl"
    with open(out_path, "w") as out:
        proc = _popen_run(_slow_book(tmp_path), directory / "inventory.yml", out)
        _when_started(proc, out_path)
        subprocess.run(["docker", "exec", victim.container, "pkill", "-f", "sshd: root"], check=False)
        proc.wait(timeout=120)
    summary = _events(out_path.read_text())[-1]["hosts"]
    assert proc.returncode == 4
    assert summary[victim.name]["unreachable"] == 1
    assert summary[hosts[1].name]["failed"] == 0 and summary[hosts[1].name]["ok"] == 4


def test_container_stopped_mid_run_over_docker(fault_lab, tmp_path):
    hosts, directory = fault_lab
    victim = hosts[1]
    out_path = tmp_path / "out.jsonl"
    try:
        with open(out_path, "w") as out:
            proc = _popen_run(_slow_book(tmp_path), directory / "inventory-docker.yml", out)
            _when_started(proc, out_path)
            subprocess.run(["docker", "stop", "-t", "0", victim.container], check=True, capture_output=True)
            proc.wait(timeout=120)
        summary = _events(out_path.read_text())[-1]["hosts"]
        assert proc.returncode == 4, proc.stderr.read()
        assert summary[victim.name]["unreachable"] == 1
        assert summary[hosts[0].name]["ok"] == 4
    finally:
        _restart(victim.container, victim.address)


def test_a_host_that_never_answers_times_out(fault_lab, tmp_path):
    hosts, directory = fault_lab
    silent = socket.socket()
    silent.bind(("127.0.250.77", 0))  # accepts TCP, never speaks SSH
    silent.listen(5)
    port = silent.getsockname()[1]
    stop = threading.Event()

    def hold():
        conns = []
        while not stop.is_set():
            silent.settimeout(0.2)
            try:
                conns.append(silent.accept()[0])
            except OSError:
                pass

    threading.Thread(target=hold, daemon=True).start()
    inv = tmp_path / "inv.ini"
    inv.write_text(f"{hosts[0].name} ansible_host={hosts[0].address}\n"
                   f"silent ansible_host=127.0.250.77 ansible_port={port} ansible_timeout=2\n"
                   f"[all:vars]\nansible_user=root\nansible_ssh_private_key_file={directory / 'id_ed25519'}\n"
                   f"orch_known_hosts_file={directory / 'known_hosts'}\n")
    started = time.time()
    try:
        res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    finally:
        stop.set()
        silent.close()
    assert res.returncode == 4
    assert time.time() - started < 20
    assert "silent | UNREACHABLE" in res.stdout and "timed out" in res.stdout.lower()
    assert f"{hosts[0].name} | SUCCESS" in res.stdout


def test_sigint_stops_agents_and_records_the_interruption(fault_lab, tmp_path):
    hosts, directory = fault_lab
    out_path = tmp_path / "out.jsonl"
    with open(out_path, "w") as out:
        proc = _popen_run(_slow_book(tmp_path, seconds=5), directory / "inventory.yml", out)
        _when_started(proc, out_path)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    assert proc.returncode == 130
    time.sleep(1)
    for host in hosts:  # no agent left running on any host
        ps = subprocess.run(["docker", "exec", host.container, "sh", "-c", "ps -eo args | grep -c '[p]ython3 -c' || true"],
                            capture_output=True, text=True)
        assert ps.stdout.strip() == "0", ps.stdout


def test_disk_full_during_copy_keeps_the_original(fault_lab, tmp_path):
    import docker

    from orch.lab.image import image_tag

    client = docker.from_env()
    name = "orchfault-smalldisk"
    try:
        client.containers.get(name).remove(force=True)
    except docker.errors.NotFound:
        pass
    container = client.containers.run(image_tag(), ["sleep", "infinity"], name=name, detach=True,
                                      tmpfs={"/mnt/small": "size=128k"}, labels={"orch.lab": FAULT_LAB})
    try:
        container.exec_run(["sh", "-c", "echo original > /mnt/small/app.conf"])
        big = tmp_path / "big.conf"
        big.write_bytes(b"x" * 512 * 1024)  # four times the disk
        inv = tmp_path / "inv.yml"
        inv.write_text(f"all:\n  hosts:\n    small:\n      ansible_connection: docker\n      ansible_host: {name}\n")
        book = tmp_path / "full.yml"
        book.write_text(f"- hosts: small\n  gather_facts: false\n  tasks:\n"
                        f"    - copy: src={big} dest=/mnt/small/app.conf\n")
        res = orch("run", str(book), "-i", str(inv), "--json")
        assert res.returncode == 1
        failed = [json.loads(line) for line in res.stdout.splitlines() if '"task_result"' in line][0]
        assert failed["status"] == "failed" and "space" in failed["result"]["msg"].lower()
        after = container.exec_run(["sh", "-c", "cat /mnt/small/app.conf; ls -A /mnt/small; ls -A /tmp"]).output.decode()
        assert after.splitlines()[0] == "original"  # the file is intact
        assert after.splitlines()[1:] == ["app.conf"]  # and no temp file was left in the directory
        assert "orch" not in after  # nor a staged file in /tmp
    finally:
        container.remove(force=True)
