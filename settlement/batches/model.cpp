#include "settlement/batches/model.hpp"

namespace procura::settlement::batches {

std::string_view to_string(BatchState v) {
    switch (v) {
        case BatchState::prepared:
            return "prepared";
        case BatchState::approved:
            return "approved";
        case BatchState::executing:
            return "executing";
        case BatchState::executed:
            return "executed";
        case BatchState::cancelled:
            return "cancelled";
    }
    return "prepared";
}

std::string_view to_string(ItemKind v) {
    switch (v) {
        case ItemKind::payment:
            return "payment";
        case ItemKind::refund:
            return "refund";
        case ItemKind::forfeit:
            return "forfeit";
    }
    return "payment";
}

std::string_view to_string(AwardState v) {
    switch (v) {
        case AwardState::awarded:
            return "awarded";
        case AwardState::signed_:
            return "signed";
        case AwardState::declined:
            return "declined";
    }
    return "awarded";
}

std::optional<BatchState> parse_batch_state(std::string_view text) {
    for (BatchState s : {BatchState::prepared, BatchState::approved, BatchState::executing,
                         BatchState::executed, BatchState::cancelled}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

std::optional<ItemKind> parse_item_kind(std::string_view text) {
    for (ItemKind k : {ItemKind::payment, ItemKind::refund, ItemKind::forfeit}) {
        if (to_string(k) == text) return k;
    }
    return std::nullopt;
}

std::optional<AwardState> parse_award_state(std::string_view text) {
    for (AwardState s : {AwardState::awarded, AwardState::signed_, AwardState::declined}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

}  // namespace procura::settlement::batches
