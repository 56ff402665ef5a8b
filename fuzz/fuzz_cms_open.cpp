// Feeds arbitrary bytes to signing::open as a DER CMS envelope, the way a sealed bid arrives at
// the opening ceremony, with the platform's own opening key and certificate as the recipient.
// Every refusal is a Result error and is ignored; only sanitizer reports and crashes are
// findings.
//
// Injected samples (see fixture.hpp): envelopes made by seal() for our recipient, one under
// content_bytes_max and one over it ("too_large"), so that key agreement, GCM decryption and
// the size check are reachable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fixture.hpp"
#include "signing/envelope.hpp"

namespace {

using namespace procura;

// Small, so that a sealed sample can exceed it within -max_len.
constexpr std::size_t content_bytes_max = 256;

struct World {
    fuzz::PKI pki;
    signing::PrivateKey key = fuzz::require(signing::PrivateKey::generate_ec_p256(), "opening key");
    signing::Certificate cert = fuzz::require(
        signing::issue_for_key(pki.ca, pki.ca_key, key, "fuzz opening key", fuzz::around_t0()),
        "opening key certificate");
    std::vector<std::string> samples = {
        fuzz::require(signing::seal("bid 17, lot 2: 125000.00 EUR\n", cert), "small envelope"),
        fuzz::require(signing::seal(std::string(content_bytes_max + 1, 'x'), cert),
                      "large envelope"),
    };
};

// The samples must reach where they are meant to, or the injection is pointless.
void check_samples(const World& w) {
    auto small = signing::open(w.samples[0], w.key, w.cert, content_bytes_max);
    if (!small.ok()) fuzz::set_up_failed("small envelope", small.error().code);
    auto large = signing::open(w.samples[1], w.key, w.cert, content_bytes_max);
    if (large.ok() || large.error().code != "too_large") {
        fuzz::set_up_failed("large envelope", large.ok() ? "opened" : large.error().code);
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
    auto content = signing::open(der, w.key, w.cert, content_bytes_max);
    (void)content;
    return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    return fuzz::mutate_or_inject(world().samples, data, size, max_size, seed);
}
