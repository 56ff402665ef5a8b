#include "money/model.hpp"

#include <array>
#include <utility>

namespace procura::money {
namespace {

template <class E, std::size_t N>
std::optional<E> parse(const std::array<std::pair<E, std::string_view>, N>& names,
                       std::string_view text) {
    for (const auto& [value, name] : names) {
        if (name == text) return value;
    }
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [v, name] : names) {
        if (v == value) return name;
    }
    return "unknown";
}

constexpr std::array<std::pair<OwnerKind, std::string_view>, 4> owner_names{{
    {OwnerKind::buyer, "buyer"},
    {OwnerKind::supplier, "supplier"},
    {OwnerKind::tender_escrow, "tender_escrow"},
    {OwnerKind::platform, "platform"},
}};

constexpr std::array<std::pair<AccountKind, std::string_view>, 5> account_kind_names{{
    {AccountKind::operating, "operating"},
    {AccountKind::bid_security, "bid_security"},
    {AccountKind::escrow, "escrow"},
    {AccountKind::fees, "fees"},
    {AccountKind::settlement, "settlement"},
}};

constexpr std::array<std::pair<TransferKind, std::string_view>, 4> transfer_kind_names{{
    {TransferKind::single, "single"},
    {TransferKind::pending, "pending"},
    {TransferKind::post_pending, "post_pending"},
    {TransferKind::void_pending, "void_pending"},
}};

constexpr std::array<std::pair<PendingState, std::string_view>, 4> pending_state_names{{
    {PendingState::none, "none"},
    {PendingState::pending, "pending"},
    {PendingState::posted, "posted"},
    {PendingState::voided, "voided"},
}};

constexpr std::array<std::pair<TransferStatus, std::string_view>, 3> status_names{{
    {TransferStatus::created, "created"},
    {TransferStatus::exists, "exists"},
    {TransferStatus::failed, "failed"},
}};

}  // namespace

std::string_view to_string(OwnerKind v) { return name_of(owner_names, v); }
std::string_view to_string(AccountKind v) { return name_of(account_kind_names, v); }
std::string_view to_string(TransferKind v) { return name_of(transfer_kind_names, v); }
std::string_view to_string(PendingState v) { return name_of(pending_state_names, v); }
std::string_view to_string(TransferStatus v) { return name_of(status_names, v); }

std::optional<OwnerKind> parse_owner_kind(std::string_view text) {
    return parse(owner_names, text);
}
std::optional<AccountKind> parse_account_kind(std::string_view text) {
    return parse(account_kind_names, text);
}
std::optional<TransferKind> parse_transfer_kind(std::string_view text) {
    return parse(transfer_kind_names, text);
}

bool same_fields(const Transfer& a, const Transfer& b) {
    return a.id == b.id && a.kind == b.kind && a.debit_account_id == b.debit_account_id &&
           a.credit_account_id == b.credit_account_id && a.amount_minor == b.amount_minor &&
           a.currency == b.currency && a.pending_id == b.pending_id && a.code == b.code &&
           a.reference == b.reference && a.batch_id == b.batch_id;
}

}  // namespace procura::money
