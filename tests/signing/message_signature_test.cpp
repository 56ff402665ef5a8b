#include "signing/message_signature.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/signing/openssl_cli.hpp"

namespace {

using namespace procura;
using core::ErrorKind;
using testing::require_error;
using testing::run;
using testing::Workdir;

BOOST_AUTO_TEST_SUITE(message_signature)

BOOST_AUTO_TEST_CASE(our_signature_verifies_with_openssl_dgst_and_ours) {
    Workdir w;
    auto key = signing::PrivateKey::generate_ec_p256();
    BOOST_REQUIRE(key.ok());
    const std::string text = "procura-log-sth-v1\n3\n1800000000000\n" + std::string(64, 'a') + "\n";
    auto signature = signing::sign_message(*key, text);
    BOOST_REQUIRE(signature.ok());
    w.write("pub.pem", key->public_key_pem());
    w.write("text", text);
    w.write("sig", *signature);
    const auto verified = run("openssl dgst -sha256 -verify " + w.path("pub.pem") + " -signature " +
                              w.path("sig") + " " + w.path("text"));
    BOOST_TEST(verified.status == 0, verified.output);
    BOOST_TEST(signing::verify_message(key->public_key_pem(), text, *signature).ok());

    require_error(signing::verify_message(key->public_key_pem(), text + "x", *signature),
                  ErrorKind::unprocessable, "bad_signature");
    std::string flipped = *signature;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 1);
    require_error(signing::verify_message(key->public_key_pem(), text, flipped),
                  ErrorKind::unprocessable, "bad_signature");
    require_error(signing::verify_message(key->public_key_pem(), text, ""),
                  ErrorKind::unprocessable, "bad_signature");
    auto other = signing::PrivateKey::generate_ec_p256();
    require_error(signing::verify_message(other->public_key_pem(), text, *signature),
                  ErrorKind::unprocessable, "bad_signature");
    require_error(signing::verify_message("not a key", text, *signature), ErrorKind::bad_request,
                  "bad_public_key");
}

BOOST_AUTO_TEST_CASE(openssl_made_signature_verifies_with_ours) {
    Workdir w;
    BOOST_REQUIRE(
        run("openssl ecparam -name prime256v1 -genkey -noout -out " + w.path("k.pem")).status == 0);
    BOOST_REQUIRE(
        run("openssl ec -in " + w.path("k.pem") + " -pubout -out " + w.path("p.pem")).status == 0);
    w.write("text", "hello");
    BOOST_REQUIRE(run("openssl dgst -sha256 -sign " + w.path("k.pem") + " -out " + w.path("sig") +
                      " " + w.path("text"))
                      .status == 0);
    BOOST_TEST(signing::verify_message(w.read("p.pem"), "hello", w.read("sig")).ok());
}

BOOST_AUTO_TEST_CASE(only_p256_keys_are_accepted) {
    Workdir w;
    BOOST_REQUIRE(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                      w.path("rsa.pem"))
                      .status == 0);
    BOOST_REQUIRE(
        run("openssl pkey -in " + w.path("rsa.pem") + " -pubout -out " + w.path("rsa.pub"))
            .status == 0);
    require_error(signing::verify_message(w.read("rsa.pub"), "x", "y"), ErrorKind::bad_request,
                  "bad_public_key");
}

BOOST_AUTO_TEST_CASE(base64_round_trips_and_refuses_garbage) {
    for (const std::string& bytes :
         {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
          std::string("foob"), std::string("\0\xff\x10 bytes", 9)}) {
        const std::string encoded = signing::base64_encode(bytes);
        BOOST_TEST(encoded.size() % 4 == 0u);
        auto decoded = signing::base64_decode(encoded);
        BOOST_REQUIRE(decoded.ok());
        BOOST_TEST(*decoded == bytes);
    }
    BOOST_TEST(signing::base64_encode("foob") == "Zm9vYg==");
    require_error(signing::base64_decode("Zm9vYg="), ErrorKind::bad_request, "bad_base64");
    require_error(signing::base64_decode("Zm9v Yg=="), ErrorKind::bad_request, "bad_base64");
    require_error(signing::base64_decode("Zm9-Yg=="), ErrorKind::bad_request, "bad_base64");
    require_error(signing::base64_decode("Zm=vYg=="), ErrorKind::bad_request, "bad_base64");
    require_error(signing::base64_decode("Z==="), ErrorKind::bad_request, "bad_base64");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
