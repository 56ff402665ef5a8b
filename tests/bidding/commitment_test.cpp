// The bids' log commitments (bidding/commitment.hpp): the one encoding, checked against a value
// computed with stock tools, and the check `procura log verify` runs on a copy of the log.
#include "bidding/commitment.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "core/json_text.hpp"
#include "tests/support/require_error.hpp"

using namespace procura;
using namespace procura::bidding;
using core::ErrorKind;
using procura::testing::require_error;

namespace {

const std::string salt_hex = core::sha256_hex("salt");
const std::string bid_hex = core::sha256_hex("bid");

BidReveal reveal(std::int64_t bid_id, std::int64_t version, const std::string& salt,
                 BidState state = BidState::active) {
    return BidReveal{bid_id, version, 7, 41, 2, core::sha256_hex("body " + std::to_string(bid_id)),
                     salt,   state};
}

core::StoredAuditEvent leaf(std::int64_t seq, std::string action, std::string entity_type,
                            std::int64_t entity_id, std::int64_t version, std::string payload) {
    core::StoredAuditEvent e;
    e.seq = seq;
    e.event = core::AuditEvent{1000 + seq, 0,       std::move(action), std::move(entity_type),
                               entity_id,  version, std::move(payload)};
    return e;
}

core::StoredAuditEvent receipt_leaf(std::int64_t seq, const BidReveal& r) {
    Bid b;
    b.tender_id = r.tender_id;
    b.received_at_ms = 5;
    return leaf(seq, "bid.received", "bid", r.bid_id, r.version,
                sealed_receipt_payload(b, bid_commitment_hex(r)));
}

core::StoredAuditEvent reveal_leaf(std::int64_t seq, const BidReveal& r) {
    return leaf(seq, "bid.revealed", "bid", r.bid_id, r.version, reveal_payload(r));
}

core::StoredAuditEvent opened_leaf(std::int64_t seq, std::int64_t tender_id) {
    return leaf(seq, "tender.opened", "tender", tender_id, 3, "{\"bids\":1}");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(commitment)

// The value below is what docs/bidding-with-openssl.md's recipe gives:
//   printf 'procura-bid-commitment-v1\n%s\n%s\n%s\n%s\n%s\n' "$salt" 7 41 2 "$sha" | sha256sum
// with salt = SHA-256("salt") and sha = SHA-256("bid").
BOOST_AUTO_TEST_CASE(the_commitment_is_the_documented_text_hashed) {
    BOOST_TEST(commitment_text(salt_hex, 7, 41, 2, bid_hex) ==
               "procura-bid-commitment-v1\n" + salt_hex + "\n7\n41\n2\n" + bid_hex + "\n");
    BOOST_TEST(bid_commitment_hex(salt_hex, 7, 41, 2, bid_hex) ==
               "542abf6c551e027fc4d7230c01f675870054e620854d03f74ea12f1710605ece");
    // Each value changes it; lot 12 of supplier 4 is not lot 2 of supplier 41.
    BOOST_TEST(bid_commitment_hex(salt_hex, 7, 4, 12, bid_hex) !=
               bid_commitment_hex(salt_hex, 7, 41, 2, bid_hex));
    BOOST_TEST(bid_commitment_hex(salt_hex, 8, 41, 2, bid_hex) !=
               bid_commitment_hex(salt_hex, 7, 41, 2, bid_hex));
}

BOOST_AUTO_TEST_CASE(salts_are_fresh_32_bytes) {
    const std::string a = new_salt_hex();
    BOOST_TEST(core::is_sha256_hex(a));
    BOOST_TEST(a != new_salt_hex());
}

BOOST_AUTO_TEST_CASE(every_leaf_of_an_opened_tender_matches_its_reveal) {
    const BidReveal r = reveal(11, 1, salt_hex, BidState::replaced);
    const std::vector<core::StoredAuditEvent> log = {receipt_leaf(1, r), reveal_leaf(2, r),
                                                     opened_leaf(3, 7)};
    auto checked = check_bid_commitments(log, {r});
    BOOST_REQUIRE(checked.ok());
    BOOST_TEST(checked->tenders_opened == 1u);
    BOOST_TEST(checked->leaves_checked == 1u);
    BOOST_TEST(checked->published_checked == 1u);
}

BOOST_AUTO_TEST_CASE(a_tampered_salt_supplier_or_lot_is_a_mismatch) {
    const BidReveal r = reveal(11, 1, salt_hex);
    for (int field = 0; field < 4; ++field) {
        BidReveal altered = r;
        if (field == 0) altered.salt_hex = core::sha256_hex("another salt");
        if (field == 1) altered.supplier_id = 42;
        if (field == 2) altered.lot_id = 1;
        if (field == 3) altered.sha256_hex = bid_hex;
        // In the log's own reveal leaf...
        require_error(check_bid_commitments(
                          {receipt_leaf(1, r), reveal_leaf(2, altered), opened_leaf(3, 7)}, {}),
                      ErrorKind::unprocessable, "commitment_mismatch");
        // ... and in a published opening record checked against the log.
        require_error(check_bid_commitments({receipt_leaf(1, r)}, {altered}),
                      ErrorKind::unprocessable, "commitment_mismatch");
    }
}

BOOST_AUTO_TEST_CASE(an_opened_tender_must_reveal_every_committed_leaf) {
    const BidReveal r = reveal(11, 1, salt_hex);
    // Not opened: sealed, no failure.
    auto sealed = check_bid_commitments({receipt_leaf(1, r)}, {});
    BOOST_REQUIRE(sealed.ok());
    BOOST_TEST(sealed->leaves_sealed == 1u);
    // Opened without revealing it: a failure naming the leaf.
    require_error(check_bid_commitments({receipt_leaf(1, r), opened_leaf(2, 7)}, {}),
                  ErrorKind::unprocessable, "not_revealed");
    // A reveal of a bid no leaf committed to, in the log or in a record.
    require_error(check_bid_commitments({reveal_leaf(1, r)}, {}), ErrorKind::unprocessable,
                  "reveal_without_leaf");
    require_error(check_bid_commitments({}, {r}), ErrorKind::unprocessable, "reveal_without_leaf");
}

BOOST_AUTO_TEST_CASE(older_leaves_without_commitments_are_counted_and_malformed_ones_refused) {
    const auto legacy =
        leaf(1, "bid.received", "bid", 3, 1,
             "{\"tender_id\":7,\"supplier_id\":41,\"lot_id\":2,\"sha256\":\"" + bid_hex + "\"}");
    auto checked = check_bid_commitments({legacy}, {});
    BOOST_REQUIRE(checked.ok());
    BOOST_TEST(checked->leaves_uncommitted == 1u);
    require_error(
        check_bid_commitments({leaf(1, "bid.received", "bid", 3, 1, "{\"commitment\":\"x\"}")}, {}),
        ErrorKind::unprocessable, "malformed_leaf");
    require_error(check_bid_commitments(
                      {leaf(1, "bid.received", "bid", 3, 1,
                            "{\"tender_id\":7,\"commitment\":\"" + salt_hex.substr(1) + "\"}")},
                      {}),
                  ErrorKind::unprocessable, "malformed_leaf");
    require_error(check_bid_commitments({leaf(1, "bid.withdrawn", "bid", 3, 1, "not json")}, {}),
                  ErrorKind::unprocessable, "malformed_leaf");
}

BOOST_AUTO_TEST_SUITE_END()
