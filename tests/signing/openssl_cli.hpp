// Test helpers for talking to the stock `openssl` command: a temporary folder for the files
// both sides read, running a command with its output captured, an error assertion, and a user
// whose key openssl made and whose certificate our CA issued.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/result.hpp"
#include "signing/keys.hpp"
#include "tests/support/require_error.hpp"

namespace procura::testing {

// A temporary folder for files shared with the openssl command, removed afterwards.
struct Workdir {
    std::filesystem::path dir;
    Workdir() {
        char pattern[] = "/tmp/procura-signing-XXXXXX";
        PROCURA_ASSERT(mkdtemp(pattern) != nullptr);
        dir = pattern;
    }
    ~Workdir() { std::filesystem::remove_all(dir); }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream(path(name), std::ios::binary) << content;
        return path(name);
    }
    std::string read(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
};

struct Run {
    int status = -1;
    std::string output;
};

// Runs a shell command, capturing stdout and stderr together.
inline Run run(const std::string& command) {
    Run r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    PROCURA_ASSERT(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    r.status = pclose(pipe);
    return r;
}

// A user whose key `openssl req` made: NAME.key (PEM in clear, for openssl), NAME.pem (the
// certificate our CA issued from the request), and the same key and certificate loaded in C++
// (the key through an openssl-encrypted PKCS#8 file, since we never read keys in clear).
struct OpenSSLUser {
    std::string key_path;
    std::string cert_path;
    signing::PrivateKey key;
    signing::Certificate cert;
};

inline OpenSSLUser make_openssl_user(
    const Workdir& w, const signing::Certificate& ca, const signing::PrivateKey& ca_key,
    const std::string& name, core::UserId user, const signing::Validity& validity,
    const std::string& key_options = "ec -pkeyopt ec_paramgen_curve:P-256") {
    const Run req =
        run("openssl req -new -newkey " + key_options + " -nodes -keyout " + w.path(name + ".key") +
            " -subj /CN=" + name + " -out " + w.path(name + ".csr"));
    BOOST_REQUIRE_MESSAGE(req.status == 0, req.output);
    const Run enc = run("openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + w.path(name + ".key") +
                        " -passout pass:x -out " + w.path(name + ".enc.pem"));
    BOOST_REQUIRE_MESSAGE(enc.status == 0, enc.output);
    auto cert = signing::issue_from_csr(ca, ca_key, w.read(name + ".csr"), user, name, validity);
    BOOST_REQUIRE_MESSAGE(cert.ok(), (cert.ok() ? std::string() : cert.error().message));
    w.write(name + ".pem", cert->to_pem());
    auto key = signing::PrivateKey::from_encrypted_pem(w.read(name + ".enc.pem"), "x");
    BOOST_REQUIRE(key.ok());
    return OpenSSLUser{w.path(name + ".key"), w.path(name + ".pem"), std::move(*key),
                       std::move(*cert)};
}

}  // namespace procura::testing
