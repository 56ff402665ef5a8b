// Value types of the tender module: tenders, lots, documents, amendments, clarification
// questions, their ids, enums and limits. Standard-library includes only; no I/O, no clock.
// A tender's stored lifecycle state is only draft, published or cancelled: every other status
// (active.enquiries, active.tendering, closed) is derived from the clock by rules::status_at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/identity.hpp"

namespace procura::tender {

using TenderId = std::int64_t;
using DocumentId = std::int64_t;
using QuestionId = std::int64_t;

enum class Category { goods, services, works };
enum class EvaluationMethod { lowest_price, comprehensive, benchmark_price };
enum class TenderState { draft, published, cancelled };
// What callers see. Later modules add opened, evaluated, awarded, complete, unsuccessful.
enum class TenderStatus { draft, active_enquiries, active_tendering, closed, cancelled };

std::string_view to_string(Category v);
std::string_view to_string(EvaluationMethod v);
std::string_view to_string(TenderState v);
// OCDS-style names: "draft", "active.enquiries", "active.tendering", "closed", "cancelled".
std::string_view to_string(TenderStatus v);
std::optional<Category> parse_category(std::string_view text);
std::optional<EvaluationMethod> parse_evaluation_method(std::string_view text);
std::optional<TenderState> parse_tender_state(std::string_view text);
std::optional<TenderStatus> parse_tender_status(std::string_view text);

struct Lot {
    // The lot's stable id within its tender: given once, when the lot is added (one more than
    // the highest number the tender has ever used), and kept for life, whatever is removed or
    // added around it. Bids, awards and deposits name a lot by it. In TenderFields::lots, 0
    // means a new lot.
    std::int64_t number = 0;
    std::string title;
    std::int64_t budget_minor = 0;  // budget ceiling in minor units of the tender's currency
};

struct DocumentMeta {
    DocumentId id = 0;
    std::string title;
    std::string filename;
    std::string content_type;
    std::int64_t size_bytes = 0;
    std::string sha256_hex;
    std::int64_t uploaded_at_ms = 0;
    core::UserId uploaded_by = 0;
};

struct DocumentContent {
    DocumentMeta meta;
    std::string bytes;
};

struct Amendment {
    std::int64_t number = 0;  // 1, 2, 3... per tender
    std::int64_t at_ms = 0;
    core::UserId by = 0;
    std::string rationale;
    std::string changes_json;         // the fields changed, as compact JSON {"field": new value}
    std::int64_t tender_version = 0;  // the tender's version after this amendment
    // Set when the amendment fell inside the extension window and moved the deadline.
    std::optional<std::int64_t> deadline_extended_from_ms;
    std::optional<std::int64_t> deadline_extended_to_ms;
};

struct Question {
    QuestionId id = 0;
    std::int64_t tender_id = 0;
    core::UserId asker_id = 0;  // stored for accountability; never published
    std::string text;
    std::int64_t asked_at_ms = 0;
    std::optional<std::string> answer;
    std::optional<std::int64_t> answered_at_ms;
    core::UserId answered_by = 0;
};

struct Tender {
    TenderId id = 0;
    std::int64_t version = 0;  // 1 on creation, +1 on every change
    TenderState state = TenderState::draft;
    std::string title;
    std::string description;
    std::string buyer_name;
    std::string buyer_id;
    std::optional<Category> category;
    std::string currency;   // ISO 4217, may be empty in a draft
    std::vector<Lot> lots;  // in the order the officer gave, each with its stable number
    // The highest lot number the tender has ever given (0 before its first lot): new lots are
    // numbered after it, so the number of a removed lot is never given again.
    std::int64_t lot_number_max = 0;
    std::optional<EvaluationMethod> evaluation_method;
    std::int64_t price_weight = 0;      // percent; used by comprehensive
    std::int64_t technical_weight = 0;  // percent; used by comprehensive
    std::int64_t bid_security_minor = 0;
    std::optional<std::int64_t> enquiry_deadline_ms;
    std::optional<std::int64_t> submission_deadline_ms;
    std::optional<std::int64_t> opening_time_ms;
    std::vector<core::UserId> committee;  // officer user ids, n = size()
    std::int64_t threshold_k = 0;
    core::UserId created_by = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    std::optional<std::int64_t> published_at_ms;
    std::optional<std::int64_t> cancelled_at_ms;
    std::string cancel_reason;
    // Loaded by TenderStore::find; not written by update_tender (they have their own inserts).
    std::vector<DocumentMeta> documents;
    std::vector<Amendment> amendments;
    std::vector<Question> questions;
};

// Whether the public may see t: it was published at some time (a draft, and a draft cancelled
// before it was ever published, exist only for officers).
inline bool ever_published(const Tender& t) { return t.published_at_ms.has_value(); }

// A list row: the tender's own columns without its child collections.
struct TenderSummary {
    TenderId id = 0;
    std::int64_t version = 0;
    TenderState state = TenderState::draft;
    std::string title;
    std::string buyer_name;
    std::string buyer_id;
    std::optional<Category> category;
    std::string currency;
    std::optional<std::int64_t> enquiry_deadline_ms;
    std::optional<std::int64_t> submission_deadline_ms;
    std::optional<std::int64_t> opening_time_ms;
    std::optional<std::int64_t> published_at_ms;
    std::int64_t lot_count = 0;
    std::int64_t total_budget_minor = 0;
};

// A change to a tender's fields. Absent fields stay as they are; lots and committee, when
// present, replace the whole list. Used for draft creation and edits, and for amendments.
// Each given lot either names the number of one of the tender's lots, which it keeps (with
// the title and budget given), or has number 0 and is new (rules::apply_fields numbers it).
struct TenderFields {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::string> buyer_name;
    std::optional<std::string> buyer_id;
    std::optional<Category> category;
    std::optional<std::string> currency;
    std::optional<std::vector<Lot>> lots;  // a lot's number: an existing lot's, or 0 (new)
    std::optional<EvaluationMethod> evaluation_method;
    std::optional<std::int64_t> price_weight;
    std::optional<std::int64_t> technical_weight;
    std::optional<std::int64_t> bid_security_minor;
    std::optional<std::int64_t> enquiry_deadline_ms;
    std::optional<std::int64_t> submission_deadline_ms;
    std::optional<std::int64_t> opening_time_ms;
    std::optional<std::vector<core::UserId>> committee;
    std::optional<std::int64_t> threshold_k;
};

struct DocumentUpload {
    std::string title;
    std::string filename;
    std::string content_type;
    std::string bytes;
};

// Limits, set at start-up from configuration.
struct TenderLimits {
    std::int64_t tendering_period_min_ms = 10 * core::ms_per_day;
    std::int64_t amendment_extension_window_ms = 3 * core::ms_per_day;
    std::size_t title_bytes_max = 500;
    std::size_t description_bytes_max = 20000;
    std::size_t buyer_field_bytes_max = 200;
    std::size_t lots_max = 100;
    std::size_t committee_max = 25;
    // The opening committee has at least committee_min members and a threshold of at least
    // threshold_min, so that no officer opens bids alone (issue 16). A deployment may raise
    // them (procura serve --committee-min, --threshold-min), never below 3 and 2.
    std::size_t committee_min = 3;
    std::int64_t threshold_min = 2;
    std::size_t document_bytes_max = 8 * 1024 * 1024;
    std::size_t documents_per_tender_max = 50;
    std::size_t question_bytes_max = 4000;
    std::size_t reason_bytes_max = 2000;
    std::size_t page_size_max = 100;
    std::size_t page_size_default = 20;
};

struct TenderListQuery {
    std::optional<TenderStatus> status;
    std::optional<Category> category;
    std::string title_contains;         // empty: no text filter; matched case-insensitively
    std::optional<TenderId> before_id;  // cursor: return tenders with id < before_id
    std::size_t limit = 20;             // rows to return, 1..page_size_max
    // The buyers (identifiers) whose private tenders are listed too: drafts, and drafts
    // cancelled before they were published, exist only for their buyer's officers. Empty: none.
    std::vector<std::string> draft_buyers;
    std::int64_t now_ms = 0;  // the instant against which status is derived
};

struct TenderPage {
    std::vector<TenderSummary> items;  // newest first (descending id)
    std::optional<std::string> next_cursor;
    // The instant the status filter was applied at: derive each item's status at this instant
    // (rules::status_at), never at a later "now", so a page is consistent with its filter.
    std::int64_t as_of_ms = 0;
};

// A tender as a caller sees it: the stored record plus the status derived at read time.
struct TenderView {
    Tender tender;
    TenderStatus status = TenderStatus::draft;
    // The opening committee's size n, always. Who the members are (they will hold the shares of
    // the key that unseals the bids) is shown to officers only: for anyone else
    // tender.committee is empty and committee_members_shown is false.
    std::size_t committee_size = 0;
    bool committee_members_shown = false;
};

}  // namespace procura::tender
