// Feeds arbitrary bytes to TimeStampAuthority::respond as a DER TimeStampReq, the way POST /tsa
// receives them, with a fixed ManualClock so that every response is made at the same instant.
// Both outcomes are ignored: a DER response (granted or rejection) and a Result error
// ("not_ts_request", "too_large"). Only sanitizer reports and crashes are findings.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "fuzz/fixture.hpp"
#include "signing/tsa.hpp"

namespace {

using namespace procura;

struct World {
    fuzz::PKI pki;
    core::ManualClock clock{fuzz::t0_ms};
    signing::TimeStampAuthority tsa = make_tsa();

    signing::TimeStampAuthority make_tsa() {
        auto key = fuzz::require(signing::PrivateKey::generate_ec_p256(), "TSA key");
        auto cert =
            fuzz::require(signing::issue_tsa_certificate(pki.ca, pki.ca_key, key,
                                                         "Procura fuzz TSA", fuzz::around_t0()),
                          "TSA certificate");
        return fuzz::require(signing::TimeStampAuthority::create(std::move(cert), std::move(key),
                                                                 clock, signing::TSAOptions{}),
                             "TSA");
    }
};

const World& world() {
    static const World w;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const World& w = world();
    const std::string_view der(reinterpret_cast<const char*>(data), size);
    auto response = w.tsa.respond(der);
    (void)response;
    return 0;
}
