"""Public API: vars precedence with extra vars dirs, explain, group_names, source hook, ranges."""

from __future__ import annotations

from pathlib import Path

import pytest

from orch.inventory import Inventory, load_inventory, register_source
from orch.inventory.ranges import RangeError, expand_hosts, split_port

from .conftest import DATA


def test_group_names_like_ansible_magic_var() -> None:
    inv = load_inventory([str(DATA / "patterns.ini")])
    assert inv.hosts["web1.example.com"].group_names == ["eu", "lb", "prod", "web"]
    assert inv.hosts["lone1"].group_names == ["ungrouped"]


def test_extra_vars_dirs_sit_above_inventory_dirs(tmp_path: Path) -> None:
    play = tmp_path / "play"
    (play / "group_vars").mkdir(parents=True)
    (play / "host_vars").mkdir()
    (play / "group_vars" / "all.yml").write_text("v_gall: play-all\nv_g: play-all\n")
    (play / "group_vars" / "web.yml").write_text("v_gweb: play-web\n")
    (play / "host_vars" / "web1.yml").write_text("v_hv: play-web1\n")
    inv = load_inventory([str(DATA / "prec" / "hosts.ini")], extra_vars_dirs=[play])
    v = inv.hosts["web1"].vars
    assert v["v_gall"] == "play-all"  # playbook group_vars/all > inventory group_vars/all
    assert v["v_g"] == "file-web"  # inventory group_vars/web > playbook group_vars/all
    assert v["v_gweb"] == "play-web"
    assert v["v_hv"] == "play-web1"
    assert v["v_p"] == "b"  # folder group_vars/prod/: a.yml then b.yaml, c.txt and hidden skipped
    assert inv.hosts["db1"].vars["v_db"] == "shadowed-by-json?"  # NAME.yml is found before NAME.json


def test_explain_lists_overrides_highest_first() -> None:
    inv = load_inventory([str(DATA / "prec" / "hosts.ini")])
    ex = {e.name: e for e in inv.explain("web2")}
    e = ex["v_hv"]
    assert e.value == "file-web2-b" and "host_vars/web2/b" in e.source
    assert [v for _, v in e.overridden] == ["file-web2-a", "file-all"]
    assert ex["v_list"].overridden == [] and "group_vars/all.yml:4" in ex["v_list"].source


def test_priority_orders_same_depth_groups() -> None:
    inv = load_inventory([str(DATA / "prio" / "hosts.yml")])
    assert inv.hosts["h1"].vars["who"] == "zeta"  # priority 5 beats alpha's default 1
    assert inv.hosts["h3"].vars["who"] == "mid"
    assert inv.hosts["h4"].vars["who"] == "bchild"  # depth beats the parent's priority 100
    assert "ansible_group_priority" not in inv.hosts["h1"].vars


def test_registered_dynamic_source(tmp_path: Path) -> None:
    def fake(inv: Inventory, spec, origin: str) -> None:
        name = spec["name"] if isinstance(spec, dict) else spec
        inv.add_group("dyn")
        inv.add_host(name, "dyn").set_var("ansible_connection", "docker")

    register_source("fakedyn", fake)
    inv = load_inventory(["fakedyn:box1"])
    assert inv.hosts["box1"].vars == {"ansible_connection": "docker"} and inv.select("dyn")[0].name == "box1"
    cfg = tmp_path / "dyn.yml"
    cfg.write_text("plugin: some.collection.fakedyn\nname: box2\n")
    assert [h.name for h in load_inventory([str(cfg)]).select("all")] == ["box2"]


def test_hosts_merge_across_sources() -> None:
    inv = load_inventory([str(DATA / "multi/a/hosts"), str(DATA / "multi/b/inv.yml")])
    h = inv.hosts["shared1"]
    assert h.vars["src"] == "b" and h.vars["gv"] == "b" and h.vars["only_a"] == 1
    assert h.group_names == ["web"]


@pytest.mark.parametrize("pattern,names", [
    ("web[01:03]", ["web01", "web02", "web03"]),
    ("h[1:9:4]x", ["h1x", "h5x", "h9x"]),
    ("[a:c]-[1:2]", ["a-1", "a-2", "b-1", "b-2", "c-1", "c-2"]),
    ("n[:2]", ["n0", "n1", "n2"]),
    ("plain", ["plain"]),
])
def test_expand_hosts(pattern: str, names: list[str]) -> None:
    assert expand_hosts(pattern) == names


@pytest.mark.parametrize("bad", ["w[1:]", "w[1]", "w[01:100]", "w[3:1:0]", "w[c:a]", "w[1:3", "w[1:z]"])
def test_bad_ranges(bad: str) -> None:
    with pytest.raises(RangeError):
        expand_hosts(bad)


def test_split_port() -> None:
    assert split_port("h:22") == ("h", 22)
    assert split_port("h[1:3]:22") == ("h[1:3]", 22)
    assert split_port("h[1:3]") == ("h[1:3]", None)
    assert split_port("fe80::1") == ("fe80::1", None)
    assert split_port("[fe80::1]:2222") == ("fe80::1", 2222)


def test_a_missing_source_is_a_warning(tmp_path: Path) -> None:
    inv = load_inventory([str(tmp_path / "missing")])
    assert inv.warnings == [f"Unable to parse {tmp_path / 'missing'} as an inventory source",
                            "No inventory was parsed, only implicit localhost is available"]


def _big_inventory(root: Path, n: int = 200) -> Path:
    (root / "group_vars").mkdir()
    (root / "host_vars").mkdir()
    lines = []
    for g in range(10):
        lines.append(f"[g{g}]")
        lines += [f"host{g * 20 + i:03d} idx={g * 20 + i}" for i in range(n // 10)]
        (root / "group_vars" / f"g{g}.yml").write_text("".join(f"k{j}: v{g}-{j}\n" for j in range(30)))
    lines += ["[all:vars]", "x=1", "[even:children]"] + [f"g{g}" for g in range(0, 10, 2)]
    (root / "group_vars" / "all.yml").write_text("".join(f"a{j}: {j}\n" for j in range(50)))
    for i in range(0, n, 4):
        (root / "host_vars" / f"host{i:03d}.yml").write_text("hv: 1\n")
    (root / "hosts.ini").write_text("\n".join(lines) + "\n")
    return root / "hosts.ini"


def test_200_hosts_with_group_vars(tmp_path: Path) -> None:
    # no timing assert (DESIGN §5): bench figures come from the same builder
    inv = load_inventory([str(_big_inventory(tmp_path))])
    assert len(inv.hosts) == 200 and inv.hosts["host004"].vars["hv"] == 1
    assert inv.hosts["host021"].vars["k3"] == "v1-3" and len(inv.select("even")) == 100
