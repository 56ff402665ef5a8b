// MySQLBidStore against MariaDB: a group of bids is written only while its tender is open for
// bids (not cancelled, not opened, received before the current deadline), each refused bid
// changing nothing; the opening is refused if a bid was stored after its record was read.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bidding/mysql_store.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::bidding;
namespace testing = procura::testing;

constexpr std::int64_t deadline_ms = 2'000'000'000'000;

struct Db {
    std::unique_ptr<procura::db::ConnectionPool> pool =
        testing::open_fresh_migrated_pool("bidstore", 4);
    MySQLBidStore store{*pool};

    Db() {
        testing::execute_sql(*pool,
                             "INSERT INTO users (id, username, role, password_hash, created_at_ms) "
                             "VALUES (21, 's21', 'supplier', 'x', 0), (22, 's22', 'supplier', "
                             "'x', 0)");
        for (int id : {1, 2}) {
            testing::execute_sql(
                *pool,
                "INSERT INTO tenders (id, version, state, title, description, buyer_name, "
                "buyer_id, currency, price_weight, technical_weight, bid_security_minor, "
                "threshold_k, created_by, created_at_ms, updated_at_ms, cancel_reason, "
                "submission_deadline_ms) VALUES (" +
                    std::to_string(id) +
                    ", 1, 'published', 'T', 'D', 'Town', 'TOWN-1', 'EUR', 100, 0, 0, 1, "
                    "0, 0, 0, '', " +
                    std::to_string(deadline_ms) + ")");
        }
    }

    static BidWrite bid(std::int64_t tender, std::int64_t supplier, char hash,
                        std::int64_t received_at_ms = deadline_ms - 1) {
        BidWrite w;
        w.bid.tender_id = tender;
        w.bid.supplier_id = supplier;
        w.bid.lot_id = 1;
        w.bid.body = std::string("body ") + hash;
        w.bid.sha256_hex = std::string(64, hash);
        w.bid.received_at_ms = received_at_ms;
        w.bid.timestamp_token = "token";
        w.audit =
            procura::core::AuditEvent{received_at_ms, supplier, "bid.received", "bid", 0, 1, "{}"};
        return w;
    }

    std::int64_t count(const std::string& sql) { return testing::query_int64(*pool, sql); }
    std::string snapshot() {
        return std::to_string(count("SELECT COUNT(*) FROM bids")) + "/" +
               std::to_string(count("SELECT seq FROM audit_head"));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_bid_store)

BOOST_AUTO_TEST_CASE(bids_are_refused_one_by_one_once_their_tender_is_opened_or_cancelled) {
    Db d;
    auto first = d.store.insert_bids({Db::bid(1, 21, 'a'), Db::bid(2, 21, 'b')}, 100);
    BOOST_REQUIRE(first.ok());
    BOOST_REQUIRE((*first)[0].stored.has_value());
    BOOST_REQUIRE((*first)[1].stored.has_value());

    testing::execute_sql(*d.pool,
                         "INSERT INTO tender_openings (tender_id, opened_at_ms) VALUES (1, 1)");
    testing::execute_sql(*d.pool, "UPDATE tenders SET state = 'cancelled' WHERE id = 2");
    const std::string before = d.snapshot();
    auto late = d.store.insert_bids({Db::bid(1, 22, 'c'), Db::bid(2, 22, 'd')}, 100);
    BOOST_REQUIRE(late.ok());
    BOOST_REQUIRE((*late)[0].error.has_value());
    BOOST_TEST((*late)[0].error->code == "submission_closed");
    BOOST_REQUIRE((*late)[1].error.has_value());
    BOOST_TEST((*late)[1].error->code == "tender_cancelled");
    BOOST_TEST(d.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_bid_stamped_at_or_after_the_current_deadline_is_refused_the_others_stored) {
    Db d;
    // The deadline moved to before the bid's time stamp while the bid waited in its group.
    testing::execute_sql(*d.pool, "UPDATE tenders SET submission_deadline_ms = " +
                                      std::to_string(deadline_ms - 10) + " WHERE id = 1");
    auto written = d.store.insert_bids(
        {Db::bid(1, 21, 'a', deadline_ms - 10), Db::bid(1, 22, 'b', deadline_ms - 11)}, 100);
    BOOST_REQUIRE(written.ok());
    BOOST_REQUIRE((*written)[0].error.has_value());
    BOOST_TEST((*written)[0].error->code == "submission_closed");
    BOOST_TEST((*written)[1].stored.has_value());
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bids") == 1);
}

BOOST_AUTO_TEST_CASE(an_opening_that_misses_a_stored_bid_is_refused) {
    Db d;
    auto written = d.store.insert_bids({Db::bid(1, 21, 'a'), Db::bid(1, 22, 'b')}, 100);
    BOOST_REQUIRE(written.ok());
    OpeningRecord record;
    record.tender_id = 1;
    record.opened_at_ms = deadline_ms + 5000;
    OpenedBidRecord r;
    r.bid_id = (*written)[0].stored->id;
    r.reason_code = "undecryptable";
    record.bids.push_back(r);  // bid b is missing: it was stored after the record was read
    const std::string before = d.snapshot();
    auto refused = d.store.insert_opening(record, {});
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "bids_changed");
    BOOST_TEST(d.snapshot() == before);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM tender_openings") == 0);
    r.bid_id = (*written)[1].stored->id;
    record.bids.push_back(r);
    BOOST_TEST(d.store.insert_opening(record, {}).ok());
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bid_openings") == 2);
}

BOOST_AUTO_TEST_CASE(withdrawing_does_not_reset_the_versions_limit) {
    Db d;
    auto first = d.store.insert_bids({Db::bid(1, 21, 'a')}, 2);
    BOOST_REQUIRE(first.ok() && (*first)[0].stored);
    auto second = d.store.insert_bids({Db::bid(1, 21, 'b')}, 2);
    BOOST_REQUIRE(second.ok() && (*second)[0].stored);
    BOOST_REQUIRE(d.store
                      .withdraw_bid((*second)[0].stored->id, deadline_ms - 5,
                                    procura::core::AuditEvent{deadline_ms - 5, 21, "bid.withdrawn",
                                                              "bid", 0, 1, "{}"})
                      .ok());
    const std::string before = d.snapshot();
    auto third = d.store.insert_bids({Db::bid(1, 21, 'c')}, 2);
    BOOST_REQUIRE(third.ok());
    BOOST_REQUIRE((*third)[0].error.has_value());
    BOOST_TEST((*third)[0].error->code == "too_many_versions");
    BOOST_TEST(d.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_bid_checked_against_older_terms_is_refused_the_others_stored) {
    Db d;
    // Tender 1 was amended (version 2) after the first bid was checked against version 1.
    testing::execute_sql(*d.pool, "UPDATE tenders SET version = 2 WHERE id = 1");
    BidWrite old_terms = Db::bid(1, 21, 'a');
    old_terms.tender_version = 1;
    BidWrite current = Db::bid(1, 22, 'b');
    current.tender_version = 2;
    BidWrite unchecked = Db::bid(2, 21, 'c');  // 0: no version to compare
    const std::string before = d.snapshot();
    auto written = d.store.insert_bids({old_terms, current, unchecked}, 100);
    BOOST_REQUIRE(written.ok());
    BOOST_REQUIRE((*written)[0].error.has_value());
    BOOST_TEST((*written)[0].error->code == "tender_amended");
    BOOST_TEST((*written)[1].stored.has_value());
    BOOST_TEST((*written)[2].stored.has_value());
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bids WHERE sha256 = REPEAT('a', 64)") == 0);
    BOOST_TEST(d.snapshot() != before);
    // The bids after the refused one still name their own events.
    for (std::size_t i : {1U, 2U}) {
        const Bid& b = *(*written)[i].stored;
        BOOST_TEST(d.count("SELECT COUNT(*) FROM bids b JOIN audit_events e ON e.seq = b.log_seq "
                           "AND e.entity_type = 'bid' AND e.entity_id = b.id WHERE b.id = " +
                           std::to_string(b.id) +
                           " AND b.log_seq = " + std::to_string(b.log_seq)) == 1);
    }
}

BOOST_AUTO_TEST_CASE(bids_are_found_by_their_hashes_in_one_read) {
    Db d;
    auto written = d.store.insert_bids({Db::bid(1, 21, 'a'), Db::bid(2, 21, 'b')}, 100);
    BOOST_REQUIRE(written.ok());
    // Tender 2's body under tender 1 is not a match; an unknown hash has none.
    auto found = d.store.find_bids_by_hashes({{1, std::string(64, 'a')},
                                              {1, std::string(64, 'b')},
                                              {2, std::string(64, 'b')},
                                              {2, std::string(64, 'e')}});
    BOOST_REQUIRE(found.ok());
    BOOST_REQUIRE_EQUAL(found->size(), 2U);
    for (const Bid& b : *found) {
        BOOST_TEST(b.body.empty());
        BOOST_TEST(((b.tender_id == 1 && b.sha256_hex == std::string(64, 'a')) ||
                    (b.tender_id == 2 && b.sha256_hex == std::string(64, 'b'))));
    }
    auto none = d.store.find_bids_by_hashes({});
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
    // A hash that is not lower-case hex never reaches the statement's text.
    auto bad = d.store.find_bids_by_hashes({{1, std::string(63, 'a') + "'"}});
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().code == "bad_hash");
}

BOOST_AUTO_TEST_CASE(a_group_of_thirteen_is_written_in_chunks_each_body_on_its_own_row) {
    Db d;
    const std::string hex = "0123456789abc";  // one hash digit per bid
    std::vector<BidWrite> group;
    for (int i = 0; i < 13; ++i) {
        BidWrite w = Db::bid(1, 21, hex[static_cast<std::size_t>(i)]);
        w.bid.lot_id = i + 1;  // one (tender, supplier, lot) each
        w.bid.body = "body of lot " + std::to_string(i + 1);
        w.bid.timestamp_token = "token " + std::to_string(i + 1);
        group.push_back(w);
    }
    auto written = d.store.insert_bids(group, 100);  // 13 rows: 8 + 4 + 1
    BOOST_REQUIRE(written.ok());
    for (int i = 0; i < 13; ++i) {
        BOOST_REQUIRE((*written)[i].stored.has_value());
        auto stored = d.store.find_bid((*written)[i].stored->id);
        BOOST_REQUIRE(stored.ok() && stored->has_value());
        BOOST_TEST((*stored)->lot_id == i + 1);
        BOOST_TEST((*stored)->body == "body of lot " + std::to_string(i + 1));
        BOOST_TEST((*stored)->timestamp_token == "token " + std::to_string(i + 1));
        BOOST_TEST((*stored)->sha256_hex == std::string(64, hex[static_cast<std::size_t>(i)]));
    }
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bids") == 13);
    // Each row names its own event's seq, as its receipt does.
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bids b JOIN audit_events e ON e.seq = b.log_seq "
                       "AND e.entity_type = 'bid' AND e.entity_id = b.id "
                       "AND e.entity_version = b.version") == 13);
    for (int i = 0; i < 13; ++i) {
        const Bid& b = *(*written)[i].stored;
        BOOST_TEST(d.count("SELECT log_seq FROM bids WHERE id = " + std::to_string(b.id)) ==
                   b.log_seq);
    }
}

BOOST_AUTO_TEST_CASE(bodies_and_tokens_of_any_bytes_are_stored_exactly) {
    // DER is not text: every byte value, NUL and invalid UTF-8 included, must come back as sent.
    Db d;
    std::string every_byte;
    for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
    BidWrite w = Db::bid(1, 21, 'e');
    w.bid.body = every_byte + std::string("\0\xff\xc3(", 4) + every_byte;
    w.bid.timestamp_token = std::string("\x30\x82\0\0", 4) + every_byte;
    auto written = d.store.insert_bids({w}, 100);
    BOOST_REQUIRE(written.ok());
    BOOST_REQUIRE((*written)[0].stored.has_value());
    auto stored = d.store.find_bid((*written)[0].stored->id);
    BOOST_REQUIRE(stored.ok() && stored->has_value());
    BOOST_TEST((*stored)->body == w.bid.body);
    BOOST_TEST((*stored)->timestamp_token == w.bid.timestamp_token);
    BOOST_TEST(d.count("SELECT LENGTH(body) FROM bids") == 516);
}

BOOST_AUTO_TEST_CASE(large_and_small_bodies_in_one_group_are_stored_exactly) {
    // Bodies above 64 KiB are bound as blobs, the others as strings, in one statement (above
    // 256 KiB Connector/C++ would send even a string in packets of its own).
    Db d;
    const std::size_t sizes[] = {100, 64 * 1024, 64 * 1024 + 1, 300 * 1024};
    std::vector<BidWrite> group;
    for (std::size_t i = 0; i < 4; ++i) {
        BidWrite w = Db::bid(1, 21, "abcd"[i]);
        w.bid.lot_id = static_cast<std::int64_t>(i) + 1;
        w.bid.body.assign(sizes[i], '\0');
        for (std::size_t k = 0; k < sizes[i]; ++k) {
            w.bid.body[k] = static_cast<char>((k * 7 + i) % 256);
        }
        // A token column is a BLOB (at most 65,535 bytes): always bound as a string.
        w.bid.timestamp_token.assign(std::min<std::size_t>(sizes[3 - i], 65535),
                                     static_cast<char>(0xA0 + i));
        group.push_back(w);
    }
    auto written = d.store.insert_bids(group, 100);  // 4 rows: one statement
    BOOST_REQUIRE(written.ok());
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_REQUIRE((*written)[i].stored.has_value());
        auto stored = d.store.find_bid((*written)[i].stored->id);
        BOOST_REQUIRE(stored.ok() && stored->has_value());
        BOOST_TEST(((*stored)->body == group[i].bid.body));
        BOOST_TEST(((*stored)->timestamp_token == group[i].bid.timestamp_token));
        BOOST_TEST((*stored)->log_seq == (*written)[i].stored->log_seq);
    }
    // A group with blobs takes the audit lock after its insert and sets log_seq afterwards:
    // each row still names its own event.
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bids b JOIN audit_events e ON e.seq = b.log_seq "
                       "AND e.entity_type = 'bid' AND e.entity_id = b.id "
                       "AND e.entity_version = b.version") == 4);
}

BOOST_AUTO_TEST_SUITE_END()
