// MySQLBidStore against MariaDB: the BidStore contract (tests/bidding/store_contract.hpp, also
// run on the fake) over a fresh database whose tenders MySQLTenderStore writes; and what only
// MariaDB shows: groups written in chunks, bodies and tokens of any bytes and sizes.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bidding/mysql_store.hpp"
#include "db/audit_sql.hpp"
#include "tender/mysql_store.hpp"
#include "tests/bidding/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::bidding;
namespace testing = procura::testing;

// The bid store and the tender store over one fresh database, with the suppliers of the
// contract registered (bids.supplier_id names a users row).
class MySQLBidWorld final : public contract::BidWorld {
public:
    MySQLBidWorld() {
        for (procura::core::UserId id :
             {contract::supplier_a, contract::supplier_b, contract::supplier_c}) {
            testing::execute_sql(*pool_,
                                 "INSERT INTO users (id, username, role, password_hash, "
                                 "created_at_ms) VALUES (" +
                                     std::to_string(id) + ", 's" + std::to_string(id) +
                                     "', 'supplier', 'x', 0)");
        }
    }
    BidStore& store() override { return bids_; }
    procura::tender::TenderStore& tenders() override { return tenders_; }
    std::vector<procura::core::StoredAuditEvent> audit_events() override {
        auto events = procura::db::read_audit_events(*pool_, 0, 1'000'000);
        contract::require_ok(events);
        return std::move(events).value();
    }

private:
    std::unique_ptr<procura::db::ConnectionPool> pool_ =
        testing::open_fresh_migrated_pool("bidcontract", 4);
    MySQLBidStore bids_{*pool_};
    procura::tender::MySQLTenderStore tenders_{*pool_};
};

std::unique_ptr<contract::BidWorld> mysql_world() { return std::make_unique<MySQLBidWorld>(); }

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
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_bid_store)

PROCURA_BID_STORE_CONTRACT_TESTS(mysql_world())

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
    auto written = d.store.insert_bids(group, BidQuota{});  // 13 rows: 8 + 4 + 1
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
    auto written = d.store.insert_bids({w}, BidQuota{});
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
    auto written = d.store.insert_bids(group, BidQuota{});  // 4 rows: one statement
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
