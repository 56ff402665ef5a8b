// Bid-security deposits: every received bid of a tender that asks for security holds a
// pending money transfer of the tender's bid_security_minor from the supplier's bid-security
// account to the tender's escrow account, voided (released) when the bid is replaced or
// withdrawn, and posted or voided by settlement after the award. The transfer's id is made from
// the tender and the body's hash by bid_security_transfer_id, the one definition of it: a
// resend of the same body finds its deposit, and the bid row stores the id for settlement.
//
// Thread-safe: the account cache and the releases left for the next group are behind mutexes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "money/service.hpp"
#include "tender/model.hpp"

namespace procura::bidding {

// The money transfer code of bid-security deposits and of their release, refund or forfeit.
inline constexpr std::int32_t bid_security_transfer_code = 1;

// The id of the pending transfer holding the security of the bid with this body in this
// tender: "bs:<tender>:<first 32 hex digits of the body's SHA-256>" (transfer ids are at most
// 64 characters; 128 bits of the hash name a bid well enough). sha256_hex: 64 hex digits.
std::string bid_security_transfer_id(std::int64_t tender_id, std::string_view sha256_hex);

// One bid's deposit to hold: the terms it was checked against, its supplier and body hash.
struct DepositRequest {
    const tender::Tender* terms = nullptr;
    core::UserId supplier_id = 0;
    std::string sha256_hex;
};

// What became of one DepositRequest.
struct DepositHeld {
    std::optional<core::Error> error;  // why it could not be held; nullopt if held or not asked
    // This call created the deposit, rather than finding it held by an earlier attempt of the
    // same body: only then may a failure to store the bid release it.
    bool created = false;
};

class BidSecurity {
public:
    // ledger null: no deposits are recorded (every request is "held"). ledger must outlive
    // this. accounts_cached_max bounds the cache of money account ids (never deleted).
    BidSecurity(money::LedgerService* ledger, std::size_t accounts_cached_max);

    // Holds the deposits of requests in one ledger batch, together with the releases left by
    // release(..., later = true); one result per request, in order. A resend's deposit must
    // still be pending: 409 "bid_security_released" if it was voided after a failed attempt.
    std::vector<DepositHeld> hold(const std::vector<DepositRequest>& requests);

    // The release of the deposit of the bid with this body, or nullopt when terms ask for no
    // security (or there is no ledger).
    std::optional<money::Transfer> release_of(const tender::Tender& terms,
                                              const std::string& sha256_hex) const;

    // Best effort: the releases are written now, or, when later (more bids wait) or when the
    // ledger fails, ride with the next hold(). A release never made is refunded by the
    // settlement of the tender, so a bid never waits for one.
    void release(std::vector<money::Transfer> releases, bool later);

    // Releases the deposit of one bid now (a withdrawal); ok when terms ask for no security.
    core::Status release_now(const tender::Tender& terms, const std::string& sha256_hex);

private:
    // The id of the money account of spec's owner, currency and kind, opened on first use.
    core::Result<std::int64_t> account_id(core::UserId actor, const money::Account& spec);
    // The deposit of request, or the error of opening its accounts.
    core::Result<money::Transfer> deposit_of(const DepositRequest& request);
    // An "exists" deposit (a resend) must still be pending.
    std::optional<core::Error> check_still_held(const std::string& transfer_id);

    money::LedgerService* ledger_;
    std::size_t accounts_cached_max_;
    std::mutex accounts_mutex_;
    // (owner kind, owner id, currency, account kind) -> account id
    std::map<std::tuple<int, std::int64_t, std::string, int>, std::int64_t> accounts_;
    std::mutex due_mutex_;
    std::vector<money::Transfer> releases_due_;  // left for the next hold()
};

}  // namespace procura::bidding
