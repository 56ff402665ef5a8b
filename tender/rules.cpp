#include "tender/rules.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/money.hpp"

namespace procura::tender::rules {
namespace {
using core::Status;

core::Error invalid(std::string field, std::string message) {
    return core::unprocessable("invalid_field", std::move(message), std::move(field));
}

core::Error missing(const std::string& field) {
    return core::unprocessable("missing_field", field + " is required for publication", field);
}

template <class Summary>
TenderStatus derive(const Summary& t, std::int64_t now_ms) {
    switch (t.state) {
        case TenderState::draft:
            return TenderStatus::draft;
        case TenderState::cancelled:
            return TenderStatus::cancelled;
        case TenderState::published:
            break;
    }
    // A published tender always has both deadlines (validate_for_publication).
    PROCURA_ASSERT(t.enquiry_deadline_ms && t.submission_deadline_ms);
    if (now_ms < *t.enquiry_deadline_ms) return TenderStatus::active_enquiries;
    if (now_ms < *t.submission_deadline_ms) return TenderStatus::active_tendering;
    return TenderStatus::closed;
}

Status check_text(const std::optional<std::string>& value, const std::string& field,
                  std::size_t max_bytes) {
    if (value && value->size() > max_bytes) {
        return invalid(field, field + " exceeds " + std::to_string(max_bytes) + " bytes");
    }
    return {};
}

Status check_amount(const std::optional<std::int64_t>& value, const std::string& field) {
    if (value && *value < 0) return invalid(field, field + " must not be negative");
    return {};
}

// A given lot's number: 0 (a new lot) or a number not given before in the same list (seen).
Status check_lot_number(const Lot& lot, const std::string& prefix, std::set<std::int64_t>& seen) {
    const std::string field = prefix + ".number";
    if (lot.number < 0) {
        return invalid(field, field + " must be the number of one of the tender's lots");
    }
    if (lot.number != 0 && !seen.insert(lot.number).second) {
        return core::unprocessable("duplicate_lot",
                                   field + ": lot " + std::to_string(lot.number) +
                                       " is named twice; each lot appears once",
                                   field);
    }
    return {};
}

// The lots t has after a change to `given` (apply_fields), and the highest number given since.
struct ResolvedLots {
    std::vector<Lot> lots;
    std::int64_t number_max = 0;
};

core::Result<ResolvedLots> resolve_lots(const Tender& t, const std::vector<Lot>& given) {
    // A tender stored before lot numbers were kept may lack lot_number_max: its lots' numbers
    // are a floor too.
    ResolvedLots out{given, t.lot_number_max};
    for (const Lot& lot : t.lots) out.number_max = std::max(out.number_max, lot.number);
    for (std::size_t i = 0; i < out.lots.size(); ++i) {
        Lot& lot = out.lots[i];
        if (lot.number == 0) {
            lot.number = ++out.number_max;
            continue;
        }
        const bool known = std::any_of(t.lots.begin(), t.lots.end(), [&](const Lot& existing) {
            return existing.number == lot.number;
        });
        if (!known) {
            const std::string field = "lots[" + std::to_string(i) + "].number";
            return core::unprocessable(
                "unknown_lot",
                field + ": the tender has no lot " + std::to_string(lot.number) +
                    " (a lot keeps the number it was given; leave number out for a new lot)",
                field);
        }
    }
    return out;
}

// Checks the deadlines common to publication and amendments.
Status check_deadlines(const Tender& t, std::int64_t now_ms) {
    if (!t.enquiry_deadline_ms) return missing("enquiry_deadline");
    if (!t.submission_deadline_ms) return missing("submission_deadline");
    if (!t.opening_time_ms) return missing("opening_time");
    if (*t.submission_deadline_ms <= now_ms) {
        return invalid("submission_deadline", "submission_deadline must be in the future");
    }
    if (*t.enquiry_deadline_ms >= *t.submission_deadline_ms) {
        return invalid("enquiry_deadline", "enquiry_deadline must be before submission_deadline");
    }
    if (*t.opening_time_ms < *t.submission_deadline_ms) {
        return invalid("opening_time", "opening_time must not be before submission_deadline");
    }
    return {};
}

Status check_complete(const Tender& t, const TenderLimits& limits) {
    if (t.title.empty()) return missing("title");
    if (t.description.empty()) return missing("description");
    if (t.buyer_name.empty()) return missing("buyer.name");
    if (t.buyer_id.empty()) return missing("buyer.id");
    if (!t.category) return missing("category");
    if (t.currency.empty()) return missing("currency");
    if (!core::is_iso4217_currency(t.currency)) {
        return invalid("currency", "currency must be an ISO 4217 code such as EUR");
    }
    if (t.lots.empty()) return missing("lots");
    for (std::size_t i = 0; i < t.lots.size(); ++i) {
        if (t.lots[i].budget_minor <= 0) {
            const std::string field = "lots[" + std::to_string(i) + "].budget_minor";
            return invalid(field, field + " must be greater than zero");
        }
    }
    if (!t.evaluation_method) return missing("evaluation.method");
    if (*t.evaluation_method == EvaluationMethod::comprehensive &&
        t.price_weight + t.technical_weight != 100) {
        return invalid("evaluation.price_weight",
                       "price_weight and technical_weight must add up to 100");
    }
    if (t.committee.empty()) return missing("committee.members");
    if (t.committee.size() > limits.committee_max) {
        return invalid("committee.members", "the committee has more than " +
                                                std::to_string(limits.committee_max) + " members");
    }
    const std::set<core::UserId> unique(t.committee.begin(), t.committee.end());
    if (unique.size() != t.committee.size()) {
        return invalid("committee.members", "committee members must be distinct");
    }
    if (t.committee.size() < limits.committee_min) {
        return invalid("committee.members", "the opening committee needs at least " +
                                                std::to_string(limits.committee_min) +
                                                " members, so that no officer "
                                                "opens the bids alone");
    }
    const auto n = static_cast<std::int64_t>(t.committee.size());
    if (t.threshold_k < limits.threshold_min || t.threshold_k > n) {
        return invalid("committee.threshold", "committee.threshold must be between " +
                                                  std::to_string(limits.threshold_min) +
                                                  " and the number of members (" +
                                                  std::to_string(n) + ")");
    }
    return {};
}

}  // namespace

TenderStatus status_at(const Tender& t, std::int64_t now_ms) { return derive(t, now_ms); }
TenderStatus status_at(const TenderSummary& t, std::int64_t now_ms) { return derive(t, now_ms); }

Status validate_fields(const TenderFields& f, const TenderLimits& limits) {
    PROCURA_TRY(check_text(f.title, "title", limits.title_bytes_max));
    PROCURA_TRY(check_text(f.description, "description", limits.description_bytes_max));
    PROCURA_TRY(check_text(f.buyer_name, "buyer.name", limits.buyer_field_bytes_max));
    PROCURA_TRY(check_text(f.buyer_id, "buyer.id", limits.buyer_field_bytes_max));
    if (f.currency && !core::is_iso4217_currency(*f.currency)) {
        return invalid("currency", "currency must be an ISO 4217 code such as EUR");
    }
    if (f.lots) {
        if (f.lots->size() > limits.lots_max) {
            return invalid("lots",
                           "a tender has at most " + std::to_string(limits.lots_max) + " lots");
        }
        std::set<std::int64_t> numbers;
        for (std::size_t i = 0; i < f.lots->size(); ++i) {
            const Lot& lot = (*f.lots)[i];
            const std::string prefix = "lots[" + std::to_string(i) + "]";
            PROCURA_TRY(check_lot_number(lot, prefix, numbers));
            if (lot.title.empty()) return invalid(prefix + ".title", prefix + ".title is empty");
            if (lot.title.size() > limits.title_bytes_max) {
                return invalid(prefix + ".title", prefix + ".title is too long");
            }
            if (lot.budget_minor <= 0) {
                return invalid(prefix + ".budget_minor",
                               prefix + ".budget_minor must be greater than zero");
            }
        }
    }
    for (const auto& [value, field] :
         {std::pair{f.price_weight, "evaluation.price_weight"},
          std::pair{f.technical_weight, "evaluation.technical_weight"}}) {
        if (value && (*value < 0 || *value > 100)) {
            return invalid(field, std::string(field) + " must be between 0 and 100");
        }
    }
    PROCURA_TRY(check_amount(f.bid_security_minor, "bid_security_minor"));
    if (f.committee && f.committee->size() > limits.committee_max) {
        return invalid("committee.members", "the committee has more than " +
                                                std::to_string(limits.committee_max) + " members");
    }
    if (f.threshold_k && *f.threshold_k < 0) {
        return invalid("committee.threshold", "committee.threshold must not be negative");
    }
    return {};
}

Status apply_fields(Tender& t, const TenderFields& f) {
    if (f.lots) {
        PROCURA_TRY_ASSIGN(auto resolved, resolve_lots(t, *f.lots));
        t.lots = std::move(resolved.lots);
        t.lot_number_max = resolved.number_max;
    }
    if (f.title) t.title = *f.title;
    if (f.description) t.description = *f.description;
    if (f.buyer_name) t.buyer_name = *f.buyer_name;
    if (f.buyer_id) t.buyer_id = *f.buyer_id;
    if (f.category) t.category = f.category;
    if (f.currency) t.currency = *f.currency;
    if (f.evaluation_method) t.evaluation_method = f.evaluation_method;
    if (f.price_weight) t.price_weight = *f.price_weight;
    if (f.technical_weight) t.technical_weight = *f.technical_weight;
    if (f.bid_security_minor) t.bid_security_minor = *f.bid_security_minor;
    if (f.enquiry_deadline_ms) t.enquiry_deadline_ms = f.enquiry_deadline_ms;
    if (f.submission_deadline_ms) t.submission_deadline_ms = f.submission_deadline_ms;
    if (f.opening_time_ms) t.opening_time_ms = f.opening_time_ms;
    if (f.committee) t.committee = *f.committee;
    if (f.threshold_k) t.threshold_k = *f.threshold_k;
    return {};
}

bool lots_stay_in_place(const std::vector<Lot>& before, const std::vector<Lot>& after) {
    if (after.size() < before.size()) return false;
    for (std::size_t i = 0; i < before.size(); ++i) {
        if (after[i].number != before[i].number) return false;
    }
    return true;
}

Status validate_for_publication(const Tender& t, std::int64_t now_ms, const TenderLimits& limits) {
    PROCURA_TRY(check_complete(t, limits));
    PROCURA_TRY(check_deadlines(t, now_ms));
    if (*t.enquiry_deadline_ms <= now_ms) {
        return invalid("enquiry_deadline", "enquiry_deadline must be in the future");
    }
    if (*t.submission_deadline_ms - now_ms < limits.tendering_period_min_ms) {
        return invalid("submission_deadline",
                       "submission_deadline must be at least " +
                           std::to_string(limits.tendering_period_min_ms / core::ms_per_day) +
                           " days after publication");
    }
    return {};
}

Status validate_amended(const Tender& t, std::int64_t now_ms, const TenderLimits& limits) {
    PROCURA_TRY(check_complete(t, limits));
    return check_deadlines(t, now_ms);
}

std::optional<std::int64_t> extend_deadline_if_late(Tender& t, std::int64_t now_ms,
                                                    const TenderLimits& limits) {
    PROCURA_ASSERT(t.submission_deadline_ms && t.opening_time_ms);
    const std::int64_t deadline = *t.submission_deadline_ms;
    const std::int64_t window = limits.amendment_extension_window_ms;
    if (now_ms < deadline - window || now_ms >= deadline) return std::nullopt;
    const std::int64_t extended = now_ms + window;
    t.submission_deadline_ms = extended;
    t.opening_time_ms = std::max(*t.opening_time_ms, extended);
    return extended;
}

}  // namespace procura::tender::rules
