#include "tender/service.hpp"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <set>
#include <thread>

#include "auth/service.hpp"
#include "tests/auth/fake_user_store.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/support/require_error.hpp"
#include "tests/tender/fake_store.hpp"
#include "tests/tender/store_contract.hpp"

using namespace procura;
using namespace procura::tender;
using contract::day_ms;
using contract::t0_ms;
using core::ErrorKind;
using core::Role;

namespace {

using procura::testing::require_error;

struct World {
    core::ManualClock clock{t0_ms};
    auth::FakeUserStore users;
    auth::AuthService directory{users, clock, auth::AuthLimits{}};
    FakeTenderStore store;
    testing::FakeBuyerDirectory buyers;
    // What bidding answers through the port (tender::AnyBid): the tenders with bids, or an
    // error for every question; and how often it was asked.
    std::set<TenderId> tenders_with_bids;
    std::optional<core::Error> bids_unreadable;
    int bids_asked = 0;
    TenderService service{
        store, directory, buyers, clock, TenderLimits{}, [this](TenderId id) -> core::Result<bool> {
            ++bids_asked;
            if (bids_unreadable) return *bids_unreadable;
            return tenders_with_bids.count(id) > 0;
        }};
    core::Caller officer = add("officer.one", Role::officer);
    core::Caller officer2 = add("officer.two", Role::officer);
    core::Caller officer3 = add("officer.three", Role::officer);
    core::Caller supplier = add("supplier.one", Role::supplier);
    core::Caller finance = add("finance.one", Role::finance);
    // An officer of another buyer, who may act on none of ME-001's tenders.
    core::Caller foreign_officer = add("officer.elsewhere", Role::officer);
    bool buyers_added = add_buyers();

    bool add_buyers() {
        buyers.add("ME-001", "Ministry of Education",
                   {officer.user_id, officer2.user_id, officer3.user_id});
        buyers.add("MH-002", "Ministry of Health", {foreign_officer.user_id});
        return true;
    }

    core::Caller add(const std::string& name, Role role) {
        auth::User u;
        u.username = name;
        u.role = role;
        u.password_hash = "unused";
        auto id = users.insert_user(u, core::AuditEvent{});
        PROCURA_ASSERT(id.ok());
        return core::Caller{*id, role, name};
    }

    TenderFields complete_fields() {
        TenderFields f;
        f.title = "School furniture";
        f.description = "Desks and chairs for 40 classrooms.";
        f.buyer_name = "Ministry of Education";
        f.buyer_id = "ME-001";
        f.category = Category::goods;
        f.currency = "EUR";
        f.lots = std::vector<Lot>{Lot{0, "Desks", 80'000'00}, Lot{0, "Chairs", 40'000'00}};
        f.evaluation_method = EvaluationMethod::lowest_price;
        f.bid_security_minor = 1'000'00;
        f.enquiry_deadline_ms = t0_ms + 5 * day_ms;
        f.submission_deadline_ms = t0_ms + 14 * day_ms;
        f.opening_time_ms = t0_ms + 14 * day_ms + 3'600'000;
        f.committee =
            std::vector<core::UserId>{officer.user_id, officer2.user_id, officer3.user_id};
        f.threshold_k = 2;
        return f;
    }

    // complete_fields without the buyer, which an edit cannot change.
    TenderFields fields_without_buyer() {
        TenderFields f = complete_fields();
        f.buyer_id.reset();
        f.buyer_name.reset();
        return f;
    }

    TenderView published_tender() {
        auto draft = service.create_draft(officer, complete_fields());
        BOOST_REQUIRE(draft.ok());
        auto pub = service.publish(officer, draft->tender.id, std::nullopt);
        BOOST_REQUIRE_MESSAGE(pub.ok(), (pub.ok() ? std::string() : pub.error().message));
        return *pub;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(tender_service)

BOOST_AUTO_TEST_CASE(officer_flow_draft_edit_publish_amend_cancel) {
    World w;
    TenderFields partial;
    partial.title = "Furniture";
    partial.buyer_id = "ME-001";
    auto draft = w.service.create_draft(w.officer, partial);
    BOOST_REQUIRE(draft.ok());
    BOOST_TEST((draft->status == TenderStatus::draft));
    BOOST_TEST(draft->tender.version == 1);
    BOOST_TEST(draft->tender.buyer_name == "Ministry of Education");
    const TenderId id = draft->tender.id;

    auto edited = w.service.edit_draft(w.officer, id, 1, w.fields_without_buyer());
    BOOST_REQUIRE(edited.ok());
    BOOST_TEST(edited->tender.version == 2);
    BOOST_TEST(edited->tender.lots.size() == 2u);

    auto pub = w.service.publish(w.officer2, id, 2);
    BOOST_REQUIRE(pub.ok());
    BOOST_TEST((pub->status == TenderStatus::active_enquiries));
    BOOST_TEST(pub->tender.version == 3);
    BOOST_TEST((pub->tender.published_at_ms == std::optional<std::int64_t>(t0_ms)));

    TenderFields change;
    change.description = "Desks, chairs and cupboards.";
    auto amended = w.service.amend(w.officer, id, 3, "Cupboards added", change);
    BOOST_REQUIRE(amended.ok());
    BOOST_TEST(amended->tender.version == 4);
    BOOST_REQUIRE_EQUAL(amended->tender.amendments.size(), 1u);
    BOOST_TEST(amended->tender.amendments[0].number == 1);
    BOOST_TEST(amended->tender.amendments[0].changes_json ==
               "{\"description\":\"Desks, chairs and cupboards.\"}");
    BOOST_TEST(!amended->tender.amendments[0].deadline_extended_to_ms.has_value());

    auto cancelled = w.service.cancel(w.officer, id, "Budget withdrawn");
    BOOST_REQUIRE(cancelled.ok());
    BOOST_TEST((cancelled->status == TenderStatus::cancelled));
    BOOST_TEST(cancelled->tender.cancel_reason == "Budget withdrawn");

    const auto events = w.store.all_audit_events();
    std::vector<std::string> actions;
    for (const auto& e : events) actions.push_back(e.event.action);
    BOOST_TEST(
        (actions == std::vector<std::string>{"tender.drafted", "tender.edited", "tender.published",
                                             "tender.amended", "tender.cancelled"}));
    BOOST_TEST(events[2].event.actor_user_id == w.officer2.user_id);
    BOOST_TEST(events[3].event.entity_version == 4);
    for (std::size_t i = 1; i < events.size(); ++i) {
        BOOST_TEST((events[i].prev_hash == events[i - 1].hash));
    }
}

BOOST_AUTO_TEST_CASE(only_officers_change_tenders) {
    World w;
    require_error(w.service.create_draft(w.supplier, w.complete_fields()), ErrorKind::forbidden,
                  "forbidden");
    require_error(w.service.create_draft(w.finance, w.complete_fields()), ErrorKind::forbidden,
                  "forbidden");
    const TenderView t = w.published_tender();
    require_error(w.service.cancel(w.supplier, t.tender.id, "no"), ErrorKind::forbidden,
                  "forbidden");
    require_error(w.service.amend(w.supplier, t.tender.id, t.tender.version, "x", {}),
                  ErrorKind::forbidden, "forbidden");
    require_error(w.service.publish(w.supplier, t.tender.id, std::nullopt), ErrorKind::forbidden,
                  "forbidden");
    BOOST_TEST(w.store.all_audit_events().size() == 2u);
}

BOOST_AUTO_TEST_CASE(publishing_twice_is_a_conflict_and_changes_nothing) {
    World w;
    const TenderView t = w.published_tender();
    const auto before = w.store.all_audit_events().size();
    require_error(w.service.publish(w.officer, t.tender.id, std::nullopt), ErrorKind::conflict,
                  "already_published");
    BOOST_TEST(w.store.all_audit_events().size() == before);
    BOOST_TEST(w.service.get(std::nullopt, t.tender.id)->tender.version == t.tender.version);
}

BOOST_AUTO_TEST_CASE(publication_failures_are_422_and_leave_the_draft_alone) {
    World w;
    TenderFields f = w.complete_fields();
    f.submission_deadline_ms = t0_ms + 4 * day_ms;  // before the enquiry deadline
    auto draft = w.service.create_draft(w.officer, f);
    BOOST_REQUIRE(draft.ok());
    require_error(w.service.publish(w.officer, draft->tender.id, std::nullopt),
                  ErrorKind::unprocessable, "invalid_field", "enquiry_deadline");
    auto after = w.service.get(w.officer, draft->tender.id);
    BOOST_TEST((after->status == TenderStatus::draft));
    BOOST_TEST(after->tender.version == 1);
}

BOOST_AUTO_TEST_CASE(committee_members_must_be_officers) {
    World w;
    TenderFields f = w.complete_fields();
    f.committee =
        std::vector<core::UserId>{w.officer.user_id, w.supplier.user_id, w.officer2.user_id};
    auto draft = w.service.create_draft(w.officer, f);
    BOOST_REQUIRE(draft.ok());
    require_error(w.service.publish(w.officer, draft->tender.id, std::nullopt),
                  ErrorKind::unprocessable, "not_an_officer", "committee.members[1]");
    f.committee = std::vector<core::UserId>{w.officer.user_id, 9999, w.officer2.user_id};
    auto draft2 = w.service.create_draft(w.officer, f);
    require_error(w.service.publish(w.officer, draft2->tender.id, std::nullopt),
                  ErrorKind::unprocessable, "not_an_officer", "committee.members[1]");
}

// Issue 16, defect 2: a committee of one with threshold 1 was accepted, so one officer could
// open the bids alone. At least 3 members and a threshold of at least 2, or as a deployment
// raises them.
BOOST_AUTO_TEST_CASE(no_officer_opens_bids_alone) {
    World w;
    TenderFields f = w.complete_fields();
    const auto publish_with = [&](std::vector<core::UserId> members, std::int64_t k) {
        f.committee = std::move(members);
        f.threshold_k = k;
        auto draft = w.service.create_draft(w.officer, f);
        BOOST_REQUIRE(draft.ok());
        return w.service.publish(w.officer, draft->tender.id, std::nullopt);
    };
    const core::UserId a = w.officer.user_id, b = w.officer2.user_id, c = w.officer3.user_id;
    require_error(publish_with({a}, 1), ErrorKind::unprocessable, "invalid_field",
                  "committee.members");
    require_error(publish_with({a, b}, 2), ErrorKind::unprocessable, "invalid_field",
                  "committee.members");
    require_error(publish_with({a, b, c}, 1), ErrorKind::unprocessable, "invalid_field",
                  "committee.threshold");
    BOOST_TEST(publish_with({a, b, c}, 2).ok());
    BOOST_TEST(publish_with({a, b, c}, 3).ok());
}

BOOST_AUTO_TEST_CASE(stale_versions_are_refused) {
    World w;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    TenderFields f;
    f.title = "v2";
    BOOST_REQUIRE(w.service.edit_draft(w.officer, draft->tender.id, 1, f).ok());
    require_error(w.service.edit_draft(w.officer2, draft->tender.id, 1, f), ErrorKind::conflict,
                  "stale_version", "version");
}

BOOST_AUTO_TEST_CASE(concurrent_amendments_never_lose_one) {
    World w;
    const TenderView t = w.published_tender();
    const std::int64_t v = t.tender.version;
    constexpr int writers = 8;
    std::vector<core::Result<TenderView>> results(writers, core::internal("unset", ""));
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
        threads.emplace_back([&, i] {
            TenderFields change;
            change.description = "Version by writer " + std::to_string(i);
            results[static_cast<std::size_t>(i)] =
                w.service.amend(i % 2 ? w.officer : w.officer2, t.tender.id, v, "race", change);
        });
    }
    for (auto& th : threads) th.join();
    int won = 0;
    for (const auto& r : results) {
        if (r.ok()) {
            ++won;
        } else {
            BOOST_TEST(r.error().code == "stale_version");
        }
    }
    BOOST_TEST(won == 1);
    auto after = w.service.get(std::nullopt, t.tender.id);
    BOOST_TEST(after->tender.amendments.size() == 1u);
    BOOST_TEST(after->tender.version == v + 1);
}

BOOST_AUTO_TEST_CASE(late_amendment_extends_the_deadline) {
    World w;
    const TenderView t = w.published_tender();
    const std::int64_t deadline = *t.tender.submission_deadline_ms;
    w.clock.set_ms(deadline - 3 * day_ms - 1);
    TenderFields change;
    change.description = "Early change";
    auto early = w.service.amend(w.officer, t.tender.id, t.tender.version, "early", change);
    BOOST_REQUIRE(early.ok());
    BOOST_TEST(*early->tender.submission_deadline_ms == deadline);

    const std::int64_t now = deadline - day_ms;
    w.clock.set_ms(now);
    change.description = "Late change";
    auto late = w.service.amend(w.officer, t.tender.id, early->tender.version, "late", change);
    BOOST_REQUIRE(late.ok());
    BOOST_TEST(*late->tender.submission_deadline_ms == now + 3 * day_ms);
    BOOST_TEST(*late->tender.opening_time_ms >= now + 3 * day_ms);
    const Amendment& a = late->tender.amendments.back();
    BOOST_TEST(a.number == 2);
    BOOST_TEST((a.deadline_extended_from_ms == std::optional<std::int64_t>(deadline)));
    BOOST_TEST((a.deadline_extended_to_ms == std::optional<std::int64_t>(now + 3 * day_ms)));
}

BOOST_AUTO_TEST_CASE(no_amendment_after_the_deadline_and_no_committee_change) {
    World w;
    const TenderView t = w.published_tender();
    TenderFields committee;
    committee.committee = std::vector<core::UserId>{w.officer.user_id};
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x", committee),
                  ErrorKind::unprocessable, "not_amendable");
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x", TenderFields{}),
                  ErrorKind::unprocessable, "empty_amendment");
    // Issue 16, defect 2: buyer.id decides which buyer account pays; it was amendable after
    // publication. The buyer is fixed now, and a refused amendment changes nothing.
    TenderFields buyer;
    buyer.buyer_id = "OTHER-BUYER";
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x", buyer),
                  ErrorKind::unprocessable, "not_amendable", "changes.buyer.id");
    TenderFields buyer_name;
    buyer_name.buyer_name = "Another Ministry";
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x", buyer_name),
                  ErrorKind::unprocessable, "not_amendable", "changes.buyer.name");
    auto unchanged = w.service.get(w.officer, t.tender.id);
    BOOST_REQUIRE(unchanged.ok());
    BOOST_TEST(unchanged->tender.version == t.tender.version);
    BOOST_TEST(unchanged->tender.buyer_id == t.tender.buyer_id);
    w.clock.set_ms(*t.tender.submission_deadline_ms);
    TenderFields change;
    change.description = "Too late";
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "late", change),
                  ErrorKind::conflict, "tendering_closed");
}

BOOST_AUTO_TEST_CASE(only_officers_see_who_sits_on_the_opening_committee) {
    World w;
    const TenderView t = w.published_tender();
    for (const std::optional<core::Caller>& reader :
         {std::optional<core::Caller>{}, std::optional<core::Caller>{w.supplier},
          std::optional<core::Caller>{w.finance}}) {
        auto seen = w.service.get(reader, t.tender.id);
        BOOST_REQUIRE(seen.ok());
        BOOST_TEST(!seen->committee_members_shown);
        BOOST_TEST(seen->tender.committee.empty());
        BOOST_TEST(seen->committee_size == 3u);
        BOOST_TEST(seen->tender.threshold_k == 2);
    }
    auto officer = w.service.get(w.officer3, t.tender.id);
    BOOST_REQUIRE(officer.ok());
    BOOST_TEST(officer->committee_members_shown);
    BOOST_TEST(officer->tender.committee.size() == 3u);
    BOOST_TEST(officer->committee_size == 3u);
}

BOOST_AUTO_TEST_CASE(drafts_are_visible_only_to_officers) {
    World w;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    const TenderId id = draft->tender.id;
    require_error(w.service.get(std::nullopt, id), ErrorKind::not_found, "tender_not_found");
    require_error(w.service.get(w.supplier, id), ErrorKind::not_found, "tender_not_found");
    BOOST_TEST(w.service.get(w.officer2, id).ok());
    auto anon = w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 0, "");
    BOOST_REQUIRE(anon.ok());
    BOOST_TEST(anon->items.empty());
    auto anon_drafts = w.service.list(std::nullopt, TenderStatus::draft, std::nullopt, "", 0, "");
    BOOST_TEST(anon_drafts->items.empty());
    auto officer = w.service.list(w.officer, std::nullopt, std::nullopt, "", 0, "");
    BOOST_TEST(officer->items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(list_paginates_with_a_cursor_and_checks_limits) {
    World w;
    for (int i = 0; i < 5; ++i) w.published_tender();
    auto p1 = w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 2, "");
    BOOST_REQUIRE(p1.ok());
    BOOST_TEST(p1->items.size() == 2u);
    BOOST_TEST(p1->as_of_ms == t0_ms);
    BOOST_REQUIRE(p1->next_cursor.has_value());
    auto p2 = w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 2, *p1->next_cursor);
    auto p3 = w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 2, *p2->next_cursor);
    BOOST_TEST(p3->items.size() == 1u);
    BOOST_TEST(!p3->next_cursor.has_value());
    BOOST_TEST(p1->items[0].id > p2->items[0].id);
    require_error(w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 101, ""),
                  ErrorKind::bad_request, "invalid_parameter", "limit");
    BOOST_TEST(w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 100, "").ok());
    require_error(w.service.list(std::nullopt, std::nullopt, std::nullopt, "", 2, "abc"),
                  ErrorKind::bad_request, "invalid_parameter", "cursor");
}

BOOST_AUTO_TEST_CASE(suppliers_ask_until_the_enquiry_deadline_and_officers_answer) {
    World w;
    const TenderView t = w.published_tender();
    auto q = w.service.ask(w.supplier, t.tender.id, "Are delivery costs included?");
    BOOST_REQUIRE(q.ok());
    require_error(w.service.ask(w.officer, t.tender.id, "?"), ErrorKind::forbidden, "forbidden");
    require_error(w.service.answer(w.supplier, t.tender.id, q->id, "Yes"), ErrorKind::forbidden,
                  "forbidden");
    auto a = w.service.answer(w.officer, t.tender.id, q->id, "Yes, to each school.");
    BOOST_REQUIRE(a.ok());
    BOOST_TEST((a->answer == std::optional<std::string>("Yes, to each school.")));
    require_error(w.service.answer(w.officer, t.tender.id, q->id, "Again"), ErrorKind::conflict,
                  "already_answered");
    require_error(w.service.answer(w.officer, t.tender.id, q->id + 99, "?"), ErrorKind::not_found,
                  "question_not_found");

    w.clock.set_ms(*t.tender.enquiry_deadline_ms - 1);
    BOOST_TEST(w.service.ask(w.supplier, t.tender.id, "Last-minute question").ok());
    w.clock.set_ms(*t.tender.enquiry_deadline_ms);
    require_error(w.service.ask(w.supplier, t.tender.id, "Too late"), ErrorKind::conflict,
                  "enquiry_period_over");

    // The public audit event about a question does not name the asker.
    for (const auto& e : w.store.all_audit_events()) {
        if (e.event.action == "tender.question_asked") {
            BOOST_TEST(e.event.actor_user_id == 0);
            BOOST_TEST(e.event.payload_json.find(w.supplier.username) == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(documents_are_stored_with_sha256_and_limited_in_size) {
    World w;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    DocumentUpload up{"Specification", "spec.txt", "text/plain", "abc"};
    auto meta = w.service.add_document(w.officer, draft->tender.id, up);
    BOOST_REQUIRE(meta.ok());
    BOOST_TEST(meta->sha256_hex ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auto content = w.service.get_document(w.officer, draft->tender.id, meta->id);
    BOOST_REQUIRE(content.ok());
    BOOST_TEST(content->bytes == "abc");
    require_error(w.service.get_document(std::nullopt, draft->tender.id, meta->id),
                  ErrorKind::not_found, "tender_not_found");
    up.bytes.assign(TenderLimits{}.document_bytes_max + 1, 'x');
    require_error(w.service.add_document(w.officer, draft->tender.id, up),
                  ErrorKind::payload_too_large, "document_too_large");
    up.bytes = "x";
    up.filename = "../etc/passwd";
    require_error(w.service.add_document(w.officer, draft->tender.id, up), ErrorKind::unprocessable,
                  "invalid_field", "filename");
}

BOOST_AUTO_TEST_CASE(cancel_needs_a_reason_and_happens_once) {
    World w;
    const TenderView t = w.published_tender();
    require_error(w.service.cancel(w.officer, t.tender.id, ""), ErrorKind::unprocessable,
                  "invalid_field", "reason");
    BOOST_REQUIRE(w.service.cancel(w.officer, t.tender.id, "Duplicate notice").ok());
    require_error(w.service.cancel(w.officer, t.tender.id, "Again"), ErrorKind::conflict,
                  "already_cancelled");
    require_error(w.service.get(std::nullopt, 777), ErrorKind::not_found, "tender_not_found");
}

// Issue 16, defect 6: cancelling a draft used to publish it (GET and the list showed the
// cancelled draft, with its title and reason, to anyone). A draft cancelled before it was
// published stays as private as a draft: 404 to everyone but officers, absent from lists.
BOOST_AUTO_TEST_CASE(a_cancelled_draft_stays_private) {
    World w;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    const TenderId id = draft->tender.id;
    BOOST_REQUIRE(w.service.cancel(w.officer, id, "Not needed after all").ok());
    require_error(w.service.get(std::nullopt, id), ErrorKind::not_found, "tender_not_found");
    require_error(w.service.get(w.supplier, id), ErrorKind::not_found, "tender_not_found");
    auto own = w.service.get(w.officer, id);
    BOOST_REQUIRE(own.ok());
    BOOST_TEST((own->tender.state == TenderState::cancelled));
    for (const auto& caller : {std::optional<core::Caller>{}, std::optional{w.supplier}}) {
        for (const auto status :
             {std::optional<TenderStatus>{}, std::optional{TenderStatus::cancelled}}) {
            auto page = w.service.list(caller, status, std::nullopt, "", 0, "");
            BOOST_REQUIRE(page.ok());
            for (const auto& item : page->items) BOOST_TEST(item.id != id);
        }
    }
    auto officers = w.service.list(w.officer, TenderStatus::cancelled, std::nullopt, "", 0, "");
    BOOST_REQUIRE(officers.ok());
    BOOST_REQUIRE_EQUAL(officers->items.size(), 1u);
    BOOST_TEST(officers->items[0].id == id);
}

BOOST_AUTO_TEST_SUITE_END()

// Lots keep their numbers for life (issue 16, defect 4): a bid names its lot by number, so once
// a tender has a bid its lots may not be removed or reordered.
BOOST_AUTO_TEST_SUITE(tender_service_lots)

namespace {

// A published tender with lots 1 Desks, 2 Chairs, 3 Cupboards.
TenderView published_with_three_lots(World& w) {
    TenderFields f = w.complete_fields();
    f.lots = std::vector<Lot>{Lot{0, "Desks", 80'000'00}, Lot{0, "Chairs", 40'000'00},
                              Lot{0, "Cupboards", 20'000'00}};
    auto draft = w.service.create_draft(w.officer, f);
    BOOST_REQUIRE(draft.ok());
    auto pub = w.service.publish(w.officer, draft->tender.id, std::nullopt);
    BOOST_REQUIRE(pub.ok());
    return *pub;
}

std::vector<std::int64_t> numbers_of(const Tender& t) {
    std::vector<std::int64_t> numbers;
    for (const Lot& lot : t.lots) numbers.push_back(lot.number);
    return numbers;
}

TenderFields lots_change(std::vector<Lot> lots) {
    TenderFields f;
    f.lots = std::move(lots);
    return f;
}

// An amendment of t's lots to `lots` is refused with 409 lots_locked and nothing of it is kept:
// no version, no lot, no amendment record, no audit event.
void require_locked(World& w, const TenderView& t, std::vector<Lot> lots) {
    const auto events = w.store.all_audit_events().size();
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "Lots changed",
                                  lots_change(std::move(lots))),
                  ErrorKind::conflict, "lots_locked", "changes.lots");
    auto after = w.service.get(std::nullopt, t.tender.id);
    BOOST_REQUIRE(after.ok());
    BOOST_TEST(after->tender.version == t.tender.version);
    BOOST_TEST((numbers_of(after->tender) == numbers_of(t.tender)));
    for (std::size_t i = 0; i < t.tender.lots.size(); ++i) {
        BOOST_TEST(after->tender.lots[i].title == t.tender.lots[i].title);
        BOOST_TEST(after->tender.lots[i].budget_minor == t.tender.lots[i].budget_minor);
    }
    BOOST_TEST(after->tender.amendments.size() == t.tender.amendments.size());
    BOOST_TEST(w.store.all_audit_events().size() == events);
}

}  // namespace

BOOST_AUTO_TEST_CASE(removing_a_lot_before_any_bid_keeps_the_other_lots_numbers) {
    World w;
    const TenderView t = published_with_three_lots(w);
    BOOST_TEST((numbers_of(t.tender) == std::vector<std::int64_t>{1, 2, 3}));
    auto amended =
        w.service.amend(w.officer, t.tender.id, t.tender.version, "Chairs dropped",
                        lots_change({Lot{1, "Desks", 80'000'00}, Lot{3, "Cupboards", 20'000'00}}));
    BOOST_REQUIRE(amended.ok());
    // Lot 3 stays lot 3: a bid sent for the cupboards later still means the cupboards.
    BOOST_TEST((numbers_of(amended->tender) == std::vector<std::int64_t>{1, 3}));
    BOOST_TEST(amended->tender.lots[1].title == "Cupboards");
    BOOST_TEST(amended->tender.amendments.back().changes_json ==
               "{\"lots\":[{\"budget_minor\":8000000,\"number\":1,\"title\":\"Desks\"},"
               "{\"budget_minor\":2000000,\"number\":3,\"title\":\"Cupboards\"}]}");
    // A new lot gets the next number never used: the chairs' 2 is not given again.
    auto added =
        w.service.amend(w.officer, t.tender.id, amended->tender.version, "Shelves",
                        lots_change({Lot{1, "Desks", 80'000'00}, Lot{3, "Cupboards", 20'000'00},
                                     Lot{0, "Shelves", 5'000'00}}));
    BOOST_REQUIRE(added.ok());
    BOOST_TEST((numbers_of(added->tender) == std::vector<std::int64_t>{1, 3, 4}));
    BOOST_TEST(added->tender.lot_number_max == 4);
}

// The attack of defect 4: lots 1, 2, 3, a bid on lot 3, then an amendment removing lot 2.
// Renumbered by position, lot 3 would vanish (the bid's lot and deposit with it) and the
// cupboards would become lot 2, under which bids for the chairs would then compete.
BOOST_AUTO_TEST_CASE(removing_a_lot_after_a_bid_is_refused_and_changes_nothing) {
    World w;
    const TenderView t = published_with_three_lots(w);
    w.tenders_with_bids.insert(t.tender.id);
    require_locked(w, t, {Lot{1, "Desks", 80'000'00}, Lot{3, "Cupboards", 20'000'00}});
    // The same list without numbers names three new lots: every existing one would go.
    require_locked(
        w, t,
        {Lot{0, "Desks", 80'000'00}, Lot{0, "Chairs", 40'000'00}, Lot{0, "Cupboards", 20'000'00}});
    require_locked(w, t, {Lot{1, "Desks", 80'000'00}, Lot{2, "Chairs", 40'000'00}});
    require_locked(w, t, {});
}

BOOST_AUTO_TEST_CASE(reordering_lots_after_a_bid_is_refused_and_changes_nothing) {
    World w;
    const TenderView t = published_with_three_lots(w);
    w.tenders_with_bids.insert(t.tender.id);
    require_locked(
        w, t,
        {Lot{1, "Desks", 80'000'00}, Lot{3, "Cupboards", 20'000'00}, Lot{2, "Chairs", 40'000'00}});
    // A new lot between existing ones moves them too.
    require_locked(w, t,
                   {Lot{1, "Desks", 80'000'00}, Lot{0, "Shelves", 5'000'00},
                    Lot{2, "Chairs", 40'000'00}, Lot{3, "Cupboards", 20'000'00}});
}

BOOST_AUTO_TEST_CASE(after_a_bid_lots_may_be_retitled_rebudgeted_and_added_at_the_end) {
    World w;
    const TenderView t = published_with_three_lots(w);
    w.tenders_with_bids.insert(t.tender.id);
    auto amended = w.service.amend(
        w.officer, t.tender.id, t.tender.version, "More chairs, and shelves",
        lots_change({Lot{1, "Desks", 80'000'00}, Lot{2, "Chairs and stools", 45'000'00},
                     Lot{3, "Cupboards", 20'000'00}, Lot{0, "Shelves", 5'000'00}}));
    BOOST_REQUIRE(amended.ok());
    BOOST_TEST((numbers_of(amended->tender) == std::vector<std::int64_t>{1, 2, 3, 4}));
    BOOST_TEST(amended->tender.lots[1].title == "Chairs and stools");
    BOOST_TEST(amended->tender.lots[1].budget_minor == 45'000'00);
}

BOOST_AUTO_TEST_CASE(bids_are_asked_about_only_when_a_lot_would_move) {
    World w;
    const TenderView t = published_with_three_lots(w);
    TenderFields description;
    description.description = "Clarified";
    auto first = w.service.amend(w.officer, t.tender.id, t.tender.version, "x", description);
    BOOST_REQUIRE(first.ok());
    auto second = w.service.amend(
        w.officer, t.tender.id, first->tender.version, "x",
        lots_change({Lot{1, "Desks", 1}, Lot{2, "Chairs", 2}, Lot{3, "Cupboards", 3}}));
    BOOST_REQUIRE(second.ok());
    BOOST_TEST(w.bids_asked == 0);
    auto third = w.service.amend(w.officer, t.tender.id, second->tender.version, "x",
                                 lots_change({Lot{3, "Cupboards", 3}}));
    BOOST_REQUIRE(third.ok());
    BOOST_TEST(w.bids_asked == 1);
}

BOOST_AUTO_TEST_CASE(when_bids_cannot_be_read_no_lot_moves) {
    World w;
    const TenderView t = published_with_three_lots(w);
    w.bids_unreadable = core::unavailable("db_unavailable", "the bids cannot be read");
    const auto events = w.store.all_audit_events().size();
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x",
                                  lots_change({Lot{1, "Desks", 1}})),
                  ErrorKind::unavailable, "db_unavailable");
    BOOST_TEST(w.service.get(std::nullopt, t.tender.id)->tender.version == t.tender.version);
    BOOST_TEST(w.store.all_audit_events().size() == events);
}

BOOST_AUTO_TEST_CASE(without_the_bids_port_a_published_tenders_lots_never_move) {
    World w;
    TenderService unwired{w.store, w.directory, w.buyers, w.clock, TenderLimits{}};
    const TenderView t = published_with_three_lots(w);
    require_error(unwired.amend(w.officer, t.tender.id, t.tender.version, "x",
                                lots_change({Lot{1, "Desks", 1}})),
                  ErrorKind::conflict, "lots_locked");
}

BOOST_AUTO_TEST_CASE(amendments_naming_an_unknown_or_repeated_lot_are_refused) {
    World w;
    const TenderView t = published_with_three_lots(w);
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x",
                                  lots_change({Lot{1, "Desks", 1}, Lot{7, "Invented", 1}})),
                  ErrorKind::unprocessable, "unknown_lot", "lots[1].number");
    require_error(w.service.amend(w.officer, t.tender.id, t.tender.version, "x",
                                  lots_change({Lot{1, "Desks", 1}, Lot{1, "Desks again", 1}})),
                  ErrorKind::unprocessable, "duplicate_lot", "lots[1].number");
    BOOST_TEST(w.service.get(std::nullopt, t.tender.id)->tender.amendments.empty());
}

BOOST_AUTO_TEST_CASE(draft_edits_keep_numbers_move_lots_freely_and_never_reuse_one) {
    World w;
    TenderFields f = w.complete_fields();
    f.lots = std::vector<Lot>{Lot{0, "A", 1}, Lot{0, "B", 2}, Lot{0, "C", 3}};
    auto draft = w.service.create_draft(w.officer, f);
    BOOST_REQUIRE(draft.ok());
    const TenderId id = draft->tender.id;
    auto edited =
        w.service.edit_draft(w.officer, id, 1, lots_change({Lot{3, "C", 3}, Lot{1, "A", 1}}));
    BOOST_REQUIRE(edited.ok());
    BOOST_TEST((numbers_of(edited->tender) == std::vector<std::int64_t>{3, 1}));
    BOOST_TEST(w.bids_asked == 0);  // a draft has no bids
    require_error(w.service.edit_draft(w.officer, id, 2, lots_change({Lot{2, "B", 2}})),
                  ErrorKind::unprocessable, "unknown_lot", "lots[0].number");
    auto added = w.service.edit_draft(
        w.officer, id, 2, lots_change({Lot{3, "C", 3}, Lot{1, "A", 1}, Lot{0, "D", 4}}));
    BOOST_REQUIRE(added.ok());
    BOOST_TEST((numbers_of(added->tender) == std::vector<std::int64_t>{3, 1, 4}));
    // A new draft's lots are all new: a number names nothing yet.
    f.lots = std::vector<Lot>{Lot{1, "A", 1}};
    require_error(w.service.create_draft(w.officer, f), ErrorKind::unprocessable, "unknown_lot",
                  "lots[0].number");
}

BOOST_AUTO_TEST_CASE(a_tender_belongs_to_one_buyer_fixed_when_the_draft_is_made) {
    World w;
    TenderFields f = w.complete_fields();
    f.buyer_id.reset();
    require_error(w.service.create_draft(w.officer, f), ErrorKind::unprocessable, "missing_field",
                  "buyer.id");
    f.buyer_id = "XX-404";
    require_error(w.service.create_draft(w.officer, f), ErrorKind::unprocessable, "unknown_buyer",
                  "buyer.id");
    f.buyer_id = "MH-002";  // a buyer the officer does not act for
    require_error(w.service.create_draft(w.officer, f), ErrorKind::forbidden, "not_buyer_officer",
                  "buyer.id");
    f = w.complete_fields();
    f.buyer_name = "Ministry of Anything";
    require_error(w.service.create_draft(w.officer, f), ErrorKind::unprocessable,
                  "buyer_name_mismatch", "buyer.name");
    BOOST_TEST(w.store.all_audit_events().empty());

    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    TenderFields move;
    move.buyer_id = "MH-002";
    require_error(w.service.edit_draft(w.officer, draft->tender.id, 1, move),
                  ErrorKind::unprocessable, "not_amendable", "buyer.id");
    move = TenderFields{};
    move.buyer_name = "Ministry of Health";
    require_error(w.service.edit_draft(w.officer, draft->tender.id, 1, move),
                  ErrorKind::unprocessable, "not_amendable", "buyer.name");
    BOOST_TEST(w.store.all_audit_events().size() == 1u);
}

// Issue 16, defect 2: before, any officer could act on any tender (created_by and the buyer were
// never compared). An officer of another buyer now gets 404 for a draft and 403 for a published
// tender, on every change, and nothing is written.
BOOST_AUTO_TEST_CASE(an_officer_of_another_buyer_can_neither_see_a_draft_nor_act_on_a_tender) {
    World w;
    const core::Caller& other = w.foreign_officer;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    const TenderId d = draft->tender.id;
    const std::size_t events = w.store.all_audit_events().size();
    require_error(w.service.get(other, d), ErrorKind::not_found, "tender_not_found");
    require_error(w.service.edit_draft(other, d, 1, TenderFields{}), ErrorKind::not_found,
                  "tender_not_found");
    require_error(w.service.publish(other, d, std::nullopt), ErrorKind::not_found,
                  "tender_not_found");
    require_error(w.service.check_publishable(other, d, std::nullopt), ErrorKind::not_found,
                  "tender_not_found");
    require_error(w.service.cancel(other, d, "mine now"), ErrorKind::not_found, "tender_not_found");
    require_error(w.service.add_document(other, d, DocumentUpload{"X", "x.pdf", "", "bytes"}),
                  ErrorKind::not_found, "tender_not_found");
    auto listed = w.service.list(other, std::nullopt, std::nullopt, "", 0, "");
    BOOST_REQUIRE(listed.ok());
    BOOST_TEST(listed->items.empty());
    auto drafts = w.service.list(other, TenderStatus::draft, std::nullopt, "", 0, "");
    BOOST_REQUIRE(drafts.ok());
    BOOST_TEST(drafts->items.empty());
    auto own_drafts = w.service.list(w.officer2, TenderStatus::draft, std::nullopt, "", 0, "");
    BOOST_REQUIRE(own_drafts.ok());
    BOOST_TEST(own_drafts->items.size() == 1u);
    BOOST_TEST(w.store.all_audit_events().size() == events);

    const TenderView pub = w.published_tender();
    const TenderId p = pub.tender.id;
    const std::size_t after_publication = w.store.all_audit_events().size();
    auto seen = w.service.get(other, p);
    BOOST_REQUIRE(seen.ok());
    BOOST_TEST(!seen->committee_members_shown);
    BOOST_TEST(seen->tender.committee.empty());
    TenderFields change;
    change.description = "Now mine.";
    require_error(w.service.amend(other, p, pub.tender.version, "Taking over", change),
                  ErrorKind::forbidden, "not_buyer_officer");
    require_error(w.service.cancel(other, p, "Stop it"), ErrorKind::forbidden, "not_buyer_officer");
    w.clock.set_ms(t0_ms + day_ms);
    auto q = w.service.ask(w.supplier, p, "Which desks?");
    BOOST_REQUIRE(q.ok());
    const std::size_t after_question = w.store.all_audit_events().size();
    BOOST_TEST(after_question == after_publication + 1);
    require_error(w.service.answer(other, p, q->id, "Any desks."), ErrorKind::forbidden,
                  "not_buyer_officer");
    BOOST_TEST(w.store.all_audit_events().size() == after_question);
    auto answered = w.service.answer(w.officer3, p, q->id, "Oak desks.");
    BOOST_REQUIRE(answered.ok());
}

// A draft's leaves are public, the draft is not: they name nothing the draft holds (issue 16,
// defect 6). The publication's leaf then commits to the buyer and the documents' hashes.
BOOST_AUTO_TEST_CASE(a_drafts_log_leaves_name_nothing_the_draft_holds) {
    World w;
    auto draft = w.service.create_draft(w.officer, w.complete_fields());
    BOOST_REQUIRE(draft.ok());
    const TenderId id = draft->tender.id;
    auto doc = w.service.add_document(
        w.officer, id, DocumentUpload{"Secret plan", "secret-plan.pdf", "application/pdf", "%PDF"});
    BOOST_REQUIRE(doc.ok());
    auto cancelled = w.service.cancel(w.officer, id, "Confidential reason");
    BOOST_REQUIRE(cancelled.ok());
    for (const auto& e : w.store.all_audit_events()) {
        BOOST_TEST(e.event.payload_json.find("secret-plan") == std::string::npos);
        BOOST_TEST(e.event.payload_json.find("Confidential") == std::string::npos);
        BOOST_TEST(e.event.payload_json.find("ME-001") == std::string::npos);
        BOOST_TEST(e.event.payload_json.find(doc->sha256_hex) == std::string::npos);
    }
    const TenderView pub = w.published_tender();
    const auto events = w.store.all_audit_events();
    BOOST_TEST(events.back().event.action == "tender.published");
    BOOST_TEST(events.back().event.payload_json.find("\"buyer_id\":\"ME-001\"") !=
               std::string::npos);
    BOOST_TEST(pub.tender.id != id);
}

BOOST_AUTO_TEST_SUITE_END()
