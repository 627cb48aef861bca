#!/usr/bin/env bash
# Installs the real AWS Lambda Node.js runtime interface client (aws-lambda-ric) into a cache folder
# outside the project's node_modules, so `faaslight measure --runtime-client ric` can use it.
# It is a native addon (it builds the AWS C++ runtime client and curl), hence the build tools.
#   usage: scripts/setup-ric.sh [version]     (cache: $FAASLIGHT_RIC_DIR or ~/.cache/faaslight/ric)
set -euo pipefail
VERSION="${1:-3.3.0}"
DEST="${FAASLIGHT_RIC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/faaslight/ric}"

missing=()
for tool in autoconf automake libtoolize cmake make g++; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "setup-ric: missing build tools: ${missing[*]}" >&2
  echo "setup-ric: install them with: apt-get install -y autoconf automake libtool cmake make g++" >&2
  exit 1
fi

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{ "name": "faaslight-ric-cache", "private": true }' > package.json
echo "setup-ric: building aws-lambda-ric@$VERSION in $DEST (takes about a minute)" >&2
npm install --save-exact --no-audit --no-fund "aws-lambda-ric@$VERSION" >&2
# Sanity check: the native addon must load, or the measurer would fail at every run.
# (it reads AWS_LAMBDA_RUNTIME_API when loaded, so give it a dummy address)
AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 node -e "require(process.argv[1])" "$DEST/node_modules/aws-lambda-ric/dist/rapid-client.node"
echo "$DEST/node_modules/aws-lambda-ric"
