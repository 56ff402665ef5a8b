// The buyer store contract (tests/buyers/store_contract.hpp) on MariaDB.
#include <boost/test/unit_test.hpp>
#include <memory>

#include "buyers/mysql_store.hpp"
#include "tests/buyers/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::buyers;
namespace testing = procura::testing;

struct Subject {
    std::unique_ptr<procura::db::ConnectionPool> pool = testing::open_fresh_migrated_pool("buyers");
    MySQLBuyerStore store{*pool};

    Subject() {
        testing::execute_sql(*pool,
                             "INSERT INTO users (id, username, role, password_hash, created_at_ms) "
                             "VALUES (1, 'ada', 'admin', 'x', 0), (2, 'olga', 'officer', 'x', 0)");
    }

    std::size_t audit_count() {
        return static_cast<std::size_t>(
            testing::query_int64(*pool, "SELECT COUNT(*) FROM audit_events"));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_buyer_store_contract)

BOOST_AUTO_TEST_CASE(identifiers_are_unique) {
    Subject s;
    contract::identifiers_are_unique(s.store, [&] { return s.audit_count(); });
}

BOOST_AUTO_TEST_CASE(membership_changes_are_versioned) {
    Subject s;
    contract::membership_changes_are_versioned(s.store, [&] { return s.audit_count(); });
}

BOOST_AUTO_TEST_SUITE_END()
