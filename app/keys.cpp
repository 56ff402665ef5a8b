#include "app/keys.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signing/keys.hpp"

namespace procura::app {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t year_ms = 365 * core::ms_per_day;

core::Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::not_found("missing_key_file", "cannot read " + path.string(), "key-dir");
    }
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

// Writes a file readable by its owner only (mode 600), failing if it exists.
core::Status write_private(const fs::path& path, const std::string& content) {
    const mode_t previous = umask(077);
    std::ofstream out(path, std::ios::binary);
    umask(previous);
    if (!out || !(out << content) || !out.flush()) {
        return core::internal("write_failed", "cannot write " + path.string(), "key-dir");
    }
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return {};
}

}  // namespace

core::Result<std::string> read_passphrase(const std::string& passphrase_file) {
    std::string passphrase;
    if (!passphrase_file.empty()) {
        PROCURA_TRY_ASSIGN(auto content, read_file(passphrase_file));
        passphrase = content.substr(0, content.find('\n'));
    } else if (const char* env = std::getenv("PROCURA_KEY_PASSPHRASE")) {
        passphrase = env;
    }
    if (passphrase.empty()) {
        return core::bad_request("missing_passphrase",
                                 "no key passphrase: set PROCURA_KEY_PASSPHRASE or pass "
                                 "--passphrase-file",
                                 "passphrase");
    }
    return passphrase;
}

core::Status init_keys(const std::string& key_dir, const std::string& passphrase,
                       const core::Clock& clock) {
    const fs::path dir(key_dir);
    for (const char* name :
         {"ca.pem", "ca.key.pem", "tsa.pem", "tsa.key.pem", "log.pub.pem", "log.key.pem"}) {
        if (fs::exists(dir / name)) {
            return core::conflict(
                "keys_exist",
                (dir / name).string() + " exists; platform keys are never overwritten", "key-dir");
        }
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return core::internal("write_failed", "cannot create " + key_dir + ": " + ec.message(),
                              "key-dir");
    }
    fs::permissions(dir, fs::perms::owner_all, ec);

    const std::int64_t now = clock.now_ms();
    // Back-dated an hour so that clocks slightly behind ours accept the certificates at once.
    const signing::Validity ca_validity{now - 3'600'000, now + 10 * year_ms};
    const signing::Validity tsa_validity{now - 3'600'000, now + 5 * year_ms};
    PROCURA_TRY_ASSIGN(auto ca_key, signing::PrivateKey::generate_ec_p256());
    PROCURA_TRY_ASSIGN(auto ca, signing::make_root_ca(ca_key, "Procura Root CA", ca_validity));
    PROCURA_TRY_ASSIGN(auto tsa_key, signing::PrivateKey::generate_ec_p256());
    PROCURA_TRY_ASSIGN(auto tsa, signing::issue_tsa_certificate(ca, ca_key, tsa_key,
                                                                "Procura Time-Stamping "
                                                                "Authority",
                                                                tsa_validity));
    PROCURA_TRY_ASSIGN(auto log_key, signing::PrivateKey::generate_ec_p256());

    for (const auto& [name, key] :
         {std::pair{"ca.key.pem", &ca_key}, std::pair{"tsa.key.pem", &tsa_key},
          std::pair{"log.key.pem", &log_key}}) {
        PROCURA_TRY_ASSIGN(auto pem, key->to_encrypted_pem(passphrase));
        PROCURA_TRY(write_private(dir / name, pem));
    }
    PROCURA_TRY(write_private(dir / "ca.pem", ca.to_pem()));
    PROCURA_TRY(write_private(dir / "tsa.pem", tsa.to_pem()));
    PROCURA_TRY(write_private(dir / "log.pub.pem", log_key.public_key_pem()));
    return {};
}

core::Result<LoadedKeys> load_keys(const std::string& key_dir, const std::string& passphrase,
                                   const core::Clock& clock) {
    const fs::path dir(key_dir);
    PROCURA_TRY_ASSIGN(auto ca_pem, read_file(dir / "ca.pem"));
    PROCURA_TRY_ASSIGN(auto tsa_pem, read_file(dir / "tsa.pem"));
    PROCURA_TRY_ASSIGN(auto tsa_key_pem, read_file(dir / "tsa.key.pem"));
    PROCURA_TRY_ASSIGN(auto ca_key_pem, read_file(dir / "ca.key.pem"));
    PROCURA_TRY_ASSIGN(auto ca, signing::Certificate::from_pem(ca_pem));
    PROCURA_TRY_ASSIGN(auto ca_key,
                       signing::PrivateKey::from_encrypted_pem(ca_key_pem, passphrase));
    if (!ca.matches(ca_key)) {
        return core::unprocessable("ca_key_mismatch",
                                   "ca.key.pem is not the key of ca.pem in " + key_dir);
    }
    PROCURA_TRY_ASSIGN(auto log_key_pem, read_file(dir / "log.key.pem"));
    PROCURA_TRY_ASSIGN(auto log_public_pem, read_file(dir / "log.pub.pem"));
    PROCURA_TRY_ASSIGN(auto log_key,
                       signing::PrivateKey::from_encrypted_pem(log_key_pem, passphrase));
    if (log_key.public_key_pem() != log_public_pem) {
        return core::unprocessable(
            "log_key_mismatch", "log.pub.pem is not the public half of log.key.pem in " + key_dir);
    }
    PROCURA_TRY_ASSIGN(auto tsa_cert, signing::Certificate::from_pem(tsa_pem));
    PROCURA_TRY_ASSIGN(auto tsa_key,
                       signing::PrivateKey::from_encrypted_pem(tsa_key_pem, passphrase));
    PROCURA_TRY_ASSIGN(auto tsa,
                       signing::TimeStampAuthority::create(std::move(tsa_cert), std::move(tsa_key),
                                                           clock, signing::TSAOptions{}));
    return LoadedKeys{std::move(ca_pem),
                      std::move(tsa_pem),
                      std::make_unique<signing::TimeStampAuthority>(std::move(tsa)),
                      std::make_unique<signing::Certificate>(std::move(ca)),
                      std::make_unique<signing::PrivateKey>(std::move(ca_key)),
                      std::make_unique<signing::PrivateKey>(std::move(log_key)),
                      std::move(log_public_pem)};
}

}  // namespace procura::app
