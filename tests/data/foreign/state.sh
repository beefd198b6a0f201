cd /srv/fm && for f in $(ls | sort); do echo "== $f"; stat -c '%A %s' $f; [ -f $f ] && [ $f != blob ] && cat $f; done
echo "== limits"; grep fmuser /etc/security/limits.conf
echo "== blacklist"; cat /etc/modprobe.d/fm-blacklist.conf
echo "== sudoers"; stat -c '%a' /etc/sudoers.d/fm; cat /etc/sudoers.d/fm
echo "== alternatives"; readlink /etc/alternatives/pager
echo "== timezone"; readlink /etc/localtime
echo "== crypttab"; cat /etc/crypttab
echo "== fstab"; grep /mnt/fm /etc/fstab
echo "== acl"; getfacl -p /srv/fm/acl.txt
echo "== caps"; getcap /srv/fm/blob
echo "== debconf"; debconf-show tzdata | grep -E 'Areas|Zones/Europe' | sort
echo "== selections"; dpkg --get-selections sudo
echo "== divert"; dpkg-divert --list /usr/local/bin/fmtool
echo "== yum"; cat /etc/yum.repos.d/fm.repo
