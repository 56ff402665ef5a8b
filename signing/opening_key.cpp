#include "signing/opening_key.hpp"

// libgfshare.h declares C functions without extern "C".
extern "C" {
#include <libgfshare.h>
}
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "core/hash.hpp"
#include "signing/envelope.hpp"
#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;

constexpr std::string_view share_magic = "procura-opening-share-v1\n";

// libgfshare draws its polynomial coefficients through gfshare_fill_rand, which must be a
// CSPRNG: the library's own fallback is random(). Set once, before any share is made.
void csprng_fill(unsigned char* buffer, unsigned int count) {
    PROCURA_ASSERT(RAND_bytes(buffer, static_cast<int>(count)) == 1);
}

void use_csprng_for_shares() {
    static std::once_flag once;
    std::call_once(once, [] { gfshare_fill_rand = csprng_fill; });
}

// Wipes a string's bytes before it goes away.
struct Wiped {
    std::string bytes;
    ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

struct GFShareFree {
    void operator()(gfshare_ctx* ctx) const { gfshare_ctx_free(ctx); }
};
using GFShareHandle = std::unique_ptr<gfshare_ctx, GFShareFree>;

std::string fingerprint(const Certificate& cert) { return core::sha256_hex(cert.to_pem()); }

core::Error refuse(std::string code, std::string message) {
    return core::unprocessable(std::move(code), std::move(message), "shares");
}

// The plaintext sealed to a member: a header naming the tender, the opening certificate and the
// share's number, then the share bytes.
std::string encode_share(std::int64_t tender_id, const std::string& cert_fingerprint,
                         std::uint8_t number, std::string_view share) {
    std::string out(share_magic);
    out +=
        std::to_string(tender_id) + "\n" + cert_fingerprint + "\n" + std::to_string(number) + "\n";
    out += share;
    return out;
}

// A share taken apart; its secret bytes are wiped when it goes, whichever way a check ends.
struct DecodedShare {
    std::int64_t tender_id = 0;
    std::string cert_fingerprint;
    std::uint8_t number = 0;
    std::string bytes;

    DecodedShare() = default;
    DecodedShare(const DecodedShare&) = default;
    DecodedShare(DecodedShare&&) = default;
    DecodedShare& operator=(const DecodedShare&) = default;
    DecodedShare& operator=(DecodedShare&&) = default;
    ~DecodedShare() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

std::optional<DecodedShare> decode_share(std::string_view text) {
    if (text.substr(0, share_magic.size()) != share_magic) return std::nullopt;
    text.remove_prefix(share_magic.size());
    std::string lines[3];
    for (std::string& line : lines) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos || end > 100) return std::nullopt;
        line = std::string(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    DecodedShare d;
    try {
        d.tender_id = std::stoll(lines[0]);
        const int number = std::stoi(lines[2]);
        if (number < 1 || number > 255) return std::nullopt;
        d.number = static_cast<std::uint8_t>(number);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    d.cert_fingerprint = lines[1];
    d.bytes = std::string(text);
    if (d.bytes.empty()) return std::nullopt;
    return d;
}

}  // namespace

core::Result<std::uint8_t> check_share(std::int64_t tender_id, std::string_view opened_share,
                                       const Certificate& opening_certificate) {
    auto decoded = decode_share(opened_share);
    if (!decoded) return refuse("bad_share", "this is not an opening-key share");
    if (decoded->tender_id != tender_id ||
        decoded->cert_fingerprint != fingerprint(opening_certificate)) {
        return refuse("share_from_another_tender", "share " + std::to_string(decoded->number) +
                                                       " belongs to another tender's opening key");
    }
    return decoded->number;
}

core::Result<OpeningKey> create_opening_key(std::int64_t tender_id,
                                            const std::vector<CommitteeMember>& committee,
                                            std::uint8_t threshold, const Certificate& ca,
                                            const PrivateKey& ca_key, const Validity& validity) {
    const std::size_t n = committee.size();
    if (threshold < 1 || threshold > n || n > 255) {
        return core::bad_request("bad_threshold", "the threshold k must satisfy 1 <= k <= n <= 255",
                                 "threshold");
    }
    use_csprng_for_shares();
    PROCURA_TRY_ASSIGN(auto key, PrivateKey::generate_ec_p256());
    // The certificate's subject names the tender; its key agrees (ECDH) to unwrap bids.
    const std::string csr_name = "tender-" + std::to_string(tender_id) + "-opening-key";
    PROCURA_TRY_ASSIGN(auto cert, issue_for_key(ca, ca_key, key, csr_name, validity));

    Wiped secret;
    {
        unsigned char* der = nullptr;
        const int length = i2d_PrivateKey(key.get(), &der);
        if (length <= 0) {
            return openssl_error(ErrorKind::internal, "key_export_failed",
                                 "cannot serialise the opening key");
        }
        secret.bytes.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
        OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    }
    std::vector<unsigned char> numbers(n);
    for (std::size_t i = 0; i < n; ++i) numbers[i] = static_cast<unsigned char>(i + 1);
    const auto size = static_cast<unsigned int>(secret.bytes.size());
    GFShareHandle ctx(
        gfshare_ctx_init_enc(numbers.data(), static_cast<unsigned int>(n), threshold, size));
    if (!ctx) {
        return core::internal("split_failed", "libgfshare could not set up the split");
    }
    gfshare_ctx_enc_setsecret(ctx.get(), reinterpret_cast<unsigned char*>(secret.bytes.data()));

    OpeningKey result{std::move(cert), threshold, {}};
    const std::string cert_fingerprint = fingerprint(result.certificate);
    for (std::size_t i = 0; i < n; ++i) {
        Wiped share;
        share.bytes.assign(size, '\0');
        gfshare_ctx_enc_getshare(ctx.get(), static_cast<unsigned char>(i),
                                 reinterpret_cast<unsigned char*>(share.bytes.data()));
        Wiped plaintext{encode_share(tender_id, cert_fingerprint, numbers[i], share.bytes)};
        PROCURA_TRY_ASSIGN(auto envelope, seal(plaintext.bytes, *committee[i].certificate));
        result.shares.push_back(SealedShare{committee[i].user, numbers[i], std::move(envelope),
                                            core::sha256_hex(plaintext.bytes)});
    }
    // key, secret, shares and plaintexts are wiped as they go out of scope (EC private keys are
    // freed with BN_clear_free by OpenSSL; the byte buffers by Wiped).
    return result;
}

bool share_matches(std::string_view opened_share, std::string_view commitment_sha256) {
    if (commitment_sha256.empty()) return true;
    const std::string digest = core::sha256_hex(opened_share);
    return digest.size() == commitment_sha256.size() &&
           CRYPTO_memcmp(digest.data(), commitment_sha256.data(), digest.size()) == 0;
}

core::Result<PrivateKey> rebuild_opening_key(std::int64_t tender_id,
                                             const std::vector<std::string>& opened_shares,
                                             const Certificate& opening_certificate,
                                             std::uint8_t threshold) {
    if (threshold < 1 || opened_shares.size() < threshold) {
        return refuse("not_enough_shares", "the opening key needs " + std::to_string(threshold) +
                                               " shares; " + std::to_string(opened_shares.size()) +
                                               " given");
    }
    const std::string cert_fingerprint = fingerprint(opening_certificate);
    std::vector<DecodedShare> shares;
    std::set<std::uint8_t> seen;
    for (const std::string& opened : opened_shares) {
        auto decoded = decode_share(opened);
        if (!decoded) return refuse("bad_share", "a share is not an opening-key share");
        if (decoded->tender_id != tender_id || decoded->cert_fingerprint != cert_fingerprint) {
            return refuse("share_from_another_tender",
                          "share " + std::to_string(decoded->number) +
                              " belongs to another tender's opening key");
        }
        if (!seen.insert(decoded->number).second) {
            return refuse("duplicate_share",
                          "share " + std::to_string(decoded->number) + " was given twice");
        }
        if (!shares.empty() && decoded->bytes.size() != shares.front().bytes.size()) {
            return refuse("bad_share", "the shares differ in length");
        }
        shares.push_back(std::move(*decoded));
    }
    std::string used;
    std::vector<unsigned char> numbers;
    for (const DecodedShare& s : shares) {
        numbers.push_back(s.number);
        used += (used.empty() ? "" : ", ") + std::to_string(s.number);
    }
    const auto size = static_cast<unsigned int>(shares.front().bytes.size());
    GFShareHandle ctx(
        gfshare_ctx_init_dec(numbers.data(), static_cast<unsigned int>(numbers.size()), size));
    if (!ctx) {
        return core::internal("combine_failed", "libgfshare could not set up the combination");
    }
    for (std::size_t i = 0; i < shares.size(); ++i) {
        gfshare_ctx_dec_giveshare(ctx.get(), static_cast<unsigned char>(i),
                                  reinterpret_cast<unsigned char*>(shares[i].bytes.data()));
    }
    Wiped secret;
    secret.bytes.assign(size, '\0');
    gfshare_ctx_dec_extract(ctx.get(), reinterpret_cast<unsigned char*>(secret.bytes.data()));
    for (DecodedShare& s : shares) OPENSSL_cleanse(s.bytes.data(), s.bytes.size());

    const auto* cursor = reinterpret_cast<const unsigned char*>(secret.bytes.data());
    EVP_PKEY* raw = d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(secret.bytes.size()));
    ERR_clear_error();
    if (raw == nullptr) {
        return refuse("shares_do_not_match", "shares " + used + " do not rebuild the opening key");
    }
    auto key = PrivateKey::adopt(raw);
    if (!opening_certificate.matches(key)) {
        return refuse("shares_do_not_match",
                      "shares " + used + " rebuild a key that is not the opening certificate's");
    }
    return key;
}

}  // namespace procura::signing
