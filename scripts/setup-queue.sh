#!/usr/bin/env bash
# Installs Debian's PostgreSQL and Redis for the queue-mode e2e (tests/e2e/queue.e2e.test.ts),
# unless they are there. The test runs them as its own processes on free loopback ports;
# no service is started or enabled here.
set -euo pipefail
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' > /dev/null; }
if have_postgres && command -v redis-server > /dev/null; then
  exit 0
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "setup-queue: installing Debian's postgresql and redis-server (a minute, once)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server > /dev/null
have_postgres || { echo "setup-queue: PostgreSQL is still missing" >&2; exit 1; }
command -v redis-server > /dev/null || { echo "setup-queue: redis-server is still missing" >&2; exit 1; }
