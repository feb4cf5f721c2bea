#!/usr/bin/env bash
# Prepares a WildFly installation for Herald's tests and demo: application users (password = name) in the
# default ApplicationRealm, groups = roles, and the settings in herald.cli. Safe to run again.
# Usage: server-config/wildfly/configure.sh WILDFLY_HOME
set -euo pipefail
home=${1:?usage: configure.sh WILDFLY_HOME}
here=$(cd "$(dirname "$0")" && pwd)
users="$home/standalone/configuration/application-users.properties"

add_user() { # name group
  if ! grep -q "^$1=" "$users"; then
    "$home/bin/add-user.sh" -a -u "$1" -p "$1" -g "$2" -sc "$home/standalone/configuration" >/dev/null
  fi
}
add_user alice users
add_user bob users
add_user carol users
add_user dave users
add_user ops herald-sender

"$home/bin/jboss-cli.sh" --file="$here/herald.cli" >/dev/null
echo "WildFly at $home is configured for Herald"
