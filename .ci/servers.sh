#!/usr/bin/env bash
# The integration suite on WildFly and Open Liberty, one after the other (the Payara Micro run is `mvn verify`).
# Maven unpacks each server into target/ and configures it from server-config/; unit tests ran already.
# Usage: .ci/servers.sh [wildfly] [liberty]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(wildfly liberty)
for server in "${servers[@]}"; do
  start=$SECONDS
  echo "=== integration tests on $server"
  mvn -B -ntp verify -P"$server" -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false
  echo "=== $server: integration suite passed in $((SECONDS - start)) s"
done
