#!/usr/bin/env bash
# Start the machine's PostgreSQL on 127.0.0.1 for the HQ tests and print its URL.
# Installs Debian's postgresql when missing. Used by .ci/run; a developer may source it too.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi
cluster=$(pg_lsclusters --no-header | head -n 1)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | head -n 1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$name" start >&2
fi
# A password for TCP connections from the tests; the server listens on localhost only.
su postgres -c "psql -q -p $port -c \"ALTER USER postgres PASSWORD 'counter-ci'\"" >&2
echo "postgresql+psycopg://postgres:counter-ci@127.0.0.1:${port}/postgres"
