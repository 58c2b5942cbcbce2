#!/usr/bin/env bash
# Installs the stock tools the bundle tests run (the auditor's commands in VERIFY.md):
# ssh-keygen (openssh-client), unzip, zip and openssl (the RFC 3161 TSA of the timestamp
# tests), plus sha256sum, diff and python3, which a
# Debian system normally has. Idempotent: installs only what `command -v` cannot find,
# and runs `apt-get update` at most once.
set -euo pipefail

declare -A package_of=(
    [ssh-keygen]=openssh-client
    [unzip]=unzip
    [zip]=zip
    [sha256sum]=coreutils
    [diff]=diffutils
    [python3]=python3
    [openssl]=openssl
)
missing=()
for tool in "${!package_of[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-tools: missing ${missing[*]} and no apt-get to install them" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "install-test-tools: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
