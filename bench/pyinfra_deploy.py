"""The same deployment as deploy.yml, written with pyinfra operations."""

from io import StringIO

from pyinfra import host
from pyinfra.operations import apt, files, server

APP = "benchapp"
ROOT = "/opt/benchapp"
HERE = __file__.rsplit("/", 1)[0]

server.group(name="group", group=APP, system=True)
server.user(name="user", user=APP, group=APP, system=True, home=ROOT, create_home=False, shell="/usr/sbin/nologin")
files.directory(name="root dir", path=ROOT, mode="755")
files.directory(name="config dir", path=f"{ROOT}/etc", mode="750", user=APP, group=APP)
files.directory(name="data dir", path=f"{ROOT}/data", mode="750", user=APP, group=APP)
files.directory(name="log dir", path=f"{ROOT}/log", mode="755")
files.template(name="main config", src=f"{HERE}/templates/app.conf.j2", dest=f"{ROOT}/etc/app.conf", mode="640",
               user=APP, group=APP, app=APP, root=ROOT, inventory_hostname=host.name,
               ansible_managed="Ansible managed")
files.template(name="env file", src=f"{HERE}/templates/app.env.j2", dest=f"{ROOT}/etc/app.env", mode="640",
               app=APP, root=ROOT)
files.put(name="app script", src=f"{HERE}/files/app.sh", dest=f"{ROOT}/app.sh", mode="755")
files.put(name="static page", src=f"{HERE}/files/index.html", dest=f"{ROOT}/data/index.html", mode="644")
files.line(name="motd line", path="/etc/motd", line=f"managed host {host.name}")
files.line(name="environment entry", path="/etc/environment", line="BENCHAPP_HOME=/opt/benchapp")
files.line(name="limits line", path=f"{ROOT}/etc/limits.conf", line="nofile=4096")
files.link(name="current link", path=f"{ROOT}/current", target=f"{ROOT}/app.sh")
apt.packages(name="a package", packages=["procps"])
server.shell(name="guarded init", commands=[f"test -e {ROOT}/data/.initialized || touch {ROOT}/data/.initialized"])
server.shell(name="guarded cleanup", commands=[f"test ! -e {ROOT}/log/old.log || rm -f {ROOT}/log/old.log"])
files.file(name="old file removed", path=f"{ROOT}/legacy.conf", present=False)
files.put(name="cron-ish drop-in", src=StringIO("# benchapp\n"), dest="/etc/default/benchapp", mode="644")
files.directory(name="ownership of logs", path=f"{ROOT}/log", user=APP, group=APP)
