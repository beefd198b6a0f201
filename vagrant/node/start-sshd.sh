#!/bin/sh
# Container command: install the project's public key for "vagrant" (given by the
# Vagrantfile in ORCH_AUTHORIZED_KEY, so one image serves every project), make this
# machine's own host keys once, run sshd in the foreground.
set -e
install -d -m 700 -o vagrant -g vagrant /home/vagrant/.ssh
printf '%s\n' "$ORCH_AUTHORIZED_KEY" > /home/vagrant/.ssh/authorized_keys
chown vagrant:vagrant /home/vagrant/.ssh/authorized_keys
chmod 600 /home/vagrant/.ssh/authorized_keys
mkdir -p /run/sshd
ssh-keygen -A >/dev/null
exec /usr/sbin/sshd -D -e
