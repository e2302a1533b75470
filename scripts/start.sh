#!/usr/bin/env bash
# The main job (README): a local n8n editor on http://localhost:5678 with this node
# installed from its package, a demo workflow, and a credential pointing at a local
# sandbox of Meta's Send API, so Execute shows a sent message without a Meta account.
# Ctrl-C stops n8n and the sandbox and leaves nothing running.
#
#   N8N_PORT=5678           editor port
#   SANDBOX_PORT=8787       sandbox port
#   N8N_DEMO_FOLDER=...     n8n user folder (default ~/.cache/n8n-nodes-instagram-dm/demo)
#
# It runs beside another n8n: n8n's task-runner broker gets a free port of its own, and a
# port that is taken stops it at once with a message naming the variable to set. If the
# sandbox or n8n stops on its own, everything stops, with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "npm start: $*" >&2; exit 1; }
# Whether something already listens on a loopback port.
port_taken() { node -e "const s=require('net').connect($1,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))"; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

N8N_PORT="${N8N_PORT:-5678}"
SANDBOX_PORT="${SANDBOX_PORT:-8787}"
DEMO="${N8N_DEMO_FOLDER:-$HOME/.cache/n8n-nodes-instagram-dm/demo}"
# Made-up sandbox credentials: they work only against the local sandbox.
SANDBOX_TOKEN="sandbox-access-token-not-a-real-token"
SANDBOX_SECRET="sandbox-app-secret-not-a-real-secret"
PACKAGE="$(node -p "require('./package.json').name")"

ports=("N8N_PORT=$N8N_PORT" "SANDBOX_PORT=$SANDBOX_PORT")
# A broker port chosen by the user is checked like the others; else a free one is taken below.
[ -z "${N8N_RUNNERS_BROKER_PORT:-}" ] || ports+=("N8N_RUNNERS_BROKER_PORT=$N8N_RUNNERS_BROKER_PORT")
for spec in "${ports[@]}"; do
  if port_taken "${spec#*=}"; then
    fail "port ${spec#*=} is already in use (another n8n, or an earlier npm start?): choose a free one, for example ${spec%%=*}=$(free_port) npm start"
  fi
done
[ "$N8N_PORT" != "$SANDBOX_PORT" ] || fail "N8N_PORT and SANDBOX_PORT must differ"
# n8n's task-runner broker listens too (5679 by default, taken by any other n8n).
N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$(free_port)}"

echo "==> set-up (first run: several minutes; later runs reuse everything)"
bash scripts/setup-node-deps.sh
bash scripts/setup-rust.sh
runtime="$(bash scripts/setup-n8n.sh 2 | tail -n1)"
npm run build > /dev/null
npx tsc -p tsconfig.test.json

echo "==> installing $PACKAGE into $DEMO/.n8n/nodes the way n8n installs community packages"
pack_dir="$(mktemp -d)"
tarball="$pack_dir/$(npm pack --silent --pack-destination "$pack_dir" | tail -n1)"
target="$DEMO/.n8n/nodes/node_modules/$PACKAGE"
rm -rf "$target" && mkdir -p "$target"
tar xzf "$tarball" -C "$target" --strip-components 1
rm -rf "$pack_dir"

export N8N_USER_FOLDER="$DEMO"
export N8N_ENCRYPTION_KEY="${N8N_ENCRYPTION_KEY:-local-demo-encryption-key}"
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false N8N_SECURE_COOKIE=false
export N8N_PORT N8N_RUNNERS_BROKER_PORT N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
# The product requires N8N_META_UUID; the demo makes one up when it is not set.
export N8N_META_UUID="${N8N_META_UUID:-$(node -p 'crypto.randomUUID()')}"
n8n() { "$runtime/node/bin/node" "$runtime/n8n/node_modules/n8n/bin/n8n" "$@"; }

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
# Ctrl-C (or a TERM) is the way to stop: everything stops, and that is a success.
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

echo "==> starting the Meta sandbox on http://127.0.0.1:$SANDBOX_PORT"
(exec node .tmp/build/sandbox/server.js --port "$SANDBOX_PORT" --token "$SANDBOX_TOKEN" --secret "$SANDBOX_SECRET") &
pids+=($!)
for _ in $(seq 1 100); do
  port_taken "$SANDBOX_PORT" && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "the Meta sandbox stopped while starting (see above)"
  sleep 0.1
done
port_taken "$SANDBOX_PORT" || fail "the Meta sandbox did not start listening on port $SANDBOX_PORT"

echo "==> importing the demo credential and workflow"
cred_file="$(mktemp)"
cat > "$cred_file" <<JSON
[{"id":"igDemoSandbox001","name":"Instagram (local sandbox)","type":"instagramMessagingApi",
  "data":{"accessToken":"$SANDBOX_TOKEN","appSecret":"$SANDBOX_SECRET","apiVersion":"v18.0",
          "baseUrl":"http://127.0.0.1:$SANDBOX_PORT"}}]
JSON
n8n import:credentials --input="$cred_file" > /dev/null
rm -f "$cred_file"
n8n import:workflow --input=demo/workflow.json > /dev/null

echo "==> starting n8n on http://localhost:$N8N_PORT (Ctrl-C to stop)"
echo "    Open the workflow 'Instagram: answer new leads (demo)' and press Execute workflow."
# exec: the background job is n8n itself, so waiting for it waits for n8n's shutdown.
(exec "$runtime/node/bin/node" "$runtime/n8n/node_modules/n8n/bin/n8n" start) &
pids+=($!)
# Whichever stops first, n8n or the sandbox, stops the other; on its own, that is a failure.
status=0
wait -n "${pids[@]}" || status=$?
[ "$status" != 0 ] || status=1
echo "npm start: $( kill -0 "${pids[0]}" 2>/dev/null && echo n8n || echo 'the Meta sandbox' ) stopped (exit $status); stopping the rest" >&2
exit "$status"
