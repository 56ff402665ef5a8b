// The signer-confusion attack on CMS verification, for the tests that must refuse it: a
// signature by an attacker's own key whose forged certificate copies the victim's issuer,
// serial number and subject, carried first, with the victim's real (public) certificate carried
// second. Both certificates match the SignerInfo's issuer and serial. A verifier that checks the
// chain of one and verifies the signature with the other would take the attacker's signature
// for the victim's; stock `openssl cms -verify` refuses it. Made with OpenSSL's API only.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "signing/keys.hpp"

namespace procura::testing {

// content signed (attached, binary) as described above, in DER.
inline std::string sign_as_victim(std::string_view content, const signing::Certificate& victim) {
    auto key = signing::PrivateKey::generate_ec_p256();
    BOOST_REQUIRE(key.ok());
    std::unique_ptr<X509, decltype(&X509_free)> forged(X509_new(), X509_free);
    BOOST_REQUIRE(forged);
    BOOST_REQUIRE(X509_set_version(forged.get(), 2) == 1);
    BOOST_REQUIRE(X509_set_serialNumber(forged.get(), X509_get_serialNumber(victim.get())) == 1);
    BOOST_REQUIRE(X509_set_issuer_name(forged.get(), X509_get_issuer_name(victim.get())) == 1);
    BOOST_REQUIRE(X509_set_subject_name(forged.get(), X509_get_subject_name(victim.get())) == 1);
    BOOST_REQUIRE(X509_set1_notBefore(forged.get(), X509_get0_notBefore(victim.get())) == 1);
    BOOST_REQUIRE(X509_set1_notAfter(forged.get(), X509_get0_notAfter(victim.get())) == 1);
    BOOST_REQUIRE(X509_set_pubkey(forged.get(), key->get()) == 1);
    BOOST_REQUIRE(X509_sign(forged.get(), key->get(), EVP_sha256()) > 0);

    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(content.data(), static_cast<int>(content.size())), BIO_free);
    std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(
        CMS_sign(forged.get(), key->get(), nullptr, in.get(), CMS_BINARY), CMS_ContentInfo_free);
    BOOST_REQUIRE(cms);
    BOOST_REQUIRE(CMS_add1_cert(cms.get(), victim.get()) == 1);  // carried after the forged one

    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    BOOST_REQUIRE(i2d_CMS_bio(out.get(), cms.get()) == 1);
    char* data = nullptr;
    const long length = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace procura::testing
