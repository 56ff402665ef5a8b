// What the BidStore contract cases (tests/bidding/store_contract.hpp) run in: a BidWorld is the
// store under test with the tenders it reads and the audit chain it appends to, in whichever
// backing store it uses (the fake's FakeTenderStore, or MariaDB's tenders table, whose rows the
// bids' foreign keys and the group's tender checks need). Helpers here publish and change
// tenders through the world's TenderStore and build bids, so a case reads the same on both.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bidding/store.hpp"
#include "core/hash.hpp"
#include "tender/store.hpp"
#include "tests/tender/store_contract.hpp"

namespace procura::bidding::contract {

class BidWorld {
public:
    virtual ~BidWorld() = default;
    virtual BidStore& store() = 0;
    // The tenders the store checks a group's bids against.
    virtual tender::TenderStore& tenders() = 0;
    // Every audit event committed, ascending seq.
    virtual std::vector<core::StoredAuditEvent> audit_events() = 0;
};

inline constexpr std::int64_t t0_ms = tender::contract::t0_ms;
inline constexpr std::int64_t deadline_ms = t0_ms + 10 * core::ms_per_day;
// Registered suppliers (MariaDB's bids name users rows); any world knows them.
inline constexpr core::UserId supplier_a = 21;
inline constexpr core::UserId supplier_b = 22;
inline constexpr core::UserId supplier_c = 23;

// Publishes a tender open for bids until submission_deadline_ms (version 1, lots 1 and 2, the
// committee 11, 12, 13); returns its id.
inline std::int64_t publish(BidWorld& w, std::int64_t submission_deadline_ms = deadline_ms) {
    tender::Tender t = tender::contract::sample_tender("Bids contract tender");
    t.state = tender::TenderState::published;
    t.published_at_ms = t0_ms - core::ms_per_day;
    t.enquiry_deadline_ms = t0_ms - 1;
    t.submission_deadline_ms = submission_deadline_ms;
    t.opening_time_ms = submission_deadline_ms + 3'600'000;
    std::int64_t id = 0;
    const core::Status s =
        w.tenders().in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(id, tx.insert_tender(t));
            return {};
        });
    BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
    return id;
}

// Changes the tender as an officer's change does: the new terms with the version raised.
inline void change_tender(BidWorld& w, std::int64_t id,
                          const std::function<void(tender::Tender&)>& change) {
    const core::Status s =
        w.tenders().in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(id));
            change(t);
            t.version += 1;
            return tx.update_tender(t);
        });
    BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
}

inline void amend(BidWorld& w, std::int64_t id) {
    change_tender(w, id, [](tender::Tender& t) { t.description += " (amended)"; });
}

inline void cancel(BidWorld& w, std::int64_t id) {
    change_tender(w, id, [](tender::Tender& t) {
        t.state = tender::TenderState::cancelled;
        t.cancelled_at_ms = t0_ms;
        t.cancel_reason = "no longer needed";
    });
}

inline std::string sha256_hex_of(const std::string& body) {
    return core::to_hex(core::sha256(body));
}

// A bid of body for (tender, supplier, lot), received at received_at_ms, with its audit event.
inline BidWrite bid(std::int64_t tender_id, core::UserId supplier, std::int64_t lot,
                    const std::string& body, std::int64_t received_at_ms = t0_ms) {
    BidWrite w;
    w.bid.tender_id = tender_id;
    w.bid.supplier_id = supplier;
    w.bid.lot_id = lot;
    w.bid.body = body;
    w.bid.sha256_hex = sha256_hex_of(body);
    w.bid.received_at_ms = received_at_ms;
    w.bid.timestamp_token = "token of " + body;
    w.bid.security_transfer_id =
        "bs:" + std::to_string(tender_id) + ":" + w.bid.sha256_hex.substr(0, 32);
    w.bid.salt_hex = sha256_hex_of("salt of " + body);
    w.audit = core::AuditEvent{received_at_ms,
                               supplier,
                               "bid.received",
                               "bid",
                               0,
                               0,
                               "{\"lot\":" + std::to_string(lot) + "}"};
    return w;
}

template <class T>
void require_ok(const core::Result<T>& r) {
    BOOST_REQUIRE_MESSAGE(r.ok(),
                          (r.ok() ? std::string() : r.error().code + ": " + r.error().message));
}

// insert_bids, which must succeed as a call, with one answer per bid.
inline std::vector<BidWritten> insert(
    BidWorld& w, const std::vector<BidWrite>& bids, std::int64_t versions_max = 100,
    std::int64_t supplier_bytes_max = BidQuota{}.supplier_bytes_max) {
    auto written = w.store().insert_bids(bids, BidQuota{versions_max, supplier_bytes_max});
    require_ok(written);
    BOOST_REQUIRE_EQUAL(written->size(), bids.size());
    return std::move(written).value();
}

inline Bid stored(const BidWritten& w) {
    BOOST_REQUIRE_MESSAGE(w.stored.has_value(), "refused: " + (w.error ? w.error->code : ""));
    BOOST_TEST(!w.error.has_value());
    return *w.stored;
}

// One bid, stored.
inline Bid insert_one(BidWorld& w, const BidWrite& bid, std::int64_t versions_max = 100) {
    return stored(insert(w, {bid}, versions_max).at(0));
}

inline void require_refused(const BidWritten& w, const std::string& code) {
    BOOST_TEST_CONTEXT("expected " << code) {
        BOOST_TEST(!w.stored.has_value());
        BOOST_TEST(!w.replaced_sha256.has_value());
        BOOST_REQUIRE(w.error.has_value());
        BOOST_TEST(w.error->code == code);
        BOOST_TEST((w.error->kind == core::ErrorKind::conflict));
    }
}

inline Bid find(BidWorld& w, std::int64_t bid_id) {
    auto found = w.store().find_bid(bid_id);
    require_ok(found);
    BOOST_REQUIRE(found->has_value());
    return **found;
}

inline std::vector<core::StoredAuditEvent> bid_events(BidWorld& w) {
    std::vector<core::StoredAuditEvent> out;
    for (const auto& e : w.audit_events()) {
        if (e.event.entity_type == "bid") out.push_back(e);
    }
    return out;
}

// Every version of the tenders' bids (id, version, state, withdrawal) and the audit chain's
// length: what a refused call must leave as it was.
inline std::string snapshot(BidWorld& w, const std::vector<std::int64_t>& tender_ids) {
    std::string out;
    for (std::int64_t tender_id : tender_ids) {
        auto bids = w.store().list_bids(tender_id, false);
        require_ok(bids);
        for (const Bid& b : *bids) {
            out += std::to_string(b.id) + "/" + std::to_string(b.version) + "/" +
                   std::string(to_string(b.state)) + "/" +
                   std::to_string(b.withdrawn_at_ms.value_or(-1)) + " ";
        }
    }
    return out + "audit " + std::to_string(w.audit_events().size());
}

inline core::AuditEvent event(std::string action, std::string entity_type, std::int64_t id) {
    return core::AuditEvent{t0_ms, 11, std::move(action), std::move(entity_type), id, 1, "{}"};
}

// The record of an opening of these bids, every one valid with a price unless said otherwise;
// the bids' own columns are left wrong on purpose (the store takes them from the bids).
inline OpeningRecord opening_of(std::int64_t tender_id, const std::vector<Bid>& bids,
                                std::int64_t opened_at_ms = deadline_ms + 5'000) {
    OpeningRecord record;
    record.tender_id = tender_id;
    record.opened_at_ms = opened_at_ms;
    for (const Bid& b : bids) {
        OpenedBidRecord r;
        r.bid_id = b.id;
        r.supplier_id = 999;
        r.version = 999;
        r.valid = true;
        r.signature_status = "valid";
        r.decryption_status = "ok";
        r.price_minor = 1'000 + b.id;
        r.currency = "EUR";
        r.document_json = "{\"bid\":" + std::to_string(b.id) + "}";
        record.bids.push_back(std::move(r));
    }
    return record;
}

// The opening's side of insert_opening for the contract: each bid it is handed gets its line
// from record (by bid id) or, if record has none, a valid line as opening_of makes it, and an
// audit event "bid.opened"; closing is appended last. It notes every batch it is handed.
class RecordBatches final : public OpeningBatches {
public:
    explicit RecordBatches(OpeningRecord record, std::vector<core::AuditEvent> closing = {},
                           bool per_bid_events = false)
        : record_(std::move(record)),
          closing_(std::move(closing)),
          per_bid_events_(per_bid_events) {}

    void restart() override { batches.clear(); }

    OpenedBatch open(std::vector<Bid> batch) override {
        OpenedBatch out;
        std::vector<Bid>& seen = batches.emplace_back();
        for (Bid& b : batch) {
            const auto line =
                std::find_if(record_.bids.begin(), record_.bids.end(),
                             [&](const OpenedBidRecord& r) { return r.bid_id == b.id; });
            out.bids.push_back(line != record_.bids.end() ? *line
                                                          : opening_of(b.tender_id, {b}).bids[0]);
            if (per_bid_events_) out.audit.push_back(event("bid.opened", "bid", b.id));
            seen.push_back(std::move(b));
        }
        return out;
    }

    std::vector<core::AuditEvent> finish() override { return closing_; }

    // The batches handed in the last (or only) run, with their bodies.
    std::vector<std::vector<Bid>> batches;

private:
    OpeningRecord record_;
    std::vector<core::AuditEvent> closing_;
    bool per_bid_events_;
};

// Opens the tender's active bids with the lines of record (RecordBatches), at record's
// opened_at_ms, in batches of batch_bytes_max.
inline core::Status open_with(BidWorld& w, const OpeningRecord& record,
                              std::vector<core::AuditEvent> closing = {},
                              std::size_t batch_bytes_max = 64 * 1024 * 1024) {
    RecordBatches batches(record, std::move(closing));
    return w.store().insert_opening(record.tender_id, record.opened_at_ms, batch_bytes_max,
                                    batches);
}

}  // namespace procura::bidding::contract
