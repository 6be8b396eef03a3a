#include "sqms/runtime/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace sqms::runtime {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// OpenSSL's default would ask on the terminal for an encrypted key's pass
// phrase; answering "none" makes such a key fail to load instead.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::unique_ptr<BIO, BioFree> ReadOnlyBio(std::string_view pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate in `pem`, or null. Clears the errors it raised.
std::unique_ptr<X509, X509Free> FirstCertificate(std::string_view pem) {
  auto bio = ReadOnlyBio(pem);
  std::unique_ptr<X509, X509Free> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  ERR_clear_error();
  return cert;
}

// The first private key in `pem`, or null. Clears the errors it raised.
std::unique_ptr<EVP_PKEY, PkeyFree> FirstPrivateKey(std::string_view pem) {
  auto bio = ReadOnlyBio(pem);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

}  // namespace

absl::Status CheckPemCertificates(std::string_view pem) {
  if (FirstCertificate(pem) == nullptr) {
    return absl::InvalidArgumentError("holds no PEM certificate");
  }
  return absl::OkStatus();
}

absl::Status CheckPemPrivateKey(std::string_view pem) {
  if (FirstPrivateKey(pem) == nullptr) {
    return absl::InvalidArgumentError(
        "holds no PEM private key (or an encrypted one, which is not supported)");
  }
  return absl::OkStatus();
}

absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = FirstCertificate(cert_pem);
  auto key = FirstPrivateKey(key_pem);
  if (cert == nullptr || key == nullptr) {
    return absl::InvalidArgumentError("certificate or private key does not parse");
  }
  const bool match = EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) == 1;
  ERR_clear_error();
  if (!match) {
    return absl::InvalidArgumentError("is not the private key of the certificate");
  }
  return absl::OkStatus();
}

}  // namespace sqms::runtime
