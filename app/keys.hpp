// The platform's key directory: `procura keys init` creates the root CA, the time-stamping
// certificate and the audit-log signing key there, private keys only as encrypted PKCS#8 PEM
// (mode 600, directory 700); `procura serve --key-dir` loads the CA and TSA from it. The
// passphrase comes from PROCURA_KEY_PASSPHRASE or a file, never from a command-line flag.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "signing/tsa.hpp"

namespace procura::app {

// The passphrase: the first line of passphrase_file when given, else PROCURA_KEY_PASSPHRASE.
// bad_request "missing_passphrase" when neither is set or it is empty.
core::Result<std::string> read_passphrase(const std::string& passphrase_file);

// Creates ca.pem, ca.key.pem, tsa.pem, tsa.key.pem, log.pub.pem and log.key.pem in key_dir.
// conflict "keys_exist" if any of them is already there (keys are never overwritten).
core::Status init_keys(const std::string& key_dir, const std::string& passphrase,
                       const core::Clock& clock);

struct LoadedKeys {
    std::string ca_pem;
    std::string tsa_pem;
    std::unique_ptr<signing::TimeStampAuthority> tsa;
    std::unique_ptr<signing::Certificate> ca;
    std::unique_ptr<signing::PrivateKey> ca_key;   // issues users' certificates and the CRL
    std::unique_ptr<signing::PrivateKey> log_key;  // signs the audit log's tree heads
    std::string log_public_pem;
};

// Loads the CA (certificate and decrypted key), the TSA (certificate and decrypted key) and the
// audit-log key pair from key_dir. unprocessable "log_key_mismatch" if log.pub.pem is not the
// public half of log.key.pem. unprocessable "ca_key_mismatch" if the CA key is not the
// certificate's.
core::Result<LoadedKeys> load_keys(const std::string& key_dir, const std::string& passphrase,
                                   const core::Clock& clock);

}  // namespace procura::app
