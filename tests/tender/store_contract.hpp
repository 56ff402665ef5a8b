// The TenderStore contract (tender/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_TENDER_STORE_CONTRACT_TESTS(make_store) expands to test cases in the
// current suite; make_store is an expression yielding std::unique_ptr<TenderStore> over a
// fresh, empty store (evaluated once per test case).
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "core/audit.hpp"
#include "tender/store.hpp"

namespace procura::tender::contract {

inline constexpr std::int64_t t0_ms = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
inline constexpr std::int64_t day_ms = core::ms_per_day;

inline Tender sample_tender(std::string title = "Road maintenance 2027") {
    Tender t;
    t.version = 1;
    t.state = TenderState::draft;
    t.title = std::move(title);
    t.description = "Resurfacing of 12 km of municipal roads.";
    t.buyer_name = "City of Example";
    t.buyer_id = "XE-123456";
    t.category = Category::works;
    t.currency = "EUR";
    t.lots = {Lot{1, "North district", 150'000'00}, Lot{2, "South district", 99'999'99}};
    t.evaluation_method = EvaluationMethod::comprehensive;
    t.price_weight = 70;
    t.technical_weight = 30;
    t.bid_security_minor = 5'000'00;
    t.enquiry_deadline_ms = t0_ms + 5 * day_ms;
    t.submission_deadline_ms = t0_ms + 15 * day_ms;
    t.opening_time_ms = t0_ms + 15 * day_ms + 3'600'000;
    t.committee = {11, 12, 13};
    t.threshold_k = 2;
    t.created_by = 11;
    t.created_at_ms = t0_ms;
    t.updated_at_ms = t0_ms;
    return t;
}

inline core::AuditEvent event_for(TenderId id, std::int64_t version, std::string action) {
    return core::AuditEvent{t0_ms, 11, std::move(action), "tender", id, version, "{\"k\":1}"};
}

// Inserts t in its own transaction with an audit event; returns the id.
inline TenderId insert(TenderStore& store, Tender t) {
    TenderId id = 0;
    const core::Status s = store.in_transaction([&](TenderTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto r, tx.insert_tender(t));
        id = r;
        return tx.append_audit(event_for(id, t.version, "tender.drafted"));
    });
    BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
    return id;
}

inline TenderId insert_published(TenderStore& store, std::string title, std::int64_t enquiry_ms,
                                 std::int64_t submission_ms, Category category = Category::works) {
    Tender t = sample_tender(std::move(title));
    t.state = TenderState::published;
    t.published_at_ms = t0_ms;
    t.category = category;
    t.enquiry_deadline_ms = enquiry_ms;
    t.submission_deadline_ms = submission_ms;
    t.opening_time_ms = submission_ms;
    return insert(store, t);
}

inline std::vector<TenderId> ids_of(const std::vector<TenderSummary>& rows) {
    std::vector<TenderId> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    return ids;
}

inline std::vector<TenderId> list_ids(TenderStore& store, TenderListQuery q) {
    auto r = store.list(q);
    BOOST_REQUIRE(r.ok());
    return ids_of(*r);
}

}  // namespace procura::tender::contract

#define PROCURA_TENDER_STORE_CONTRACT_TESTS(make_store)                                            \
    BOOST_AUTO_TEST_CASE(inserted_tender_round_trips_every_field) {                                \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const Tender t = sample_tender("Ünïcödé 道路 title");                                      \
        const TenderId id = insert(*store, t);                                                     \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok());                                                                 \
        BOOST_REQUIRE(found->has_value());                                                         \
        const Tender& f = **found;                                                                 \
        BOOST_TEST(f.id == id);                                                                    \
        BOOST_TEST(f.version == 1);                                                                \
        BOOST_TEST((f.state == TenderState::draft));                                               \
        BOOST_TEST(f.title == t.title);                                                            \
        BOOST_TEST(f.description == t.description);                                                \
        BOOST_TEST(f.buyer_name == t.buyer_name);                                                  \
        BOOST_TEST(f.buyer_id == t.buyer_id);                                                      \
        BOOST_TEST((f.category == t.category));                                                    \
        BOOST_TEST(f.currency == "EUR");                                                           \
        BOOST_REQUIRE_EQUAL(f.lots.size(), 2u);                                                    \
        BOOST_TEST(f.lots[0].number == 1);                                                         \
        BOOST_TEST(f.lots[1].title == "South district");                                           \
        BOOST_TEST(f.lots[1].budget_minor == 99'999'99);                                           \
        BOOST_TEST((f.evaluation_method == t.evaluation_method));                                  \
        BOOST_TEST(f.price_weight == 70);                                                          \
        BOOST_TEST(f.technical_weight == 30);                                                      \
        BOOST_TEST(f.bid_security_minor == 5'000'00);                                              \
        BOOST_TEST((f.enquiry_deadline_ms == t.enquiry_deadline_ms));                              \
        BOOST_TEST((f.submission_deadline_ms == t.submission_deadline_ms));                        \
        BOOST_TEST((f.opening_time_ms == t.opening_time_ms));                                      \
        BOOST_TEST((f.committee == t.committee));                                                  \
        BOOST_TEST(f.threshold_k == 2);                                                            \
        BOOST_TEST(f.created_by == 11);                                                            \
        BOOST_TEST(f.created_at_ms == t0_ms);                                                      \
        BOOST_TEST(!f.published_at_ms.has_value());                                                \
        BOOST_TEST(!f.cancelled_at_ms.has_value());                                                \
        BOOST_TEST(f.documents.empty());                                                           \
        BOOST_TEST(f.amendments.empty());                                                          \
        BOOST_TEST(f.questions.empty());                                                           \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(draft_without_optional_fields_round_trips) {                              \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        Tender t;                                                                                  \
        t.version = 1;                                                                             \
        t.title = "Only a title";                                                                  \
        t.created_by = 5;                                                                          \
        const TenderId id = insert(*store, t);                                                     \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        BOOST_TEST(!(*found)->category.has_value());                                               \
        BOOST_TEST(!(*found)->evaluation_method.has_value());                                      \
        BOOST_TEST(!(*found)->enquiry_deadline_ms.has_value());                                    \
        BOOST_TEST((*found)->lots.empty());                                                        \
        BOOST_TEST((*found)->committee.empty());                                                   \
        BOOST_TEST((*found)->currency.empty());                                                    \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(missing_tender_is_nullopt_and_not_found_for_update) {                     \
        using namespace procura::tender;                                                           \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        auto found = store->find(424242);                                                          \
        BOOST_REQUIRE(found.ok());                                                                 \
        BOOST_TEST(!found->has_value());                                                           \
        const procura::core::Status s =                                                            \
            store->in_transaction([](TenderTransaction& tx) -> procura::core::Status {             \
                auto r = tx.load_for_update(424242);                                               \
                if (!r) return r.error();                                                          \
                return {};                                                                         \
            });                                                                                    \
        BOOST_REQUIRE(!s.ok());                                                                    \
        BOOST_TEST((s.error().kind == procura::core::ErrorKind::not_found));                       \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(failed_transaction_keeps_nothing) {                                       \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        TenderId id = 0;                                                                           \
        const procura::core::Status s =                                                            \
            store->in_transaction([&](TenderTransaction& tx) -> procura::core::Status {            \
                auto r = tx.insert_tender(sample_tender());                                        \
                if (!r) return r.error();                                                          \
                id = *r;                                                                           \
                PROCURA_TRY(tx.append_audit(event_for(id, 1, "tender.drafted")));                  \
                return procura::core::make_error(procura::core::ErrorKind::conflict, "nope",       \
                                                 "rolled back on purpose");                        \
            });                                                                                    \
        BOOST_REQUIRE(!s.ok());                                                                    \
        BOOST_TEST(s.error().code == "nope");                                                      \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok());                                                                 \
        BOOST_TEST(!found->has_value());                                                           \
        auto trail = store->audit_trail("tender", id);                                             \
        BOOST_REQUIRE(trail.ok());                                                                 \
        BOOST_TEST(trail->empty());                                                                \
        TenderListQuery q;                                                                         \
        q.draft_buyers = {"XE-123456"};                                                            \
        q.now_ms = t0_ms;                                                                          \
        BOOST_TEST(list_ids(*store, q).empty());                                                   \
        /* The chain continues at seq 1: the rolled-back event left no gap. */                     \
        const TenderId kept = insert(*store, sample_tender());                                     \
        auto kept_trail = store->audit_trail("tender", kept);                                      \
        BOOST_REQUIRE(kept_trail.ok() && kept_trail->size() == 1);                                 \
        BOOST_TEST((*kept_trail)[0].seq == 1);                                                     \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(lots_keep_their_numbers_and_order_through_writes) {                       \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        Tender t = sample_tender();                                                                \
        /* Numbers are stable ids, not places: a list 3, 1, 7 stays 3, 1, 7. */                    \
        t.lots = {Lot{3, "Third", 30}, Lot{1, "First", 10}, Lot{7, "Seventh", 70}};                \
        t.lot_number_max = 9;                                                                      \
        const TenderId id = insert(*store, t);                                                     \
        const auto numbers_of = [&](const Tender& f) {                                             \
            std::vector<std::int64_t> numbers;                                                     \
            for (const Lot& lot : f.lots) numbers.push_back(lot.number);                           \
            return numbers;                                                                        \
        };                                                                                         \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        BOOST_TEST((numbers_of(**found) == std::vector<std::int64_t>{3, 1, 7}));                   \
        BOOST_TEST((*found)->lots[2].title == "Seventh");                                          \
        BOOST_TEST((*found)->lot_number_max == 9);                                                 \
        const procura::core::Status s =                                                            \
            store->in_transaction([&](TenderTransaction& tx) -> procura::core::Status {            \
                auto loaded = tx.load_for_update(id);                                              \
                if (!loaded) return loaded.error();                                                \
                BOOST_TEST((numbers_of(*loaded) == std::vector<std::int64_t>{3, 1, 7}));           \
                loaded->lots = {Lot{7, "Seventh, amended", 71}, Lot{3, "Third", 30},               \
                                Lot{10, "Tenth", 100}};                                            \
                loaded->lot_number_max = 10;                                                       \
                loaded->version = 2;                                                               \
                return tx.update_tender(*loaded);                                                  \
            });                                                                                    \
        BOOST_REQUIRE(s.ok());                                                                     \
        found = store->find(id);                                                                   \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        BOOST_TEST((numbers_of(**found) == std::vector<std::int64_t>{7, 3, 10}));                  \
        BOOST_TEST((*found)->lots[0].title == "Seventh, amended");                                 \
        BOOST_TEST((*found)->lots[0].budget_minor == 71);                                          \
        BOOST_TEST((*found)->lot_number_max == 10);                                                \
        TenderListQuery q;                                                                         \
        q.draft_buyers = {"XE-123456"};                                                            \
        q.now_ms = t0_ms;                                                                          \
        auto rows = store->list(q);                                                                \
        BOOST_REQUIRE(rows.ok() && rows->size() == 1u);                                            \
        BOOST_TEST((*rows)[0].lot_count == 3);                                                     \
        BOOST_TEST((*rows)[0].total_budget_minor == 201);                                          \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(update_rewrites_row_lots_and_committee_but_keeps_children) {              \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const TenderId id = insert(*store, sample_tender());                                       \
        const procura::core::Status s =                                                            \
            store->in_transaction([&](TenderTransaction& tx) -> procura::core::Status {            \
                auto loaded = tx.load_for_update(id);                                              \
                if (!loaded) return loaded.error();                                                \
                DocumentMeta meta{0, "Spec", "spec.pdf", "application/pdf", 3, "abc", t0_ms, 11};  \
                auto doc = tx.insert_document(id, meta, std::string("a\0b", 3));                   \
                if (!doc) return doc.error();                                                      \
                Tender& t = *loaded;                                                               \
                t.version = 2;                                                                     \
                t.state = TenderState::published;                                                  \
                t.published_at_ms = t0_ms + 1;                                                     \
                t.lots = {Lot{1, "Single lot", 42}};                                               \
                t.committee = {21, 22};                                                            \
                t.threshold_k = 1;                                                                 \
                t.title = "Renamed";                                                               \
                return tx.update_tender(t);                                                        \
            });                                                                                    \
        BOOST_REQUIRE(s.ok());                                                                     \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        const Tender& f = **found;                                                                 \
        BOOST_TEST(f.version == 2);                                                                \
        BOOST_TEST((f.state == TenderState::published));                                           \
        BOOST_TEST((f.published_at_ms == std::optional<std::int64_t>(t0_ms + 1)));                 \
        BOOST_TEST(f.title == "Renamed");                                                          \
        BOOST_REQUIRE_EQUAL(f.lots.size(), 1u);                                                    \
        BOOST_TEST(f.lots[0].budget_minor == 42);                                                  \
        BOOST_TEST((f.committee == std::vector<procura::core::UserId>{21, 22}));                   \
        BOOST_REQUIRE_EQUAL(f.documents.size(), 1u);                                               \
        BOOST_TEST(f.documents[0].filename == "spec.pdf");                                         \
        auto content = store->read_document(id, f.documents[0].id);                                \
        BOOST_REQUIRE(content.ok() && content->has_value());                                       \
        BOOST_TEST((*content)->bytes == std::string("a\0b", 3));                                   \
        BOOST_TEST((*content)->meta.sha256_hex == "abc");                                          \
        auto other = store->read_document(id + 1000, f.documents[0].id);                           \
        BOOST_REQUIRE(other.ok());                                                                 \
        BOOST_TEST(!other->has_value());                                                           \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(amendments_and_questions_round_trip_in_order) {                           \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const TenderId id = insert(*store, sample_tender());                                       \
        QuestionId qid = 0;                                                                        \
        const procura::core::Status s =                                                            \
            store->in_transaction([&](TenderTransaction& tx) -> procura::core::Status {            \
                Amendment a1;                                                                      \
                a1.number = 1;                                                                     \
                a1.at_ms = t0_ms + 10;                                                             \
                a1.by = 11;                                                                        \
                a1.rationale = "Typo";                                                             \
                a1.changes_json = "{\"title\":\"X\"}";                                             \
                a1.tender_version = 3;                                                             \
                PROCURA_TRY(tx.insert_amendment(id, a1));                                          \
                Amendment a2 = a1;                                                                 \
                a2.number = 2;                                                                     \
                a2.deadline_extended_from_ms = t0_ms + 5;                                          \
                a2.deadline_extended_to_ms = t0_ms + 6;                                            \
                PROCURA_TRY(tx.insert_amendment(id, a2));                                          \
                Question q;                                                                        \
                q.tender_id = id;                                                                  \
                q.asker_id = 77;                                                                   \
                q.text = "Is asphalt included?";                                                   \
                q.asked_at_ms = t0_ms + 20;                                                        \
                auto r = tx.insert_question(q);                                                    \
                if (!r) return r.error();                                                          \
                qid = *r;                                                                          \
                q.id = qid;                                                                        \
                q.answer = "Yes.";                                                                 \
                q.answered_at_ms = t0_ms + 30;                                                     \
                q.answered_by = 11;                                                                \
                return tx.update_question(q);                                                      \
            });                                                                                    \
        BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));               \
        auto found = store->find(id);                                                              \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        const Tender& f = **found;                                                                 \
        BOOST_REQUIRE_EQUAL(f.amendments.size(), 2u);                                              \
        BOOST_TEST(f.amendments[0].number == 1);                                                   \
        BOOST_TEST(f.amendments[0].rationale == "Typo");                                           \
        BOOST_TEST(f.amendments[0].changes_json == "{\"title\":\"X\"}");                           \
        BOOST_TEST(!f.amendments[0].deadline_extended_to_ms.has_value());                          \
        BOOST_TEST(                                                                                \
            (f.amendments[1].deadline_extended_to_ms == std::optional<std::int64_t>(t0_ms + 6)));  \
        BOOST_REQUIRE_EQUAL(f.questions.size(), 1u);                                               \
        BOOST_TEST(f.questions[0].id == qid);                                                      \
        BOOST_TEST(f.questions[0].asker_id == 77);                                                 \
        BOOST_TEST((f.questions[0].answer == std::optional<std::string>("Yes.")));                 \
        BOOST_TEST(f.questions[0].answered_by == 11);                                              \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(audit_events_form_a_gapless_hash_chain) {                                 \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const TenderId a = insert(*store, sample_tender("A"));                                     \
        const TenderId b = insert(*store, sample_tender("B"));                                     \
        const procura::core::Status s =                                                            \
            store->in_transaction([&](TenderTransaction& tx) -> procura::core::Status {            \
                return tx.append_audit(event_for(a, 2, "tender.published"));                       \
            });                                                                                    \
        BOOST_REQUIRE(s.ok());                                                                     \
        auto ta = store->audit_trail("tender", a);                                                 \
        auto tb = store->audit_trail("tender", b);                                                 \
        BOOST_REQUIRE(ta.ok() && tb.ok());                                                         \
        BOOST_REQUIRE_EQUAL(ta->size(), 2u);                                                       \
        BOOST_REQUIRE_EQUAL(tb->size(), 1u);                                                       \
        const auto& e1 = (*ta)[0];                                                                 \
        const auto& e2 = (*tb)[0];                                                                 \
        const auto& e3 = (*ta)[1];                                                                 \
        BOOST_TEST(e1.seq == 1);                                                                   \
        BOOST_TEST(e2.seq == 2);                                                                   \
        BOOST_TEST(e3.seq == 3);                                                                   \
        BOOST_TEST((e1.prev_hash == procura::core::Sha256{}));                                     \
        BOOST_TEST((e2.prev_hash == e1.hash));                                                     \
        BOOST_TEST((e3.prev_hash == e2.hash));                                                     \
        BOOST_TEST((e3.hash == procura::core::chain_hash(e2.hash, 3, e3.event)));                  \
        BOOST_TEST(e3.event.action == "tender.published");                                         \
        BOOST_TEST(e3.event.entity_version == 2);                                                  \
        BOOST_TEST(e3.event.payload_json == "{\"k\":1}");                                          \
        BOOST_TEST(e3.event.actor_user_id == 11);                                                  \
        BOOST_TEST(e3.event.at_ms == t0_ms);                                                       \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(list_derives_status_at_the_exact_boundaries) {                            \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const std::int64_t enquiry = t0_ms + day_ms;                                               \
        const std::int64_t submission = t0_ms + 2 * day_ms;                                        \
        const TenderId id = insert_published(*store, "Boundary", enquiry, submission);             \
        const TenderId draft = insert(*store, sample_tender("Draft"));                             \
        const auto at = [&](std::int64_t now, TenderStatus st) {                                   \
            TenderListQuery q;                                                                     \
            q.status = st;                                                                         \
            q.now_ms = now;                                                                        \
            q.draft_buyers = {"XE-123456"};                                                        \
            return list_ids(*store, q);                                                            \
        };                                                                                         \
        const std::vector<TenderId> just{id};                                                      \
        const std::vector<TenderId> none{};                                                        \
        BOOST_TEST((at(enquiry - 1, TenderStatus::active_enquiries) == just));                     \
        BOOST_TEST((at(enquiry, TenderStatus::active_enquiries) == none));                         \
        BOOST_TEST((at(enquiry, TenderStatus::active_tendering) == just));                         \
        BOOST_TEST((at(submission - 1, TenderStatus::active_tendering) == just));                  \
        BOOST_TEST((at(submission, TenderStatus::active_tendering) == none));                      \
        BOOST_TEST((at(submission, TenderStatus::closed) == just));                                \
        BOOST_TEST((at(submission - 1, TenderStatus::closed) == none));                            \
        BOOST_TEST((at(enquiry, TenderStatus::draft) == std::vector<TenderId>{draft}));            \
        BOOST_TEST((at(enquiry, TenderStatus::cancelled) == none));                                \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(list_shows_drafts_only_to_their_buyer) {                                  \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const TenderId draft = insert(*store, sample_tender("Draft"));                             \
        const TenderId pub = insert_published(*store, "Pub", t0_ms + day_ms, t0_ms + 20 * day_ms); \
        /* A draft cancelled before it was published stays private; a published one that was */    \
        /* cancelled does not. */                                                                  \
        Tender cancelled_draft = sample_tender("Cancelled draft");                                 \
        cancelled_draft.state = TenderState::cancelled;                                            \
        cancelled_draft.cancelled_at_ms = t0_ms;                                                   \
        cancelled_draft.cancel_reason = "Not needed";                                              \
        const TenderId withdrawn = insert(*store, cancelled_draft);                                \
        Tender cancelled_pub = cancelled_draft;                                                    \
        cancelled_pub.title = "Cancelled after publication";                                       \
        cancelled_pub.published_at_ms = t0_ms - day_ms;                                            \
        const TenderId called_off = insert(*store, cancelled_pub);                                 \
        TenderListQuery q;                                                                         \
        q.now_ms = t0_ms;                                                                          \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{called_off, pub}));               \
        q.status = TenderStatus::cancelled;                                                        \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{called_off}));                    \
        q.draft_buyers = {"XE-123456"};                                                            \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{called_off, withdrawn}));         \
        q.status.reset();                                                                          \
        BOOST_TEST(                                                                                \
            (list_ids(*store, q) == std::vector<TenderId>{called_off, withdrawn, pub, draft}));    \
        /* Another buyer's officers see only the public ones, a draft of their own besides. */     \
        Tender theirs = sample_tender("Another buyer's draft");                                    \
        theirs.buyer_id = "XE-999";                                                                \
        const TenderId other = insert(*store, theirs);                                             \
        q.draft_buyers = {"XE-999"};                                                               \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{other, called_off, pub}));        \
        q.status = TenderStatus::draft;                                                            \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{other}));                         \
        q.draft_buyers = {"XE-123456", "XE-999"};                                                  \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{other, draft}));                  \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(list_pages_newest_first_and_returns_one_extra_row) {                      \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        std::vector<TenderId> ids;                                                                 \
        for (int i = 0; i < 5; ++i) {                                                              \
            ids.push_back(insert_published(*store, "T" + std::to_string(i), t0_ms + day_ms,        \
                                           t0_ms + 20 * day_ms));                                  \
        }                                                                                          \
        TenderListQuery q;                                                                         \
        q.now_ms = t0_ms;                                                                          \
        q.limit = 2;                                                                               \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{ids[4], ids[3], ids[2]}));        \
        q.before_id = ids[3];                                                                      \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{ids[2], ids[1], ids[0]}));        \
        q.before_id = ids[1];                                                                      \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{ids[0]}));                        \
        auto rows = store->list(TenderListQuery{{}, {}, {}, {}, 1, {}, t0_ms});                    \
        BOOST_REQUIRE(rows.ok() && !rows->empty());                                                \
        BOOST_TEST((*rows)[0].lot_count == 2);                                                     \
        BOOST_TEST((*rows)[0].total_budget_minor == 150'000'00 + 99'999'99);                       \
        BOOST_TEST((*rows)[0].currency == "EUR");                                                  \
        BOOST_TEST((*rows)[0].title == "T4");                                                      \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(list_filters_by_category_and_literal_title_text) {                        \
        using namespace procura::tender;                                                           \
        using namespace procura::tender::contract;                                                 \
        std::unique_ptr<TenderStore> store = (make_store);                                         \
        const std::int64_t e = t0_ms + day_ms;                                                     \
        const std::int64_t s = t0_ms + 20 * day_ms;                                                \
        const TenderId roads = insert_published(*store, "Road Works 100%", e, s);                  \
        const TenderId pens = insert_published(*store, "Pens_and paper", e, s, Category::goods);   \
        const TenderId cleaning =                                                                  \
            insert_published(*store, "Office cleaning", e, s, Category::services);                 \
        TenderListQuery q;                                                                         \
        q.now_ms = t0_ms;                                                                          \
        q.category = Category::goods;                                                              \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{pens}));                          \
        q.category.reset();                                                                        \
        q.title_contains = "road works";                                                           \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{roads}));                         \
        q.title_contains = "100%";                                                                 \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{roads}));                         \
        q.title_contains = "%";                                                                    \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{roads}));                         \
        q.title_contains = "s_a";                                                                  \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{pens}));                          \
        q.title_contains = "k_"; /* unescaped, _ would match the "ks" of "Works" */                \
        BOOST_TEST(list_ids(*store, q).empty());                                                   \
        q.title_contains = "CLEAN";                                                                \
        BOOST_TEST((list_ids(*store, q) == std::vector<TenderId>{cleaning}));                      \
    }
