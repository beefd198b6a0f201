"""A Vagrant project directory: its Vagrantfile, orch's ``orch.yml`` beside it, images to build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orch.errors import Location, OrchError, ParseError, UsageError

SIDECAR = "orch.yml"


@dataclass
class ImageSpec:
    tag: str
    context: Path


@dataclass
class Project:
    root: Path
    groups: Any = None  # ansible.groups shape, parsed by parse.groups_inventory
    images: list[ImageSpec] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        """Vagrant's own state directory; orch keeps its generated files there too."""
        return self.root / ".vagrant"

    @property
    def known_hosts(self) -> Path:
        return self.data_dir / "orch_known_hosts"

    @property
    def host_ids(self) -> Path:
        """Which machine (Vagrant's id) each recorded key belongs to."""
        return self.data_dir / "orch_host_ids.json"

    @property
    def inventory_file(self) -> Path:
        return self.data_dir / "orch_inventory.yml"

    def sidecar_origin(self) -> str:
        return str(self.root / SIDECAR)


def open_project(directory: str | Path | None) -> Project:
    """The project in ``directory`` (default: the current one); it must hold a Vagrantfile."""
    root = Path(directory or ".").expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"vagrant project {root} is not a directory")
    if not (root / "Vagrantfile").is_file():
        raise UsageError(f"no Vagrantfile in {root} (give the project directory: orch vagrant ... DIR)")
    project = Project(root)
    sidecar = root / SIDECAR
    if sidecar.is_file():
        _read_sidecar(project, sidecar)
    return project


def _read_sidecar(project: Project, path: Path) -> None:
    from orch import yamlsrc

    data = yamlsrc.load_file(str(path)) or {}
    if not isinstance(data, dict):
        raise ParseError("orch.yml must be a mapping (groups:, images:)", location=Location(str(path), 1))
    unknown = set(data) - {"groups", "images"}
    if unknown:
        raise ParseError(f"orch.yml: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                         "(known: groups, images)", location=Location(str(path), 1))
    project.groups = data.get("groups")
    for item in data.get("images") or []:
        if not isinstance(item, dict) or not item.get("tag") or not item.get("context"):
            raise ParseError("orch.yml: each image needs 'tag' and 'context'", location=Location(str(path), 1))
        project.images.append(ImageSpec(str(item["tag"]), (project.root / str(item["context"])).resolve()))


def build_images(project: Project, log=lambda message: None) -> None:
    """Build the project's images FROM orch's lab base image (built offline if missing).

    Vagrant's docker provider never pulls (``d.pull`` is false), but ``docker run`` of a
    missing image would try Docker Hub; building first makes ``up`` fully offline.
    """
    if not project.images:
        return
    from orch.lab.image import ensure_image
    from orch.lab.lab import docker_client

    client = docker_client()
    base = ensure_image(client, log)
    for spec in project.images:
        if not (spec.context / "Dockerfile").is_file():
            raise UsageError(f"orch.yml: image {spec.tag}: no Dockerfile in {spec.context}")
        log(f"building {spec.tag} from {base}")
        try:
            client.images.build(path=str(spec.context), tag=spec.tag, buildargs={"BASE": base}, rm=True,
                                pull=False)
        except Exception as exc:  # docker.errors.BuildError/APIError: show docker's message
            raise OrchError(f"building image {spec.tag} failed: {exc}") from None
