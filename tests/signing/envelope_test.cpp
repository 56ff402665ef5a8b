// Sealed envelopes, checked both ways against the stock `openssl cms` command: it must open
// what we seal, we must open what it seals with AES-256-GCM and a SHA-256 KDF, and we must
// refuse what it seals with weaker or non-AEAD algorithms.
#include "signing/envelope.hpp"

#include <boost/test/unit_test.hpp>
#include <random>

#include "core/clock.hpp"
#include "tests/signing/openssl_cli.hpp"

using namespace procura;
using namespace procura::signing;
using core::ErrorKind;
using procura::testing::require_error;
using procura::testing::Run;
using procura::testing::run;
using procura::testing::Workdir;

namespace {

constexpr std::int64_t t0_ms = 1'795'774'800'000;  // 2026-11-27T10:20:00Z
constexpr std::size_t content_bytes_max = 4 * 1024 * 1024;

Validity one_year() { return Validity{t0_ms - 60'000, t0_ms + 365 * core::ms_per_day}; }

struct Pki {
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca = *make_root_ca(ca_key, "Procura test CA", one_year());
};

using User = procura::testing::OpenSSLUser;

User make_user(const Workdir& w, const Pki& pki, const std::string& name,
               const std::string& key_options) {
    return procura::testing::make_openssl_user(w, pki.ca, pki.ca_key, name, 42, one_year(),
                                               key_options);
}

User make_ec_user(const Workdir& w, const Pki& pki, const std::string& name) {
    return make_user(w, pki, name, "ec -pkeyopt ec_paramgen_curve:P-256");
}

// Seals content.bin with `openssl cms -encrypt` and the given options, which come after -recip
// (a -keyopt applies to the recipient before it); returns the DER.
std::string openssl_seal(const Workdir& w, const User& to, const std::string& options) {
    const Run r = run("openssl cms -encrypt -binary -outform DER -recip " + to.cert_path + " " +
                      options + " -in " + w.path("content.bin") + " -out " + w.path("openssl.der"));
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return w.read("openssl.der");
}

std::string binary_content(std::size_t size) {
    std::mt19937 random(20261127);
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        // Every fourth byte stays NUL so that C-string handling anywhere would show.
        if (i % 4 != 0) bytes[i] = static_cast<char>(random() & 0xFF);
    }
    return bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(envelopes)

BOOST_AUTO_TEST_CASE(openssl_opens_what_we_seal_with_gcm_and_a_sha256_kdf) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string content = "bid opening key share\n";
    auto sealed = seal(content, olga.cert);
    BOOST_REQUIRE(sealed.ok());
    w.write("sealed.der", *sealed);
    const Run opened = run("openssl cms -decrypt -binary -inform DER -in " + w.path("sealed.der") +
                           " -inkey " + olga.key_path + " -recip " + olga.cert_path);
    BOOST_TEST(opened.status == 0, opened.output);
    BOOST_TEST(opened.output == content);
    const Run printed = run("openssl cms -cmsout -print -inform DER -in " + w.path("sealed.der"));
    BOOST_TEST(printed.output.find("id-smime-ct-authEnvelopedData") != std::string::npos,
               printed.output);
    BOOST_TEST(printed.output.find("aes-256-gcm") != std::string::npos);
    BOOST_TEST(printed.output.find("dhSinglePass-stdDH-sha256kdf-scheme") != std::string::npos);
    BOOST_TEST(printed.output.find("sha1kdf") == std::string::npos);
    auto back = open(*sealed, olga.key, olga.cert, content_bytes_max);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(*back == content);
}

BOOST_AUTO_TEST_CASE(we_open_what_openssl_seals_with_gcm_and_a_sha256_kdf) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string content = binary_content(1000);
    w.write("content.bin", content);
    const std::string der = openssl_seal(w, olga, "-aes-256-gcm -keyopt ecdh_kdf_md:sha256");
    auto opened = open(der, olga.key, olga.cert, content_bytes_max);
    BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
    BOOST_TEST((*opened == content));
}

BOOST_AUTO_TEST_CASE(openssl_default_sha1_kdf_is_refused) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    w.write("content.bin", "content");
    require_error(
        open(openssl_seal(w, olga, "-aes-256-gcm"), olga.key, olga.cert, content_bytes_max),
        ErrorKind::unprocessable, "sha1_kdf");
}

BOOST_AUTO_TEST_CASE(enveloped_data_with_aes_cbc_is_refused_as_not_authenticated) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    w.write("content.bin", "content");
    require_error(open(openssl_seal(w, olga, "-aes-256-cbc -keyopt ecdh_kdf_md:sha256"), olga.key,
                       olga.cert, content_bytes_max),
                  ErrorKind::unprocessable, "not_auth_enveloped");
}

BOOST_AUTO_TEST_CASE(rsa_pkcs1_key_transport_is_refused_and_never_produced) {
    Workdir w;
    Pki pki;
    const User rita = make_user(w, pki, "rita", "rsa:2048");
    w.write("content.bin", "content");
    require_error(
        open(openssl_seal(w, rita, "-aes-256-gcm"), rita.key, rita.cert, content_bytes_max),
        ErrorKind::unprocessable, "rsa_pkcs1_transport");
    require_error(seal("content", rita.cert), ErrorKind::bad_request, "unsupported_recipient");
}

BOOST_AUTO_TEST_CASE(a_tampered_gcm_tag_or_ciphertext_fails_to_decrypt) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string content = "the price is 1000 EUR";
    const std::string sealed = *seal(content, olga.cert);
    // The last byte lies inside the tag OCTET STRING: the DER stays valid.
    std::string tag_tampered = sealed;
    tag_tampered.back() = static_cast<char>(tag_tampered.back() ^ 0x01);
    require_error(open(tag_tampered, olga.key, olga.cert, content_bytes_max),
                  ErrorKind::unprocessable, "decrypt_failed");
    w.write("tampered.der", tag_tampered);
    BOOST_TEST(run("openssl cms -decrypt -binary -inform DER -in " + w.path("tampered.der") +
                   " -inkey " + olga.key_path + " -recip " + olga.cert_path)
                   .status != 0);
    // The ciphertext is the run of bytes just before the 16-byte tag and its two-byte header.
    std::string text_tampered = sealed;
    const std::size_t text_at = sealed.size() - 16 - 2 - 1;
    text_tampered[text_at] = static_cast<char>(text_tampered[text_at] ^ 0x01);
    require_error(open(text_tampered, olga.key, olga.cert, content_bytes_max),
                  ErrorKind::unprocessable, "decrypt_failed");
}

BOOST_AUTO_TEST_CASE(another_recipients_envelope_or_key_is_refused) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const User piet = make_ec_user(w, pki, "piet");
    const std::string sealed = *seal("for olga only", olga.cert);
    require_error(open(sealed, piet.key, piet.cert, content_bytes_max), ErrorKind::unprocessable,
                  "not_for_this_recipient");
    // Olga's certificate with Piet's key: addressed to the certificate, but the key cannot
    // unwrap the content key.
    require_error(open(sealed, piet.key, olga.cert, content_bytes_max), ErrorKind::unprocessable,
                  "decrypt_failed");
}

BOOST_AUTO_TEST_CASE(empty_truncated_and_random_input_is_not_cms) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string sealed = *seal("content", olga.cert);
    const std::string random = binary_content(100);
    for (const std::string& input :
         {std::string(), sealed.substr(0, sealed.size() / 2), sealed.substr(0, sealed.size() - 1),
          random, sealed + std::string(1, '\0')}) {
        require_error(open(input, olga.key, olga.cert, content_bytes_max), ErrorKind::bad_request,
                      "not_cms");
    }
}

BOOST_AUTO_TEST_CASE(content_over_the_limit_is_too_large) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string content(1000, 'x');
    const std::string sealed = *seal(content, olga.cert);
    BOOST_TEST(open(sealed, olga.key, olga.cert, 1000).ok());
    require_error(open(sealed, olga.key, olga.cert, 999), ErrorKind::payload_too_large,
                  "too_large");
    // An envelope far larger than any content it could hold is refused before parsing.
    require_error(open(std::string(200'000, 'A'), olga.key, olga.cert, 1000),
                  ErrorKind::payload_too_large, "too_large");
}

BOOST_AUTO_TEST_CASE(a_mebibyte_of_binary_content_round_trips_through_both) {
    Workdir w;
    Pki pki;
    const User olga = make_ec_user(w, pki, "olga");
    const std::string content = binary_content(1024 * 1024);
    const std::string sealed = *seal(content, olga.cert);
    auto opened = open(sealed, olga.key, olga.cert, content_bytes_max);
    BOOST_REQUIRE(opened.ok());
    BOOST_TEST((*opened == content));
    w.write("sealed.der", sealed);
    const Run r =
        run("openssl cms -decrypt -binary -inform DER -in " + w.path("sealed.der") + " -inkey " +
            olga.key_path + " -recip " + olga.cert_path + " -out " + w.path("opened.bin"));
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST((w.read("opened.bin") == content));
}

BOOST_AUTO_TEST_SUITE_END()
