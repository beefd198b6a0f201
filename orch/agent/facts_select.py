"""Which fact collectors a ``gather_subset`` asks for, by Ansible's rules.

A subset word is a collector's name (``distribution``, ``env``, ``hardware``), one of
the fact names a collector gives (``devices`` means ``hardware``), ``all``, ``min``,
or any of these after ``!``. The minimal collectors are always gathered unless
``!min`` says otherwise; exclusions alone leave only them; a collector named
explicitly stays even when a broader exclusion covers it.
"""

MINIMAL = frozenset((
    "apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env", "fips", "local", "lsb",
    "pkg_mgr", "platform", "python", "selinux", "service_mgr", "ssh_pub_keys", "user",
))
# Every collector orch knows; facter, ohai and the storage-initiator ones give nothing here.
COLLECTORS = MINIMAL | frozenset((
    "chroot", "loadavg", "systemd", "hardware", "network", "virtual",
    "facter", "ohai", "fibre_channel_wwn", "iscsi", "nvme",
))
# Fact names that stand for the collector giving them.
ALIASES = {
    "hardware": ("devices", "dmi", "mounts", "processor", "processor_cores", "processor_count"),
    "network": ("interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"),
    "virtual": ("virtualization_type", "virtualization_role", "virtualization_tech_guest",
                "virtualization_tech_host"),
    "platform": ("system", "kernel", "kernel_version", "machine", "python_version", "architecture", "machine_id"),
    "distribution": ("distribution_version", "distribution_release", "distribution_major_version", "os_family"),
    "user": ("user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id",
             "effective_user_id", "effective_group_ids"),
    "chroot": ("is_chroot",),
    "caps": ("system_capabilities", "system_capabilities_enforced"),
    "ssh_pub_keys": tuple("ssh_host_key_%s_public" % kind for kind in ("dsa", "rsa", "ecdsa", "ed25519"))
    + tuple("ssh_host_key_%s_public_keytype" % kind for kind in ("dsa", "rsa", "ecdsa", "ed25519")),
    "facter": ("facter",),
}
# Collectors that need others' facts bring them along (on Linux, as Ansible's do).
REQUIRES = {"hardware": ("platform",), "network": ("distribution", "platform"), "pkg_mgr": ("distribution",),
            "service_mgr": ("platform", "distribution")}
_OWNER = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
VALID = COLLECTORS | frozenset(_OWNER)


def words(gather_subset):
    """gather_subset as a list of words: a list, or one comma-separated string."""
    if isinstance(gather_subset, (list, tuple)):
        return [str(word).strip() for word in gather_subset]
    return [word.strip() for word in str(gather_subset or "all").split(",") if word.strip()]


def _expand(word):
    """The collector names a word covers (a collector with its aliases, or an alias's collector)."""
    return {word, *ALIASES.get(word, ())}


def collectors(gather_subset):
    """The collector names to run; ValueError names an unknown subset (an unknown exclusion is ignored)."""
    added, excluded, explicit = set(MINIMAL), set(), set()
    for word in words(gather_subset) or ["all"]:
        negated = word.startswith("!")
        name = word[1:] if negated else word
        if name == "min":
            (excluded if negated else added).update(MINIMAL)
        elif name == "all":
            if negated:
                excluded.update(VALID - MINIMAL)
            else:
                added.update(VALID)
        elif negated:
            excluded.update(_expand(name))
        elif name in VALID:
            explicit.add(name)
            added.add(name)
        else:
            raise ValueError("gather_subset: unknown subset %r (known: all, min, %s)"
                             % (name, ", ".join(sorted(VALID))))
    chosen = {_OWNER.get(name, name) for name in added - (excluded - explicit)}
    return chosen.union(*(REQUIRES.get(name, ()) for name in chosen))
