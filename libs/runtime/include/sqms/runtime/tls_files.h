#pragma once
// Start-up checks of the PEM files a TLS endpoint is given, so that a wrong
// file fails start-up with a message naming it (config.h names the flag)
// instead of every handshake failing later. The messages say what is wrong,
// never what the file holds: key material is never logged or returned.
//
// Pure functions of their arguments; thread-safe. They leave nothing on
// OpenSSL's per-thread error queue (gRPC's handshakes share it).

#include <string_view>

#include "absl/status/status.h"

namespace sqms::runtime {

// OK when `pem` holds at least one X.509 certificate in PEM form;
// INVALID_ARGUMENT "holds no PEM certificate" otherwise.
absl::Status CheckPemCertificates(std::string_view pem);

// OK when `pem` holds an unencrypted private key in PEM form (PKCS#8, or
// the RSA/EC "traditional" forms); INVALID_ARGUMENT otherwise. An encrypted
// key is refused, never prompted for: a server has no one to ask.
absl::Status CheckPemPrivateKey(std::string_view pem);

// OK when `key_pem` is the private key of the first certificate in
// `cert_pem` (the leaf of a chain); INVALID_ARGUMENT when it is another
// key's, or when either does not parse.
absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem);

}  // namespace sqms::runtime
