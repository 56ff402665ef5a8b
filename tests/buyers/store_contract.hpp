// The buyer store's contract (buyers/store.hpp) as checks run against any BuyerStore: the fake
// (fake_store_test.cpp) and MariaDB (tests/db/mysql_buyer_store_test.cpp). Users 1 and 2 must
// exist (MariaDB's foreign keys); audit_count tells how many audit events the store holds.
#pragma once

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>

#include "buyers/store.hpp"

namespace procura::buyers::contract {

using AuditCount = std::function<std::size_t()>;

inline Buyer sample(const std::string& identifier) {
    Buyer b;
    b.identifier = identifier;
    b.legal_name = "Ministry of " + identifier;
    b.address = "1 Main Street";
    b.created_by = 1;
    b.created_at_ms = 1000;
    b.updated_at_ms = 1000;
    return b;
}

inline core::AuditEvent event(const char* action) {
    return core::AuditEvent{2000, 1, action, "buyer", 0, 0, "{}"};
}

// Inserts, reads back, refuses a taken identifier without writing anything.
inline void identifiers_are_unique(BuyerStore& store, const AuditCount& audit_count) {
    auto a = store.insert(sample("GB-1"), event("buyer.created"));
    BOOST_REQUIRE(a.ok());
    BOOST_TEST(a->version == 1);
    BOOST_TEST(a->id > 0);
    const std::size_t events = audit_count();
    auto again = store.insert(sample("GB-1"), event("buyer.created"));
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "buyer_exists");
    BOOST_TEST(again.error().field == "identifier");
    BOOST_TEST(audit_count() == events);
    auto found = store.find("GB-1");
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_TEST((*found)->legal_name == "Ministry of GB-1");
    BOOST_TEST((*found)->address == "1 Main Street");
    auto none = store.find("GB-2");
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(!none->has_value());
}

// Membership: added once, listed per user ascending, removed; every change raises the version,
// and a stale or refused change writes nothing.
inline void membership_changes_are_versioned(BuyerStore& store, const AuditCount& audit_count) {
    BOOST_REQUIRE(store.insert(sample("ZZ-9"), event("buyer.created")).ok());
    BOOST_REQUIRE(store.insert(sample("AA-1"), event("buyer.created")).ok());
    auto added = store.add_officer("ZZ-9", 1, 2, 3000, event("buyer.officer_added"));
    BOOST_REQUIRE(added.ok());
    BOOST_TEST(added->version == 2);
    BOOST_TEST((added->officers == std::vector<core::UserId>{2}));
    BOOST_REQUIRE(store.add_officer("AA-1", 1, 2, 3000, event("buyer.officer_added")).ok());
    auto mine = store.buyers_of(2);
    BOOST_REQUIRE(mine.ok());
    BOOST_TEST((*mine == std::vector<std::string>{"AA-1", "ZZ-9"}));

    const std::size_t events = audit_count();
    auto stale = store.add_officer("ZZ-9", 1, 1, 3000, event("buyer.officer_added"));
    BOOST_REQUIRE(!stale.ok());
    BOOST_TEST(stale.error().code == "stale_version");
    auto twice = store.add_officer("ZZ-9", 2, 2, 3000, event("buyer.officer_added"));
    BOOST_REQUIRE(!twice.ok());
    BOOST_TEST(twice.error().code == "already_member");
    auto absent = store.remove_officer("ZZ-9", 2, 1, 3000, event("buyer.officer_removed"));
    BOOST_REQUIRE(!absent.ok());
    BOOST_TEST(absent.error().code == "not_member");
    auto unknown = store.add_officer("NO-1", 1, 1, 3000, event("buyer.officer_added"));
    BOOST_REQUIRE(!unknown.ok());
    BOOST_TEST(unknown.error().code == "buyer_not_found");
    BOOST_TEST(audit_count() == events);
    auto found = store.find("ZZ-9");
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_TEST((*found)->version == 2);
    BOOST_TEST(((*found)->officers == std::vector<core::UserId>{2}));

    auto removed = store.remove_officer("ZZ-9", 2, 2, 4000, event("buyer.officer_removed"));
    BOOST_REQUIRE(removed.ok());
    BOOST_TEST(removed->version == 3);
    BOOST_TEST(removed->officers.empty());
    BOOST_TEST(removed->updated_at_ms == 4000);
    mine = store.buyers_of(2);
    BOOST_REQUIRE(mine.ok());
    BOOST_TEST((*mine == std::vector<std::string>{"AA-1"}));
    BOOST_TEST(audit_count() == events + 1);

    Buyer renamed = sample("ZZ-9");
    renamed.legal_name = "Ministry of Finance";
    renamed.updated_at_ms = 5000;
    auto updated = store.update(renamed, 3, event("buyer.updated"));
    BOOST_REQUIRE(updated.ok());
    BOOST_TEST(updated->legal_name == "Ministry of Finance");
    BOOST_TEST(updated->version == 4);
    auto page = store.list(0, 1);
    BOOST_REQUIRE(page.ok() && page->size() == 1u);
    BOOST_TEST(page->front().identifier == "ZZ-9");
    page = store.list(page->front().id, 10);
    BOOST_REQUIRE(page.ok() && page->size() == 1u);
    BOOST_TEST(page->front().identifier == "AA-1");
    BOOST_TEST((page->front().officers == std::vector<core::UserId>{2}));
}

}  // namespace procura::buyers::contract
