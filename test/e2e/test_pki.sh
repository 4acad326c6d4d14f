#!/usr/bin/env bash
# A certificate authority made for one test, and a server certificate it
# signs for 127.0.0.1, with openssl. Writes DIR/ca.pem, DIR/ca.key,
# DIR/server.pem and DIR/server.key (2 days' validity).
# Usage: test_pki.sh DIR [CA_NAME]
set -euo pipefail

dir=$1
name=${2:-rtm test CA}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$name" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=rtmanager" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile san.ext -out server.pem 2>/dev/null
