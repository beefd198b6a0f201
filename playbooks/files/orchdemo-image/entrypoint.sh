#!/bin/sh
# Write the app's ini from the container's environment, then run the app as PID 1's child.
set -e
printf '[app]\nversion = %s\naddress = %s\nport = %s\nmessage = %s\n' \
  "$APP_VERSION" "$APP_ADDRESS" "$APP_PORT" "$APP_MESSAGE" > /tmp/orchdemo.ini
exec python3 /opt/orchdemo/app.py /tmp/orchdemo.ini
