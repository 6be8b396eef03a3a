#pragma once
// The SHA-256 of a secret (a bearer token, a password), for comparing
// secrets without the comparison's time telling how much of a guess was
// right: the digests are compared, never the secrets themselves, so what a
// timing could reveal is a prefix of a digest, which says nothing about the
// secret. Internal to the runtime (gRPC and HTTP authentication).

#include <openssl/sha.h>

#include <array>
#include <string_view>

namespace sqms::runtime::internal {

using SecretDigest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

inline SecretDigest DigestOfSecret(std::string_view secret) {
  SecretDigest d;
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), d.data());
  return d;
}

}  // namespace sqms::runtime::internal
