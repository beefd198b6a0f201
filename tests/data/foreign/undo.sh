rm -rf /srv/fm /etc/yum.repos.d /etc/modprobe.d /etc/sudoers.d/fm /etc/crypttab
sed -i '/fmuser/d' /etc/security/limits.conf
sed -i '/\/mnt\/fm/d' /etc/fstab
echo "sudo install" | dpkg --set-selections
dpkg-divert --quiet --rename --remove /usr/local/bin/fmtool 2>/dev/null
update-alternatives --auto pager >/dev/null 2>&1
ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime; echo Etc/UTC > /etc/timezone
printf "tzdata tzdata/Areas select Etc\ntzdata tzdata/Zones/Europe select London\n" | debconf-set-selections
true
