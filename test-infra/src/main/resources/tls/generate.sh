#!/bin/sh
# Regenerates the TLS test fixtures of this folder (run it here; needs OpenSSL 3). They are test
# fixtures only: the private keys are public, never use them anywhere else.
#
#   ca.pem                    test CA ("whatsapp-clone test CA"), the trust bundle of the tests
#   server.pem                server certificate signed by it: SAN localhost, 127.0.0.1, ::1
#   server.key                its RSA key, PKCS#8 (BEGIN PRIVATE KEY)
#   server-rsa-pkcs1.key      the same key, PKCS#1 (BEGIN RSA PRIVATE KEY)
#   server-encrypted.key      the same key, encrypted PKCS#8 (password "secret"): not supported
#   ec-server.pem             an EC (P-256) server certificate from the same CA, same names
#   ec-server.key             its key, SEC1 with the curve parameters (BEGIN EC PARAMETERS + EC PRIVATE KEY)
#   ec-server-pkcs8.key       the same key, PKCS#8
#   other-ca.pem              an unrelated self-signed CA: trusting only it must fail
set -eu
DAYS=36500
SAN="subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
EXT="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
$SAN"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $DAYS -sha256 \
  -subj "/CN=whatsapp-clone test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key
openssl pkey -in server.key -traditional -out server-rsa-pkcs1.key
openssl pkcs8 -topk8 -in server.key -passout pass:secret -out server-encrypted.key
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
printf '%s\n' "$EXT" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -sha256 \
  -extfile server.ext -out server.pem

openssl ecparam -name prime256v1 -genkey -out ec-server.key
openssl pkcs8 -topk8 -nocrypt -in ec-server.key -out ec-server-pkcs8.key
openssl req -new -key ec-server.key -subj "/CN=localhost" -out ec-server.csr
openssl x509 -req -in ec-server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -sha256 \
  -extfile server.ext -out ec-server.pem

openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days $DAYS -sha256 \
  -subj "/CN=unrelated test CA" -addext "basicConstraints=critical,CA:TRUE"

rm -f ca.key ca.srl other-ca.key server.csr ec-server.csr server.ext
