// The opening of sealed bids: bids made by the stock `openssl cms` command (the suppliers'
// recipe) and by our own signing::seal and signing::sign, opened with a key rebuilt from the
// committee's shares; every way a bid can be bad is recorded with its reason while the others
// open, and the result does not depend on the number of threads.
#include "bidding/opening.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "signing/envelope.hpp"
#include "signing/opening_key.hpp"
#include "tests/signing/forged_signer.hpp"
#include "tests/signing/openssl_cli.hpp"

using namespace procura;
using namespace procura::bidding;
using namespace procura::signing;
using procura::testing::Run;
using procura::testing::run;
using procura::testing::Workdir;

namespace {

const std::int64_t now_ms = core::SystemClock().now_ms();
const Validity validity{now_ms - core::ms_per_day, now_ms + 60 * core::ms_per_day};
constexpr std::int64_t tender_id = 7;

using User = procura::testing::OpenSSLUser;

// A CA, two committee officers, tender 7's opening key rebuilt from their shares (2 of 2), a
// second tender's opening certificate, and three suppliers (ids 41, 42, 43) whose keys
// `openssl req` made. Built once: the openssl calls are slow.
struct World {
    Workdir w;
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca = *make_root_ca(ca_key, "Procura test CA", validity);
    std::vector<User> officers;
    std::vector<User> suppliers;
    std::optional<OpeningKey> opening;
    std::optional<OpeningKey> other_opening;
    std::optional<PrivateKey> opening_key;
    std::string opening_pem_path;
    std::string other_opening_pem_path;
    SignatureVerifier verifier{*Certificate::from_pem(ca.to_pem())};

    World() {
        for (int i = 0; i < 2; ++i) {
            officers.push_back(procura::testing::make_openssl_user(
                w, ca, ca_key, "officer" + std::to_string(i), 100 + i, validity));
        }
        for (int i = 0; i < 3; ++i) {
            suppliers.push_back(procura::testing::make_openssl_user(
                w, ca, ca_key, "supplier" + std::to_string(41 + i), 41 + i, validity));
        }
        std::vector<CommitteeMember> committee;
        for (int i = 0; i < 2; ++i)
            committee.push_back({100 + i, &officers[static_cast<std::size_t>(i)].cert});
        auto key = create_opening_key(tender_id, committee, 2, ca, ca_key, validity);
        BOOST_REQUIRE(key.ok());
        opening = std::move(*key);
        auto other = create_opening_key(tender_id + 1, committee, 2, ca, ca_key, validity);
        BOOST_REQUIRE(other.ok());
        other_opening = std::move(*other);
        std::vector<std::string> shares;
        for (std::size_t i = 0; i < 2; ++i) {
            auto share =
                open(opening->shares[i].envelope_der, officers[i].key, officers[i].cert, 4096);
            BOOST_REQUIRE(share.ok());
            shares.push_back(*share);
        }
        auto rebuilt = rebuild_opening_key(tender_id, shares, opening->certificate, 2);
        BOOST_REQUIRE(rebuilt.ok());
        opening_key = std::move(*rebuilt);
        opening_pem_path = w.write("opening.pem", opening->certificate.to_pem());
        other_opening_pem_path = w.write("other-opening.pem", other_opening->certificate.to_pem());
    }

    const User& supplier(core::UserId id) const {
        return suppliers.at(static_cast<std::size_t>(id - 41));
    }

    OpeningInputs inputs() const {
        return OpeningInputs{*opening_key, opening->certificate, verifier, {}, 1024 * 1024};
    }
};

World& world() {
    static World instance;
    return instance;
}

std::string document(std::int64_t tender, std::int64_t lot, core::UserId supplier,
                     std::int64_t amount_minor = 1'000'000) {
    nlohmann::json d = {
        {"tender_id", tender},
        {"lot_id", lot},
        {"supplier_id", supplier},
        {"price", {{"amount_minor", amount_minor}, {"currency", "CNY"}}},
        {"validity_days", 90},
        {"declarations", {{"no_conflict_of_interest", true}, {"not_debarred", true}}},
        {"technical", {{"delivery_weeks", 6}}},
    };
    return d.dump();
}

// Our own recipe: seal to the certificate, sign the envelope with content attached.
std::string our_bid(const std::string& content, const User& signer, const Certificate& to) {
    auto envelope = seal(content, to);
    BOOST_REQUIRE(envelope.ok());
    auto signed_der = sign(*envelope, signer.cert, signer.key, Attachment::attached);
    BOOST_REQUIRE(signed_der.ok());
    return *signed_der;
}

std::string signed_envelope(const std::string& envelope, const User& signer) {
    auto signed_der = sign(envelope, signer.cert, signer.key, Attachment::attached);
    BOOST_REQUIRE(signed_der.ok());
    return *signed_der;
}

// The suppliers' recipe with the stock openssl command.
std::string openssl_bid(const std::string& content, const User& signer, const std::string& to_pem) {
    World& x = world();
    x.w.write("bid.json", content);
    const Run encrypt = run("openssl cms -encrypt -aes-256-gcm -recip " + to_pem +
                            " -keyopt ecdh_kdf_md:sha256 -binary -outform DER -in " +
                            x.w.path("bid.json") + " -out " + x.w.path("env.der"));
    BOOST_REQUIRE_MESSAGE(encrypt.status == 0, encrypt.output);
    const Run signature = run("openssl cms -sign -binary -nodetach -md sha256 -signer " +
                              signer.cert_path + " -inkey " + signer.key_path + " -in " +
                              x.w.path("env.der") + " -outform DER -out " + x.w.path("bid.der"));
    BOOST_REQUIRE_MESSAGE(signature.status == 0, signature.output);
    return x.w.read("bid.der");
}

SealedBid sealed(std::int64_t bid_id, core::UserId supplier, std::string body, std::int64_t lot = 1,
                 std::int64_t received_at_ms = now_ms) {
    return SealedBid{bid_id, tender_id, lot, supplier, received_at_ms, std::move(body)};
}

void expect_valid(const OpenedBid& opened) {
    BOOST_TEST((opened.status == OpenedStatus::valid), opened.bid_id << ": " << opened.reason);
    BOOST_TEST(opened.reason_code.empty());
    BOOST_TEST(opened.signature_status == "valid");
    BOOST_TEST(opened.decryption_status == "decrypted");
    BOOST_TEST(opened.document.has_value());
}

void expect_invalid(const OpenedBid& opened, const std::string& reason_code) {
    BOOST_TEST((opened.status == OpenedStatus::invalid), opened.bid_id);
    BOOST_TEST(opened.reason_code == reason_code, opened.bid_id << ": " << opened.reason);
    BOOST_TEST(!opened.reason.empty());
}

bool same(const OpenedBid& a, const OpenedBid& b) {
    return a.bid_id == b.bid_id && a.status == b.status && a.reason_code == b.reason_code &&
           a.reason == b.reason && a.signature_status == b.signature_status &&
           a.decryption_status == b.decryption_status && a.signer_subject == b.signer_subject &&
           a.document.has_value() == b.document.has_value() &&
           (!a.document || a.document->raw_json == b.document->raw_json);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(opening)

BOOST_AUTO_TEST_CASE(bids_from_the_openssl_recipe_and_from_our_own_code_all_open) {
    World& x = world();
    const std::vector<SealedBid> bids = {
        sealed(1, 41, openssl_bid(document(tender_id, 1, 41), x.supplier(41), x.opening_pem_path)),
        sealed(2, 42,
               our_bid(document(tender_id, 1, 42, 999), x.supplier(42), x.opening->certificate)),
        sealed(3, 43, openssl_bid(document(tender_id, 2, 43), x.supplier(43), x.opening_pem_path),
               2),
    };
    const auto opened = open_bids(bids, x.inputs(), 2);
    BOOST_REQUIRE_EQUAL(opened.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(opened[i].bid_id == bids[i].bid_id);
        expect_valid(opened[i]);
    }
    BOOST_TEST(opened[0].signer_subject.find("UID=41") != std::string::npos,
               opened[0].signer_subject);
    BOOST_TEST(opened[1].document->price.amount_minor == 999);
    BOOST_TEST(opened[1].document->raw_json == document(tender_id, 1, 42, 999));
    BOOST_TEST(opened[2].document->lot_id == 2);
}

BOOST_AUTO_TEST_CASE(a_tampered_ciphertext_is_invalid_and_the_other_bids_still_open) {
    World& x = world();
    auto envelope = seal(document(tender_id, 1, 42), x.opening->certificate);
    BOOST_REQUIRE(envelope.ok());
    // The envelope ends with the 16-byte GCM tag (04 10 + 16 bytes); the byte before it is the
    // last byte of the ciphertext. The supplier signs what was tampered with.
    std::string tampered = *envelope;
    tampered[tampered.size() - 19] = static_cast<char>(tampered[tampered.size() - 19] ^ 0x01);
    const std::vector<SealedBid> bids = {
        sealed(1, 41, our_bid(document(tender_id, 1, 41), x.supplier(41), x.opening->certificate)),
        sealed(2, 42, signed_envelope(tampered, x.supplier(42))),
        sealed(3, 43, openssl_bid(document(tender_id, 1, 43), x.supplier(43), x.opening_pem_path)),
    };
    const auto opened = open_bids(bids, x.inputs(), 2);
    expect_valid(opened[0]);
    expect_invalid(opened[1], "decrypt_failed");
    BOOST_TEST(opened[1].signature_status == "valid");
    BOOST_TEST(opened[1].decryption_status == "decrypt_failed");
    BOOST_TEST(!opened[1].document.has_value());
    expect_valid(opened[2]);
}

BOOST_AUTO_TEST_CASE(a_bid_signed_by_another_supplier_is_refused_as_the_wrong_signer) {
    World& x = world();
    // Supplier 42 signs a bid that was received as supplier 41's.
    const std::vector<SealedBid> bids = {
        sealed(1, 41, openssl_bid(document(tender_id, 1, 41), x.supplier(42), x.opening_pem_path)),
    };
    const auto opened = open_bids(bids, x.inputs(), 1);
    expect_invalid(opened[0], "signature_invalid");
    BOOST_TEST(opened[0].signature_status == "wrong_signer");
    BOOST_TEST(opened[0].decryption_status == decryption_not_attempted);
    BOOST_TEST(opened[0].signer_subject.empty());
}

// The signer-confusion attack (tests/signing/forged_signer.hpp) on a bid stored as supplier
// 41's: invalid, and nothing is decrypted.
BOOST_AUTO_TEST_CASE(a_bid_signed_under_a_forged_copy_of_the_suppliers_certificate_is_invalid) {
    World& x = world();
    auto envelope = seal(document(tender_id, 1, 41), x.opening->certificate);
    BOOST_REQUIRE(envelope.ok());
    const std::vector<SealedBid> bids = {
        sealed(1, 41, procura::testing::sign_as_victim(*envelope, x.supplier(41).cert)),
    };
    const auto opened = open_bids(bids, x.inputs(), 1);
    expect_invalid(opened[0], "signature_invalid");
    BOOST_TEST(opened[0].signature_status == "ambiguous_signer");
    BOOST_TEST(opened[0].decryption_status == decryption_not_attempted);
    BOOST_TEST(!opened[0].document.has_value());
}

BOOST_AUTO_TEST_CASE(a_document_naming_another_supplier_tender_or_lot_is_invalid) {
    World& x = world();
    const auto& to = x.opening->certificate;
    const std::vector<SealedBid> bids = {
        sealed(1, 41, our_bid(document(tender_id, 1, 42), x.supplier(41), to)),
        sealed(2, 41, our_bid(document(tender_id + 1, 1, 41), x.supplier(41), to)),
        sealed(3, 41, our_bid(document(tender_id, 3, 41), x.supplier(41), to), 1),
    };
    const auto opened = open_bids(bids, x.inputs(), 2);
    expect_invalid(opened[0], "supplier_mismatch");
    expect_invalid(opened[1], "tender_mismatch");
    expect_invalid(opened[2], "lot_mismatch");
    for (const auto& o : opened) {
        BOOST_TEST(o.signature_status == "valid");
        BOOST_TEST(o.decryption_status == "decrypted");
        BOOST_TEST(o.document.has_value());  // kept, so the record shows what was bid
    }
    BOOST_TEST(opened[2].reason.find("lot 3") != std::string::npos, opened[2].reason);
}

BOOST_AUTO_TEST_CASE(an_envelope_sealed_to_another_tender_is_not_for_this_tender) {
    World& x = world();
    const std::vector<SealedBid> bids = {
        sealed(1, 41,
               openssl_bid(document(tender_id, 1, 41), x.supplier(41), x.other_opening_pem_path)),
        sealed(2, 42,
               our_bid(document(tender_id, 1, 42), x.supplier(42), x.other_opening->certificate)),
    };
    const auto opened = open_bids(bids, x.inputs(), 2);
    for (const auto& o : opened) {
        expect_invalid(o, "not_for_this_tender");
        BOOST_TEST(o.signature_status == "valid");
        BOOST_TEST(o.decryption_status == "not_for_this_recipient");
    }
}

BOOST_AUTO_TEST_CASE(bad_json_and_bad_values_are_invalid_with_the_document_code) {
    World& x = world();
    const auto& to = x.opening->certificate;
    std::string no_declaration = document(tender_id, 1, 42);
    const std::string from = "\"not_debarred\":true";
    no_declaration.replace(no_declaration.find(from), from.size(), "\"not_debarred\":false");
    const std::vector<SealedBid> bids = {
        sealed(1, 41, openssl_bid("{\"tender_id\": 7, oops", x.supplier(41), x.opening_pem_path)),
        sealed(2, 42, our_bid(no_declaration, x.supplier(42), to)),
        sealed(3, 43, signed_envelope("not an envelope", x.supplier(43))),
    };
    const auto opened = open_bids(bids, x.inputs(), 2);
    expect_invalid(opened[0], "bid_not_json");
    BOOST_TEST(opened[0].decryption_status == "decrypted");
    expect_invalid(opened[1], "bid_bad_value");
    BOOST_TEST(opened[1].reason.find("declarations.not_debarred") != std::string::npos);
    expect_invalid(opened[2], "not_cms");
    BOOST_TEST(opened[2].decryption_status == "not_cms");
}

BOOST_AUTO_TEST_CASE(a_signer_revoked_at_the_receipt_time_is_invalid_and_not_before) {
    World& x = world();
    const std::string serial = x.supplier(43).cert.serial_hex();
    const std::int64_t revoked_at_ms = now_ms - 1000;
    OpeningInputs inputs = x.inputs();
    inputs.is_revoked = [&](const std::string& serial_hex, std::int64_t at_ms) {
        return serial_hex == serial && at_ms >= revoked_at_ms;
    };
    const std::string body =
        our_bid(document(tender_id, 1, 43), x.supplier(43), x.opening->certificate);
    const std::vector<SealedBid> bids = {
        sealed(1, 43, body, 1, revoked_at_ms - 1),
        sealed(2, 43, body, 1, revoked_at_ms),
        sealed(3, 42, our_bid(document(tender_id, 1, 42), x.supplier(42), x.opening->certificate)),
    };
    const auto opened = open_bids(bids, inputs, 2);
    expect_valid(opened[0]);
    expect_invalid(opened[1], "signature_invalid");
    BOOST_TEST(opened[1].signature_status == "certificate_revoked");
    expect_valid(opened[2]);
}

BOOST_AUTO_TEST_CASE(an_oversized_bid_is_refused_without_stopping_the_others) {
    World& x = world();
    OpeningInputs inputs = x.inputs();
    inputs.bid_bytes_max = 4096;
    nlohmann::json big = nlohmann::json::parse(document(tender_id, 1, 41));
    big["technical"]["notes"] = std::string(5000, 'x');
    const std::vector<SealedBid> bids = {
        sealed(1, 41, our_bid(big.dump(), x.supplier(41), x.opening->certificate)),
        sealed(2, 42, our_bid(document(tender_id, 1, 42), x.supplier(42), x.opening->certificate)),
    };
    const auto opened = open_bids(bids, inputs, 2);
    expect_invalid(opened[0], "signature_invalid");
    BOOST_TEST(opened[0].signature_status == "too_large");
    expect_valid(opened[1]);
}

BOOST_AUTO_TEST_CASE(results_are_identical_for_one_two_four_and_all_threads) {
    World& x = world();
    const auto& to = x.opening->certificate;
    std::vector<SealedBid> bids;
    for (std::int64_t i = 0; i < 40; ++i) {
        const core::UserId supplier = 41 + i % 3;
        const User& signer = x.supplier(supplier);
        std::string body;
        switch (i % 8) {
            case 0:
                body = openssl_bid(document(tender_id, 1, supplier, 100 + i), signer,
                                   x.opening_pem_path);
                break;
            case 1:
                body = our_bid(document(tender_id, 2, supplier), signer, to);
                break;  // lot mismatch
            case 2:
                body = our_bid("[]", signer, to);
                break;
            case 3:
                body = our_bid(document(tender_id, 1, supplier), x.supplier(41 + (i + 1) % 3), to);
                break;
            case 4:
                body =
                    our_bid(document(tender_id, 1, supplier), signer, x.other_opening->certificate);
                break;
            case 5:
                body = "garbage";
                break;
            default:
                body = our_bid(document(tender_id, 1, supplier, 1000 + i), signer, to);
                break;
        }
        bids.push_back(sealed(1000 + i, supplier, std::move(body)));
    }
    const auto one = open_bids(bids, x.inputs(), 1);
    BOOST_REQUIRE_EQUAL(one.size(), bids.size());
    std::size_t valid = 0;
    for (std::size_t i = 0; i < bids.size(); ++i) {
        BOOST_TEST(one[i].bid_id == bids[i].bid_id);
        valid += one[i].status == OpenedStatus::valid ? 1 : 0;
    }
    BOOST_TEST(valid == 15u);  // i % 8 in {0, 6, 7}: 5 + 5 + 5
    for (const int threads : {2, 4, 0}) {
        for (int round = 0; round < 3; ++round) {
            const auto again = open_bids(bids, x.inputs(), threads);
            BOOST_REQUIRE_EQUAL(again.size(), one.size());
            for (std::size_t i = 0; i < one.size(); ++i) {
                BOOST_TEST(same(one[i], again[i]),
                           "bid " << i << " with " << threads << " threads");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(no_bids_open_to_no_results) {
    BOOST_TEST(open_bids({}, world().inputs(), 2).empty());
}

BOOST_AUTO_TEST_SUITE_END()
