#!/usr/bin/env bash
# Runs the benchmark harness (built by `mvn package -Pbench`, which also calls this script).
# Arguments are JVM options of the harness, e.g. -Dbench.mode=smoke -Xmx4g -Dbench.p3.connections=50000.
# The open-files limit is raised for this process tree only, as far as the user may (root: up to
# fs.nr_open); the Payara Micro process started by the harness inherits it.
set -euo pipefail
cd "$(dirname "$0")/../.."
want="${BENCH_NOFILE:-1048576}"
ulimit -Hn "$want" 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
echo "bench: open files limit $(ulimit -Sn) (hard $(ulimit -Hn))"
exec java -Xmx2g -XX:+UseG1GC "$@" -cp "target/bench-classes:target/bench-lib/*" dev.herald.bench.harness.Bench
