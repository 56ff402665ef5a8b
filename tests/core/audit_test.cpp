#include "core/audit.hpp"

#include <boost/test/unit_test.hpp>

using namespace procura::core;

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(canonical_bytes_are_exactly_as_documented) {
    const AuditEvent e{1'800'000'000'000, 7, "tender.published", "tender", 42, 3, "{\"a\":1}"};
    BOOST_TEST(canonical_bytes(5, e) ==
               "procura-audit-v1\n5\n1800000000000\n7\n16:tender.published\n6:tender\n42\n3\n"
               "7:{\"a\":1}\n");
}

BOOST_AUTO_TEST_CASE(length_prefixes_make_field_boundaries_unambiguous) {
    const AuditEvent a{1, 1, "ab", "c", 1, 1, "{}"};
    const AuditEvent b{1, 1, "a", "bc", 1, 1, "{}"};
    BOOST_TEST(canonical_bytes(1, a) != canonical_bytes(1, b));
}

BOOST_AUTO_TEST_CASE(chain_hash_covers_previous_hash_seq_and_event) {
    const AuditEvent e{1, 1, "x", "y", 1, 1, "{}"};
    const Sha256 zero{};
    const Sha256 h1 = chain_hash(zero, 1, e);
    std::string input(32, '\0');
    input += canonical_bytes(1, e);
    BOOST_TEST((h1 == sha256(input)));
    BOOST_TEST((chain_hash(h1, 1, e) != h1));
    BOOST_TEST((chain_hash(zero, 2, e) != h1));
    AuditEvent changed = e;
    changed.payload_json = "{ }";
    BOOST_TEST((chain_hash(zero, 1, changed) != h1));
}

BOOST_AUTO_TEST_SUITE_END()
