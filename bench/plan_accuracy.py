"""How right are dry runs? orch plan vs ansible-playbook --check, step by step.

    python bench/plan_accuracy.py            (needs `orch lab up 3`, and bench/.venvs from run.py)

For each playbook and scenario (fresh hosts, partly converged hosts, hosts changed
by hand) the dry run's status of every (host, task) is compared with what the real
run that follows reports. Writes bench/PLAN_ACCURACY.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LAB = Path(os.environ.get("ORCH_HOME", "~/.orch")).expanduser() / "labs" / "lab"
ANSIBLE = HERE / ".venvs" / "ansible" / "bin" / "ansible-playbook"

UNDO_APP = ("/etc/init.d/orchdemo stop >/dev/null 2>&1; rm -rf /opt/orchdemo /etc/orchdemo.ini /etc/init.d/orchdemo; "
            "userdel orchdemo 2>/dev/null; groupdel orchdemo 2>/dev/null; true")
UNDO_PLAN = "rm -rf /tmp/orch-plan; userdel orchplan 2>/dev/null; groupdel orchplan 2>/dev/null; true"
UNDO_BENCH = ("rm -rf /opt/benchapp /etc/default/benchapp; userdel benchapp 2>/dev/null; groupdel benchapp 2>/dev/null;"
              " sed -i '/BENCHAPP_HOME/d' /etc/environment; sed -i '/managed host/d' /etc/motd; true")
CASES = {
    "sample app": (ROOT / "playbooks" / "deploy-app.yml", UNDO_APP, {
        "partly converged": "rm -f /etc/orchdemo.ini; chmod 0600 /opt/orchdemo/releases/1.0.0/app.py",
        "changed by hand": "echo 'port = 9999' >> /etc/orchdemo.ini; rm -f /opt/orchdemo/current",
    }),
    "users and files": (ROOT / "tests" / "data" / "playbooks" / "plans" / "site.yml", UNDO_PLAN, {
        "partly converged": "rm -rf /tmp/orch-plan/extra.conf /tmp/orch-plan/current.conf",
        "changed by hand": "echo port=1 > /tmp/orch-plan/app.conf; chmod 0700 /tmp/orch-plan",
    }),
    "bench deploy": (HERE / "deploy.yml", UNDO_BENCH, {
        "partly converged": "rm -rf /opt/benchapp/etc; userdel benchapp",
        "changed by hand": "echo tampered >> /opt/benchapp/etc/app.conf; rm /opt/benchapp/current",
    }),
}


def inventory() -> Path:
    """The lab's hosts in every group the playbooks target."""
    path = HERE / ".work" / "accuracy.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    hosts = [f"lab{i} ansible_host=127.0.10.{i}" for i in (1, 2, 3)]
    text = "[lab]\n" + "\n".join(hosts) + "\n[web:children]\nlab\n[bench:children]\nlab\n[all:vars]\nansible_user=root\n"
    text += f"ansible_ssh_private_key_file={LAB / 'id_ed25519'}\norch_known_hosts_file={LAB / 'known_hosts'}\n"
    text += "ansible_python_interpreter=/usr/bin/python3\n"
    path.write_text(text)
    return path


def shell(inv: Path, command: str) -> None:
    subprocess.run([sys.executable, "-m", "orch", "exec", "all", "-i", str(inv), "-m", "shell", "-a", command],
                   capture_output=True, check=False)


def orch_statuses(book: Path, inv: Path, dry: bool) -> dict:
    cmd = [sys.executable, "-m", "orch", "plan" if dry else "run", str(book), "-i", str(inv), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT)).stdout
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {(e["host"], e["task"]): e["status"] for e in events if e["event"] == "task_result"
            and e["task"] != "Gathering Facts"}


_TASK = re.compile(r"^(?:TASK|RUNNING HANDLER) \[(.*)\]")
_LINE = re.compile(r"^(ok|changed|skipping|fatal): \[([^\]]+)\](.*)")


def ansible_statuses(book: Path, inv: Path, dry: bool) -> dict:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="True",
               ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={LAB / 'known_hosts'} -o ControlMaster=auto -o ControlPersist=60s")
    cmd = [str(ANSIBLE), "-i", str(inv), str(book)] + (["--check"] if dry else [])
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT)).stdout
    statuses, task = {}, None
    for line in out.splitlines():
        if m := _TASK.match(line):
            task = m.group(1)
        elif (m := _LINE.match(line)) and task and task != "Gathering Facts" and "=> (item=" not in m.group(3):
            word = {"skipping": "skipped", "fatal": "failed"}.get(m.group(1), m.group(1))
            statuses[(m.group(2), task.split(" : ")[-1])] = word
    return statuses


def compare(predicted: dict, actual: dict) -> Counter:
    tally = Counter()
    for key, real in actual.items():
        guess = predicted.get(key, "missing")
        if guess == "unknown":
            tally["unknown (would run)" if real == "changed" else "unknown"] += 1
        elif guess == real:
            tally["right"] += 1
        else:
            tally["wrong"] += 1
    tally["steps"] = len(actual)
    return tally


def main() -> None:
    inv = inventory()
    rows = []
    for name, (book, undo, perturb) in CASES.items():
        for scenario in ("fresh hosts", "partly converged", "changed by hand"):
            for tool, statuses in (("orch", orch_statuses), ("ansible", ansible_statuses)):
                shell(inv, undo)
                if scenario != "fresh hosts":
                    statuses(book, inv, dry=False)  # converge, then disturb
                    shell(inv, perturb[scenario])
                tally = compare(statuses(book, inv, dry=True), statuses(book, inv, dry=False))
                rows.append((name, scenario, tool, tally))
                print(name, scenario, tool, dict(tally), flush=True)
    lines = ["# Dry runs compared with the runs that follow", "",
             "Per (host, task): the dry run's status equals the real run's (right), differs or is missing "
             "(wrong), or is `unknown` (orch: would run, effect not knowable; counted apart). "
             "Produced by `python bench/plan_accuracy.py` on a 3-host lab.", "",
             "| playbook | scenario | tool | steps | right | wrong | unknown |", "|---|---|---|---|---|---|---|"]
    totals = {"orch": Counter(), "ansible": Counter()}
    for name, scenario, tool, tally in rows:
        unknown = tally["unknown (would run)"] + tally["unknown"]
        lines.append(f"| {name} | {scenario} | {tool} | {tally['steps']} | {tally['right']} | {tally['wrong']} | {unknown} |")
        totals[tool].update(tally)
    lines.append("")
    for tool, t in totals.items():
        lines.append(f"- {tool}: {t['right']} of {t['steps']} steps right, {t['wrong']} wrong, "
                     f"{t['unknown (would run)'] + t['unknown']} unknown")
    (HERE / "PLAN_ACCURACY.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
