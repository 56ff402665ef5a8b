// Test data for settlement batch tests: valid IBANs, candidates built in one line each.
#pragma once

#include "bidding/bid_security.hpp"
#include "settlement/batches/model.hpp"

namespace procura::settlement::batches::testdata {

inline constexpr const char* buyer_iban = "DE89370400440532013000";
inline constexpr const char* supplier_iban = "GB82WEST12345698765432";
inline constexpr const char* other_iban = "NL91ABNA0417164300";

inline BuyerAccount buyer(std::int64_t id = 1, const std::string& buyer_id = "TOWN-1") {
    BuyerAccount a;
    a.id = id;
    a.buyer_id = buyer_id;
    a.name = "Town of Example";
    a.iban = buyer_iban;
    a.bic = "DEUTDEFF";
    a.version = 1;
    return a;
}

inline MilestoneCandidate milestone(std::int64_t id, std::int64_t accepted_at_ms,
                                    std::int64_t amount_minor = 10'000, core::UserId supplier = 10,
                                    std::string currency = "EUR") {
    MilestoneCandidate m;
    m.milestone_id = id;
    m.contract_id = 100 + supplier;
    m.number = static_cast<std::int32_t>(id);
    m.amount_minor = amount_minor;
    m.currency = std::move(currency);
    m.accepted_at_ms = accepted_at_ms;
    m.tender_id = 1;
    m.lot_id = 1;
    m.supplier_id = supplier;
    m.buyer_id = "TOWN-1";
    m.supplier =
        SupplierBank{"Supplier " + std::to_string(supplier), supplier_iban, "", "approved"};
    m.buyer_account = buyer();
    return m;
}

inline AwardFact award(std::int64_t bid_id, AwardState state, std::int64_t awarded_at_ms,
                       std::int64_t decided_at_ms = 0, std::int64_t lot = 1) {
    AwardFact a;
    a.award_id = bid_id;
    a.tender_id = 1;
    a.lot_id = lot;
    a.bid_id = bid_id;
    a.supplier_id = 10 + bid_id;
    a.state = state;
    a.awarded_at_ms = awarded_at_ms;
    a.decided_at_ms = decided_at_ms;
    return a;
}

inline DepositCandidate deposit(std::int64_t bid_id, std::int64_t lot = 1,
                                std::int64_t amount_minor = 5'000) {
    DepositCandidate d;
    d.bid_id = bid_id;
    d.tender_id = 1;
    d.lot_id = lot;
    d.supplier_id = 10 + bid_id;
    d.pending_id = bidding::bid_security_transfer_id(
        1, std::string(31, '0') + std::to_string(bid_id % 10) + std::string(32, '0'));
    d.amount_minor = amount_minor;
    d.currency = "EUR";
    d.supplier_name = "Bidder " + std::to_string(bid_id);
    return d;
}

}  // namespace procura::settlement::batches::testdata
