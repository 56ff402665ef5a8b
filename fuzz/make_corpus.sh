#!/usr/bin/env bash
# Regenerates the seed corpus in fuzz/corpus/ with the stock `openssl` command: a few small valid
# inputs per target plus truncated and byte-flipped copies. Keys, serials and signing times are
# fresh on every run, so the bytes change but the kinds of input stay the same. The harnesses
# make their own CA at start-up, so these seeds exercise parsing and the checks before the
# certificate chain (and, for envelopes, before our recipient is found), not a full success.
set -euo pipefail
cd "$(dirname "$0")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=corpus
rm -rf "$out/cms_verify" "$out/cms_open" "$out/ts_request"
mkdir -p "$out/cms_verify" "$out/cms_open" "$out/ts_request"

ossl() { openssl "$@" 2>/dev/null; }

# A small CA, an EC P-256 user and an RSA-2048 user, both issued by it.
ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/O=Procura/CN=seed CA" -keyout "$work/ca.key" -out "$work/ca.pem"
for user in ec rsa; do
    if [ "$user" = ec ]; then opts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else opts=(-newkey rsa:2048); fi
    ossl req -new "${opts[@]}" -nodes -subj "/O=Procura/CN=seed $user/UID=42" \
        -keyout "$work/$user.key" -out "$work/$user.csr"
    ossl x509 -req -in "$work/$user.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
        -CAcreateserial -days 3650 -out "$work/$user.pem"
done
printf 'bid 17, lot 2: 125000.00 EUR\n' > "$work/content.txt"

# CMS SignedData: attached and detached, EC and RSA, SHA-256 and SHA-1 (refused as weak).
v="$out/cms_verify"
ossl cms -sign -binary -in "$work/content.txt" -signer "$work/ec.pem" -inkey "$work/ec.key" \
    -md sha256 -nodetach -outform DER -out "$v/ec_attached.der"
ossl cms -sign -binary -in "$work/content.txt" -signer "$work/ec.pem" -inkey "$work/ec.key" \
    -md sha256 -outform DER -out "$v/ec_detached.der"
ossl cms -sign -binary -in "$work/content.txt" -signer "$work/rsa.pem" -inkey "$work/rsa.key" \
    -md sha256 -nodetach -outform DER -out "$v/rsa_attached.der"
ossl cms -sign -binary -in "$work/content.txt" -signer "$work/ec.pem" -inkey "$work/ec.key" \
    -md sha1 -nodetach -noattr -outform DER -out "$v/ec_sha1_noattr.der"

# CMS envelopes: AuthEnvelopedData with AES-256-GCM and an SHA-256 KDF (what seal() makes), the
# same with OpenSSL's default SHA-1 KDF, plain EnvelopedData with AES-256-CBC, and RSA key
# transport.
e="$out/cms_open"
ossl cms -encrypt -binary -aes-256-gcm -in "$work/content.txt" -recip "$work/ec.pem" \
    -keyopt ecdh_kdf_md:sha256 -outform DER -out "$e/gcm_ecdh_sha256.der"
ossl cms -encrypt -binary -aes-256-gcm -in "$work/content.txt" -recip "$work/ec.pem" \
    -outform DER -out "$e/gcm_ecdh_sha1.der"
ossl cms -encrypt -binary -aes-256-cbc -in "$work/content.txt" -recip "$work/ec.pem" \
    -keyopt ecdh_kdf_md:sha256 -outform DER -out "$e/cbc_ecdh_sha256.der"
ossl cms -encrypt -binary -aes-256-gcm -in "$work/content.txt" -recip "$work/rsa.pem" \
    -outform DER -out "$e/gcm_rsa.der"

# RFC 3161 requests: SHA-256 with nonce and certificate request, SHA-512 without nonce, a
# policy OID, and SHA-1 (answered with a badAlg rejection).
t="$out/ts_request"
ossl ts -query -data "$work/content.txt" -sha256 -cert -out "$t/sha256_cert.tsq"
ossl ts -query -data "$work/content.txt" -sha512 -no_nonce -out "$t/sha512_no_nonce.tsq"
ossl ts -query -data "$work/content.txt" -sha256 -tspolicy 1.3.6.1.4.1.57264.1.1 \
    -out "$t/sha256_policy.tsq"
ossl ts -query -data "$work/content.txt" -sha1 -out "$t/sha1.tsq"

# Damaged copies: the first half of a valid input, and one with a byte flipped in the middle.
damage() {
    local src=$1 name=$2
    local size
    size=$(stat -c %s "$src")
    head -c $((size / 2)) "$src" > "$(dirname "$src")/${name}_truncated.der"
    cp "$src" "$(dirname "$src")/${name}_flipped.der"
    local at=$((size / 2))
    local byte
    byte=$(od -An -tu1 -j "$at" -N1 "$src" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 0xff)))" |
        dd of="$(dirname "$src")/${name}_flipped.der" bs=1 seek="$at" conv=notrunc status=none
}
damage "$v/ec_attached.der" ec_attached
damage "$e/gcm_ecdh_sha256.der" gcm_ecdh_sha256
damage "$t/sha256_cert.tsq" sha256_cert
mv "$t/sha256_cert_truncated.der" "$t/sha256_cert_truncated.tsq"
mv "$t/sha256_cert_flipped.der" "$t/sha256_cert_flipped.tsq"

for d in "$out"/*/; do
    echo "make_corpus: $d $(ls "$d" | wc -l) files, $(cat "$d"/* | wc -c) bytes"
done
