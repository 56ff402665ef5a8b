// The BidStore contract (bidding/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_BID_STORE_CONTRACT_TESTS(make_world) expands to test cases in the
// current suite; make_world is an expression yielding std::unique_ptr<BidWorld> over a fresh,
// empty store and tender store (evaluated once per case). The cases live in
// store_contract_writes.hpp (insert_bids) and store_contract_reads.hpp (everything else).
#pragma once

#include "tests/bidding/store_contract_reads.hpp"
#include "tests/bidding/store_contract_writes.hpp"

#define PROCURA_BID_CONTRACT_CASE(name, make_world) \
    BOOST_AUTO_TEST_CASE(name) {                    \
        auto world = (make_world);                  \
        procura::bidding::contract::name(*world);   \
    }

#define PROCURA_BID_STORE_CONTRACT_TESTS(make_world)                                               \
    PROCURA_BID_CONTRACT_CASE(a_first_bid_is_stored_as_version_1_with_every_field, make_world)     \
    PROCURA_BID_CONTRACT_CASE(a_new_bid_replaces_the_active_one_and_reports_its_hash, make_world)  \
    PROCURA_BID_CONTRACT_CASE(a_suppliers_active_bodies_stay_within_the_storage_quota, make_world) \
    PROCURA_BID_CONTRACT_CASE(versions_go_on_after_a_withdrawn_bid, make_world)                    \
    PROCURA_BID_CONTRACT_CASE(the_versions_limit_refuses_that_bid_alone, make_world)               \
    PROCURA_BID_CONTRACT_CASE(withdrawing_does_not_reset_the_versions_limit, make_world)           \
    PROCURA_BID_CONTRACT_CASE(a_bid_checked_against_older_terms_is_refused_alone, make_world)      \
    PROCURA_BID_CONTRACT_CASE(a_body_already_stored_rolls_the_whole_group_back, make_world)        \
    PROCURA_BID_CONTRACT_CASE(a_refused_bid_is_not_checked_for_its_body, make_world)               \
    PROCURA_BID_CONTRACT_CASE(each_bid_names_its_own_audit_event_in_order, make_world)             \
    PROCURA_BID_CONTRACT_CASE(bids_of_a_cancelled_or_closed_tender_are_refused_one_by_one,         \
                              make_world)                                                          \
    PROCURA_BID_CONTRACT_CASE(a_bid_is_found_by_its_hash_without_its_body, make_world)             \
    PROCURA_BID_CONTRACT_CASE(bids_are_found_by_several_hashes_in_one_read, make_world)            \
    PROCURA_BID_CONTRACT_CASE(a_hash_that_is_not_lower_case_hex_is_refused, make_world)            \
    PROCURA_BID_CONTRACT_CASE(active_bids_are_found_by_their_keys, make_world)                     \
    PROCURA_BID_CONTRACT_CASE(active_bodies_are_counted_for_the_quota_by_supplier, make_world)     \
    PROCURA_BID_CONTRACT_CASE(only_an_active_bid_is_withdrawn, make_world)                         \
    PROCURA_BID_CONTRACT_CASE(a_withdrawal_is_judged_by_the_tender_as_it_is_when_it_commits,       \
                              make_world)                                                          \
    PROCURA_BID_CONTRACT_CASE(list_bids_gives_every_version_or_the_active_bodies, make_world)      \
    PROCURA_BID_CONTRACT_CASE(any_bid_counts_bids_in_every_state, make_world)                      \
    PROCURA_BID_CONTRACT_CASE(the_first_opening_key_of_a_tender_wins, make_world)                  \
    PROCURA_BID_CONTRACT_CASE(only_a_drafts_opening_key_is_discarded, make_world)                  \
    PROCURA_BID_CONTRACT_CASE(an_opening_record_is_stored_once_with_the_bids_own_columns,          \
                              make_world)                                                          \
    PROCURA_BID_CONTRACT_CASE(a_second_opening_record_is_refused, make_world)                      \
    PROCURA_BID_CONTRACT_CASE(an_opening_holds_exactly_the_active_bids, make_world)                \
    PROCURA_BID_CONTRACT_CASE(active_bids_are_read_in_pages_of_bounded_bytes, make_world)          \
    PROCURA_BID_CONTRACT_CASE(an_opening_reads_its_bids_in_batches_of_the_bound, make_world)       \
    PROCURA_BID_CONTRACT_CASE(an_opening_reason_is_cut_at_1000_bytes_between_characters,           \
                              make_world)                                                          \
    PROCURA_BID_CONTRACT_CASE(an_opening_whose_lines_do_not_match_its_bids_stores_nothing,         \
                              make_world)
