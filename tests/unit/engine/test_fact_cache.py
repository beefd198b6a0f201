"""The jsonfile fact cache in Ansible 2.19's layout, and how the settings choose it."""

import json
import os
import time

import pytest

from orch.engine import fact_cache
from orch.engine.fact_cache import FactCacheError, JsonFileCache


def test_a_host_s_facts_round_trip_in_ansible_s_file_layout(tmp_path):
    cache = JsonFileCache(str(tmp_path), "prefix_", 0)
    cache.set("web1", {"ansible_nodename": "web1", "plain": [1, {"a": True}]})
    stored = json.loads((tmp_path / "prefix_s1_web1").read_text())
    assert list(stored) == ["__payload__"] and isinstance(stored["__payload__"], str)
    assert cache.get("web1") == {"ansible_nodename": "web1", "plain": [1, {"a": True}]}
    assert cache.get("web2") is None
    cache.delete("web1")
    assert cache.get("web1") is None and os.listdir(tmp_path) == []


def test_values_ansible_stored_with_tags_read_as_plain_values(tmp_path):
    # as ansible-playbook 2.19 writes a set_fact with cacheable: true
    tagged = {"value": "x", "__ansible_type": "_AnsibleTaggedStr", "tags": [
        {"path": "/p/site.yml", "line_num": 5, "col_num": 34, "__ansible_type": "Origin"},
        {"__ansible_type": "TrustedAsTemplate"}]}
    payload = {"ansible_foobar": tagged, "n": {"value": 1, "tags": [], "__ansible_type": "_AnsibleTaggedInt"},
               "ansible_apparmor": {"status": "disabled"}}
    (tmp_path / "s1_localhost").write_text(json.dumps({"__payload__": json.dumps(payload)}))
    assert JsonFileCache(str(tmp_path), "", 0).get("localhost") == {
        "ansible_foobar": "x", "n": 1, "ansible_apparmor": {"status": "disabled"}}


def test_expired_and_broken_files(tmp_path):
    cache = JsonFileCache(str(tmp_path), "", 60)
    cache.set("old", {"a": 1})
    past = time.time() - 120
    os.utime(tmp_path / "s1_old", (past, past))
    assert cache.get("old") is None
    (tmp_path / "s1_bad").write_text("{not json")
    with pytest.raises(FactCacheError, match="s1_bad cannot be read"):
        cache.get("bad")


def test_the_settings_choose_the_cache(tmp_path, monkeypatch):
    for name in ("ANSIBLE_CACHE_PLUGIN", "ANSIBLE_CACHE_PLUGIN_CONNECTION", "ANSIBLE_CACHE_PLUGIN_PREFIX",
                 "ANSIBLE_CACHE_PLUGIN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANSIBLE_CONFIG", str(tmp_path / "ansible.cfg"))
    monkeypatch.chdir(tmp_path)
    warnings: list[str] = []
    assert fact_cache.configured(warnings.append) is None  # memory, the default: nothing kept
    (tmp_path / "ansible.cfg").write_text("[defaults]\nfact_caching = jsonfile\nfact_caching_connection = facts\n"
                                          "fact_caching_prefix = p_\nfact_caching_timeout = 0\n")
    cache = fact_cache.configured(warnings.append)
    assert (cache.folder, cache.prefix, cache.timeout) == ("facts", "p_", 0) and (tmp_path / "facts").is_dir()
    monkeypatch.setenv("ANSIBLE_CACHE_PLUGIN_CONNECTION", "")  # set but empty: the current folder, as Ansible
    assert fact_cache.configured(warnings.append).folder == "."
    monkeypatch.setenv("ANSIBLE_CACHE_PLUGIN", "redis")
    with pytest.raises(FactCacheError, match="'redis' is not supported by orch"):
        fact_cache.configured(warnings.append)
    monkeypatch.setenv("ANSIBLE_CACHE_PLUGIN", "ansible.builtin.jsonfile")
    monkeypatch.delenv("ANSIBLE_CACHE_PLUGIN_CONNECTION")
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    assert fact_cache.configured(warnings.append) is None and "needs a folder" in warnings[-1]
