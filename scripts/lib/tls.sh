# Self-signed TLS certificate for local runs and tests. Source this file.
#
# The server (HTTPS) and the PostgreSQL clusters both use this certificate.
# Browsers do not trust it: it is for local use only, and a deployment brings
# a certificate from a real CA.

# Create DIR/server.crt and DIR/server.key (mode 0600) for localhost, 127.0.0.1
# and ::1, unless a certificate is already there and valid for at least one more
# day. Prints nothing when the existing certificate is kept.
tls_ensure_certificate() {
  local dir=$1
  local certificate=$dir/server.crt
  local key=$dir/server.key

  if [[ -f $certificate && -f $key ]] \
    && openssl x509 -in "$certificate" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi

  mkdir -p "$dir"
  chmod 0700 "$dir"
  echo "tls: creating a self-signed certificate in $dir"

  # Both files are written under temporary names and renamed only after openssl
  # succeeds, so a failed run never leaves a key without its certificate.
  # ECDSA P-256 is accepted by Chromium, Firefox, curl, Node.js and libpq.
  # basicConstraints CA:FALSE makes it a plain server certificate, and clients
  # can still pin it as a trust anchor (curl --cacert, Node.js `ca`).
  local temporary_key=$key.new
  local temporary_certificate=$certificate.new
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$temporary_key" -out "$temporary_certificate" \
      -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
      -addext "basicConstraints=critical,CA:FALSE" \
      -addext "keyUsage=critical,digitalSignature" \
      -addext "extendedKeyUsage=serverAuth" 2>/dev/null
  ) || die "openssl could not create a self-signed certificate in $dir"

  chmod 0600 "$temporary_key"
  chmod 0644 "$temporary_certificate"
  mv -f "$temporary_key" "$key"
  mv -f "$temporary_certificate" "$certificate"
}
