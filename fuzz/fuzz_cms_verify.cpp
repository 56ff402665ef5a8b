// Feeds arbitrary bytes to SignatureVerifier::verify as a DER CMS SignedData, the way a
// supplier's uploaded bid signature arrives. Inputs are tried as attached signatures first; a
// detached one ("missing_content") is tried again with a fixed content, so that the digest and
// signature checks are reachable for detached signatures too. The verifier lives for the whole
// run, as in the server, so its chain cache sees every input. Every refusal is a Result error
// and is ignored; only sanitizer reports and crashes are findings.
//
// Injected samples (see fixture.hpp): an attached and a detached signature by user 42, whose
// certificate the fuzz CA issued from a request, and an attached one by a certificate without a
// user id (refused as "wrong_signer").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fixture.hpp"
#include "signing/signature.hpp"

namespace {

using namespace procura;

constexpr std::string_view detached_content = "bid 17, lot 2: 125000.00 EUR\n";

struct World {
    fuzz::PKI pki;
    // Certificate is move-only; the verifier gets its own copy of the CA through PEM.
    signing::SignatureVerifier verifier{
        fuzz::require(signing::Certificate::from_pem(pki.ca.to_pem()), "CA copy")};
    signing::VerifyOptions options = make_options();
    std::vector<std::string> samples = make_samples();

    static signing::VerifyOptions make_options() {
        signing::VerifyOptions o;
        o.at_ms = fuzz::t0_ms;
        o.expected_user = 42;
        // Asked about every signer whose chain verifies; nobody is revoked.
        o.is_revoked = [](const std::string&, std::int64_t) { return false; };
        o.content_bytes_max = 64 * 1024;
        o.signature_bytes_max = 1024 * 1024;
        return o;
    }

    std::vector<std::string> make_samples() const {
        auto user_key = fuzz::require(signing::PrivateKey::generate_ec_p256(), "user key");
        auto user_cert =
            fuzz::require(signing::issue_from_csr(pki.ca, pki.ca_key, fuzz::make_csr_pem(user_key),
                                                  42, "olga", fuzz::around_t0()),
                          "user certificate");
        auto other_key = fuzz::require(signing::PrivateKey::generate_ec_p256(), "other key");
        auto other_cert = fuzz::require(
            signing::issue_for_key(pki.ca, pki.ca_key, other_key, "no user", fuzz::around_t0()),
            "other certificate");
        using signing::Attachment;
        return {
            fuzz::require(signing::sign("bid 17", user_cert, user_key, Attachment::attached),
                          "attached signature"),
            fuzz::require(
                signing::sign(detached_content, user_cert, user_key, Attachment::detached),
                "detached signature"),
            fuzz::require(signing::sign("bid 18", other_cert, other_key, Attachment::attached),
                          "other signature"),
        };
    }
};

// The samples must reach where they are meant to, or the injection is pointless.
void check_samples(const World& w) {
    auto attached = w.verifier.verify(w.samples[0], std::nullopt, w.options);
    if (!attached.ok()) fuzz::set_up_failed("attached sample", attached.error().code);
    auto detached = w.verifier.verify(w.samples[1], detached_content, w.options);
    if (!detached.ok()) fuzz::set_up_failed("detached sample", detached.error().code);
    auto other = w.verifier.verify(w.samples[2], std::nullopt, w.options);
    if (other.ok() || other.error().code != "wrong_signer") {
        fuzz::set_up_failed("other sample", other.ok() ? "accepted" : other.error().code);
    }
}

const World& world() {
    static const World w;
    static const bool checked = (check_samples(w), true);
    (void)checked;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const World& w = world();
    const std::string_view der(reinterpret_cast<const char*>(data), size);
    auto attached = w.verifier.verify(der, std::nullopt, w.options);
    if (!attached.ok() && attached.error().code == "missing_content") {
        auto detached = w.verifier.verify(der, detached_content, w.options);
        (void)detached;
    }
    return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    return fuzz::mutate_or_inject(world().samples, data, size, max_size, seed);
}
