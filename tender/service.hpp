// Tender use cases: draft, edit, publish, amend, cancel, documents, clarification questions,
// and the public notice board. Each state change runs load -> rule -> save -> audit event in
// one store transaction. The service checks the caller's role; it never sees HTTP or SQL.
// Thread-safe: it holds no mutable state of its own.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/buyers.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "tender/model.hpp"
#include "tender/store.hpp"

namespace procura::tender {

// Whether any bid, in any state (active, replaced or withdrawn), was ever received for the
// tender: bidding's answer (BidStore::any_bid), given by app/ so that the tender module does not
// depend on bidding. Asked inside an amendment's transaction once the tender's row is locked; a
// bid being stored reads the tender's version under a shared lock on that row, held until it
// commits, so whichever comes second sees the other: no bid slips in unseen.
using AnyBid = std::function<core::Result<bool>(TenderId)>;

class TenderService {
public:
    // any_bid absent: every published tender is taken to have bids (its lots never move).
    TenderService(TenderStore& store, core::UserDirectory& users, core::BuyerDirectory& buyers,
                  const core::Clock& clock, TenderLimits limits, AnyBid any_bid = {});

    // A tender belongs to one buyer (procuring entity), fixed when the draft is made, and every
    // change below is for that buyer's officers only: an officer of another buyer gets 403
    // "not_buyer_officer" for a published tender and 404 "tender_not_found" for a private one
    // (a draft, or a draft cancelled before publication), and nothing changes.

    // Officer only. Creates a draft (version 1) from whatever fields are given; fields are
    // checked for shape (422 naming the field) but completeness is checked only at publish.
    // buyer.id is required: 422 "missing_field", "unknown_buyer"; 403 "not_buyer_officer" unless
    // the caller is one of its officers. buyer.name is the buyer's legal name, taken from its
    // record; if given it must be that name (422 "buyer_name_mismatch").
    core::Result<TenderView> create_draft(const core::Caller& caller, const TenderFields& fields);

    // Officer only; draft only (409 not_draft). The buyer cannot change (422 "not_amendable",
    // field buyer.id or buyer.name). expected_version must equal the stored
    // version (409 stale_version). Lots keep or get numbers as rules::apply_fields says (422
    // unknown_lot / duplicate_lot naming lots[i].number); a draft has no bids, so its lots may
    // be removed and reordered freely.
    core::Result<TenderView> edit_draft(const core::Caller& caller, TenderId id,
                                        std::int64_t expected_version, const TenderFields& fields);

    // Officer only. Draft -> published after rules::validate_for_publication (422 naming the
    // field); 409 already_published / cancelled otherwise. expected_version is checked when
    // given.
    core::Result<TenderView> publish(const core::Caller& caller, TenderId id,
                                     std::optional<std::int64_t> expected_version);

    // What publish checks, without writing anything: the caller may publish the draft now.
    // Returns the draft's version. Errors as publish's, and 404 tender_not_found.
    core::Result<std::int64_t> check_publishable(const core::Caller& caller, TenderId id,
                                                 std::optional<std::int64_t> expected_version);

    // Officer only; published tenders before the submission deadline (409 otherwise).
    // Records a numbered amendment, and extends the deadline when the amendment falls inside
    // the extension window. expected_version must equal the stored version (409). Lots as in
    // edit_draft; once the tender has any bid (AnyBid), a change that removes or reorders its
    // lots is 409 lots_locked (field changes.lots) and changes nothing: existing lots must stay
    // in their places; their titles and budgets may change and new lots may follow them.
    core::Result<TenderView> amend(const core::Caller& caller, TenderId id,
                                   std::int64_t expected_version, const std::string& rationale,
                                   const TenderFields& changes);

    // Officer only; draft or published before the opening time; reason required (422).
    core::Result<TenderView> cancel(const core::Caller& caller, TenderId id,
                                    const std::string& reason);

    // Officer only; drafts only (published tenders change documents through amendments in a
    // later issue). 413 past document_bytes_max.
    core::Result<DocumentMeta> add_document(const core::Caller& caller, TenderId id,
                                            const DocumentUpload& upload);

    // Anyone for published or cancelled tenders; drafts only for the buyer's officers (404
    // otherwise). Only the buyer's officers see who sits on the opening committee (TenderView).
    core::Result<DocumentContent> get_document(const std::optional<core::Caller>& caller,
                                               TenderId id, DocumentId document);
    core::Result<TenderView> get(const std::optional<core::Caller>& caller, TenderId id);

    // The notice board. limit 0 means the default page size; above page_size_max is a 400
    // (field "limit"). cursor is the next_cursor of a previous page; a malformed one is 400.
    core::Result<TenderPage> list(const std::optional<core::Caller>& caller,
                                  std::optional<TenderStatus> status,
                                  std::optional<Category> category,
                                  const std::string& title_contains, std::size_t limit,
                                  const std::string& cursor);

    // Supplier only, while the tender is active.enquiries (409 enquiry_period_over after).
    core::Result<Question> ask(const core::Caller& caller, TenderId id, const std::string& text);

    // Officer only; each question is answered once (409 already_answered).
    core::Result<Question> answer(const core::Caller& caller, TenderId id, QuestionId question,
                                  const std::string& answer_text);

    const TenderLimits& limits() const { return limits_; }

private:
    // t as the caller sees it: its status now, and the committee members only when
    // buyer_officer (the caller acts for t's buyer).
    TenderView view(Tender t, bool buyer_officer) const;
    // Whether caller is an officer of t's buyer.
    core::Result<bool> acts_for_buyer(const std::optional<core::Caller>& caller, const Tender& t);
    // ok if caller is an officer of t's buyer; otherwise 404 for a private tender, 403
    // "not_buyer_officer" for a public one.
    core::Status require_buyer_officer(const core::Caller& caller, const Tender& t);
    // The legal name of the buyer a new draft names, if the caller may draft for it (errors as
    // create_draft's).
    core::Result<std::string> checked_buyer(const core::Caller& caller, const TenderFields& fields);
    // Whether t may be published at now_ms (state, expected version, completeness, committee
    // of active officers).
    core::Status check_publication(const Tender& t, std::int64_t now_ms,
                                   std::optional<std::int64_t> expected_version);
    // t's lots were lots_before until the change being applied: if that removes or reorders
    // one, 409 lots_locked when the tender has a bid. Requires t's row locked (the amendment's
    // transaction). Errors of any_bid_ are returned.
    core::Status check_lots_may_move(const Tender& t, const std::vector<Lot>& lots_before) const;

    TenderStore& store_;
    core::UserDirectory& users_;
    core::BuyerDirectory& buyers_;
    const core::Clock& clock_;
    TenderLimits limits_;
    AnyBid any_bid_;
};

}  // namespace procura::tender
