// Pure tender rules: field validation, the derived status, publication checks, amendment
// deadline extension. No clock (the instant is a parameter), no I/O, so every boundary can be
// tested to the millisecond.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "tender/model.hpp"

namespace procura::tender::rules {

// The status of t at instant now_ms. Boundaries: active.enquiries while now < enquiry
// deadline; active.tendering while enquiry deadline <= now < submission deadline; closed
// from the submission deadline on (a bid at exactly the deadline is late).
TenderStatus status_at(const Tender& t, std::int64_t now_ms);
TenderStatus status_at(const TenderSummary& t, std::int64_t now_ms);

// Checks the shape of each given field (lengths, currency code, non-negative amounts, weights
// 0..100, k >= 0, lot titles non-empty, lot numbers not negative and not given twice): 422
// naming the first bad field ("duplicate_lot" for a lot number given twice, field
// lots[i].number; "invalid_field" otherwise).
core::Status validate_fields(const TenderFields& fields, const TenderLimits& limits);

// Applies the given fields onto t. Given lots replace t's list in their order: a lot naming one
// of t's numbers keeps it, a lot with number 0 is new and numbered after the highest number t
// has ever used (t.lot_number_max, which follows), so no number is ever given twice. Error (t
// unchanged): 422 "unknown_lot" (field lots[i].number) for a number t does not have, a removed
// lot's included. Does not validate otherwise (validate_fields does).
core::Status apply_fields(Tender& t, const TenderFields& fields);

// Whether lots `after` keep every lot of `before` in its place: the same number at the same
// index, new lots only after them. False when a lot is removed or the existing ones are
// reordered, which a tender that has received a bid must refuse (a bid names its lot by
// number, and its deposit waits for that lot's award).
bool lots_stay_in_place(const std::vector<Lot>& before, const std::vector<Lot>& after);

// Everything publication requires at now_ms: all fields present, at least one lot, budgets
// > 0, currency ISO 4217, weights summing to 100 for comprehensive, now < enquiry <
// submission <= opening, submission - now >= min tendering period, 1 <= k <= n, unique
// committee members. 422 naming the first failing field. Committee roles are checked by the
// service (they need the user directory).
core::Status validate_for_publication(const Tender& t, std::int64_t now_ms,
                                      const TenderLimits& limits);

// Checks an amended, published tender at now_ms: fields complete, deadlines in the future and
// ordered; the minimum tendering period is not re-applied. 422 naming the field.
core::Status validate_amended(const Tender& t, std::int64_t now_ms, const TenderLimits& limits);

// If now_ms lies within the extension window before the submission deadline
// (deadline - window <= now < deadline), moves the submission deadline to now + window and,
// where needed, the opening time to the new deadline. Returns the new deadline when it moved.
std::optional<std::int64_t> extend_deadline_if_late(Tender& t, std::int64_t now_ms,
                                                    const TenderLimits& limits);

}  // namespace procura::tender::rules
