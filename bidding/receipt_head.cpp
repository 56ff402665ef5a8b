#include "bidding/receipt_head.hpp"

namespace procura::bidding {

ReceiptHead::ReceiptHead(ledger::LogQueries* log, std::int64_t reuse_ms)
    : log_(log), reuse_(reuse_ms) {}

std::optional<ledger::SignedTreeHead> ReceiptHead::recent() {
    if (log_ == nullptr) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        if (head_ && now - read_at_ < reuse_) return head_;
    }
    auto latest = log_->latest();
    if (!latest) return std::nullopt;
    std::lock_guard lock(mutex_);
    // Two readers may race: the older head never replaces a newer one.
    if (!head_ || latest->tree_size >= head_->tree_size) {
        head_ = *latest;
        read_at_ = now;
    }
    return head_;
}

}  // namespace procura::bidding
