#!/bin/sh
# Makes the private CA and the server certificate the emulator serves HTTPS with in tests (see
# certificates.ts). Valid from 2000 to 2100, so that neither a runner's real clock nor a test's emulated one
# falls outside them. Test material only: these keys protect nothing.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca-key.pem"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/server-key.pem"
openssl pkcs8 -topk8 -nocrypt -in "$work/server-key.pem" -out server-key.pem

cat > "$work/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = gitlab-pat test CA
[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
EOF
: > "$work/index.txt"
echo 1000 > "$work/serial"

openssl req -new -key "$work/ca-key.pem" -config "$work/ca.cnf" -out "$work/ca.csr"
openssl ca -batch -selfsign -config "$work/ca.cnf" -keyfile "$work/ca-key.pem" -in "$work/ca.csr" \
  -extensions ca_ext -startdate 20000101000000Z -enddate 21000101000000Z -out "$work/ca.crt" -notext
openssl req -new -key "$work/server-key.pem" -subj "/CN=127.0.0.1" -out "$work/server.csr"
openssl ca -batch -config "$work/ca.cnf" -cert "$work/ca.crt" -keyfile "$work/ca-key.pem" \
  -in "$work/server.csr" -extensions server_ext -startdate 20000101000000Z -enddate 21000101000000Z \
  -out "$work/server.crt" -notext

openssl x509 -in "$work/ca.crt" -out ca.pem
openssl x509 -in "$work/server.crt" -out server.pem
