#!/bin/sh
# Make a course folder on a TLJH server readable by instructors only.
#
#   sudo sh deploy/tljh-permissions.sh /srv/marketing-kit instructors
#   sudo sh deploy/tljh-permissions.sh /home/jupyter-ivy/marketing-kit instructors
#
# Every TLJH user has a Unix account and a terminal, and a clone made by root with the default
# umask is world-readable (solutions/ included). This gives the folder to GROUP, lets the owner
# and GROUP read and write, takes every permission away from other users, and sets the setgid
# bit on folders so files made later (gradebook.db, submitted/, feedback/) stay in GROUP. Files
# nbgrader writes later with mode 644 are still unreachable: no folder above them lets others in.
# Students keep the kit itself: it is installed into the user environment from the wheel.
set -eu
COURSE=${1:?usage: tljh-permissions.sh COURSE_FOLDER [GROUP]}
GROUP=${2:-instructors}
test -d "$COURSE" || { echo "error: $COURSE is not a folder" >&2; exit 2; }
getent group "$GROUP" >/dev/null || { echo "error: no group $GROUP (groupadd $GROUP)" >&2; exit 2; }
chgrp -R "$GROUP" "$COURSE"
chmod -R u+rwX,g+rwX,o-rwx "$COURSE"
find "$COURSE" -type d -exec chmod g+s {} +
echo "$COURSE: owner and group $GROUP only; others have no access"
