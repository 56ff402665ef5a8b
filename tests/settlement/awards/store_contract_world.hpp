// What the AwardStore contract cases (tests/settlement/awards/store_contract.hpp) run in: an
// AwardWorld is the store under test with tenders and their opening records in whichever
// backing store it reads them from (the fake's own records, or MariaDB's tenders, bids and
// bid_openings rows, which the awards' foreign keys need), and the audit chain it appends to.
// Helpers here build the records a case writes, so that a case reads the same on both.
#pragma once

#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "settlement/awards/store.hpp"

namespace procura::settlement::awards::contract {

// A tender with its opening record as the store reads it (bid ids assigned).
struct OpenedTender {
    std::int64_t tender_id = 0;
    std::vector<OpenedBid> bids;  // ascending bid_id
};

class AwardWorld {
public:
    virtual ~AwardWorld() = default;
    virtual AwardStore& store() = 0;
    // A tender opened at opened_at_ms whose opening record holds bids, in this order (their
    // bid_id is ignored and assigned). A valid bid has a price and a currency, an invalid one
    // neither (0 and "").
    virtual OpenedTender open_tender(std::int64_t opened_at_ms, std::vector<OpenedBid> bids) = 0;
    // A tender not opened yet.
    virtual std::int64_t tender_without_opening() = 0;
    // Every audit event committed, in order.
    virtual std::vector<core::AuditEvent> audit_events() = 0;
};

inline constexpr std::int64_t t0_ms = 1'800'000'000'000;
// Panel members and suppliers every world knows (MariaDB's rows name users).
inline constexpr core::UserId member_1 = 1;
inline constexpr core::UserId member_2 = 2;
inline constexpr core::UserId member_3 = 3;
inline constexpr core::UserId supplier_a = 21;
inline constexpr core::UserId supplier_b = 22;
inline constexpr core::UserId supplier_c = 23;

inline OpenedBid offer(core::UserId supplier, std::int64_t lot, std::int64_t price_minor) {
    OpenedBid b;
    b.supplier_id = supplier;
    b.lot_id = lot;
    b.received_at_ms = t0_ms - 30'000 + supplier;
    b.valid = price_minor > 0;
    b.reason = b.valid ? "" : "cannot decrypt";
    b.price_minor = price_minor;
    b.currency = b.valid ? "EUR" : "";
    return b;
}

// A tender opened at t0 with bids on lot 1 by a (1200), b (1000) and c (invalid), and on lot
// 2 by a (500).
inline OpenedTender open_sample(AwardWorld& w) {
    return w.open_tender(t0_ms, {offer(supplier_a, 1, 1200), offer(supplier_b, 1, 1000),
                                 offer(supplier_c, 1, 0), offer(supplier_a, 2, 500)});
}

template <class T>
void require_ok(const core::Result<T>& r) {
    BOOST_REQUIRE_MESSAGE(r.ok(),
                          (r.ok() ? std::string() : r.error().code + ": " + r.error().message));
}

// Runs fn in one change of the tender; requires it to succeed.
inline void change(AwardWorld& w, std::int64_t tender_id,
                   const std::function<core::Status(AwardTransaction&)>& fn) {
    require_ok(w.store().in_transaction(tender_id, fn));
}

// Runs fn in one change of the tender; requires it to fail with a conflict of this code.
inline void refused(AwardWorld& w, std::int64_t tender_id, const std::string& code,
                    const std::function<core::Status(AwardTransaction&)>& fn) {
    const core::Status s = w.store().in_transaction(tender_id, fn);
    BOOST_REQUIRE_MESSAGE(!s.ok(), "expected " + code);
    BOOST_TEST((s.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(s.error().code == code);
}

inline TenderRecords read(AwardWorld& w, std::int64_t tender_id) {
    auto r = w.store().read(tender_id);
    require_ok(r);
    return std::move(r).value();
}

inline core::AuditEvent event(std::string action, std::string entity_type, std::int64_t id) {
    return core::AuditEvent{t0_ms, member_1, std::move(action), std::move(entity_type), id,
                            1,     "{}"};
}

inline Declaration declaration(std::int64_t tender_id, core::UserId member,
                               std::string statement = "no conflict") {
    Declaration d;
    d.tender_id = tender_id;
    d.member_id = member;
    d.no_conflict = true;
    d.statement = std::move(statement);
    d.supplier_ids = {supplier_a, supplier_b, supplier_c};
    d.declared_at_ms = t0_ms + member;
    return d;
}

inline Award award_of(std::int64_t tender_id, const OpenedBid& bid, std::int64_t rank = 1) {
    Award a;
    a.tender_id = tender_id;
    a.lot_id = bid.lot_id;
    a.bid_id = bid.bid_id;
    a.supplier_id = bid.supplier_id;
    a.value_minor = bid.price_minor;
    a.currency = "EUR";
    a.awarded_rank = rank;
    a.awarded_by = member_1;
    a.awarded_at_ms = t0_ms + 100;
    a.standstill_ends_at_ms = t0_ms + 100 + 10 * core::ms_per_day;
    return a;
}

inline Contract contract_of(const Award& a, std::int64_t award_id,
                            const std::vector<std::int64_t>& amounts) {
    Contract k;
    k.award_id = award_id;
    k.tender_id = a.tender_id;
    k.lot_id = a.lot_id;
    k.supplier_id = a.supplier_id;
    k.value_minor = a.value_minor;
    k.currency = a.currency;
    k.signed_by = member_2;
    k.signed_at_ms = a.standstill_ends_at_ms;
    std::int64_t number = 1;
    for (std::int64_t amount : amounts) {
        Milestone m;
        m.id = 999;  // ignored, as are the contract and currency: the store sets them
        m.number = number++;
        m.title = "Payment " + std::to_string(m.number);
        m.amount_minor = amount;
        m.state = MilestoneState::accepted;  // ignored: every milestone starts planned
        k.milestones.push_back(m);
    }
    return k;
}

// Inserts an award (and a contract of it, if amounts are given) in one change; returns the
// award's and the contract's ids.
inline std::pair<std::int64_t, std::int64_t> award_and_sign(
    AwardWorld& w, const Award& a, const std::vector<std::int64_t>& amounts = {}) {
    std::pair<std::int64_t, std::int64_t> ids{0, 0};
    change(w, a.tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(ids.first, tx.insert_award(a));
        if (!amounts.empty()) {
            PROCURA_TRY_ASSIGN(ids.second, tx.insert_contract(contract_of(a, ids.first, amounts)));
        }
        return {};
    });
    return ids;
}

// Everything the store holds about the tender, and the audit chain's length: what a refused
// change must leave as it was.
inline std::string snapshot(AwardWorld& w, std::int64_t tender_id) {
    const TenderRecords r = read(w, tender_id);
    std::string out = "evaluated " + std::to_string(r.evaluation.has_value());
    for (const Declaration& d : r.declarations) {
        out += " d" + std::to_string(d.member_id) + "/" +
               std::to_string(d.withdrawn_at_ms.value_or(-1));
    }
    for (const TechnicalScore& t : r.scores) out += " s" + std::to_string(t.score_micro);
    for (const Award& a : r.awards) {
        out += " a" + std::to_string(a.id) + "/" + std::string(to_string(a.state));
    }
    for (const Contract& k : r.contracts) {
        out += " k" + std::to_string(k.id);
        for (const Milestone& m : k.milestones) out += "/" + std::string(to_string(m.state));
    }
    for (const LotClosure& c : r.closures) out += " c" + std::to_string(c.lot_id);
    return out + " audit " + std::to_string(w.audit_events().size());
}

}  // namespace procura::settlement::awards::contract
