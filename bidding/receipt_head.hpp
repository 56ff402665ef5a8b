// The signed tree head put in bid receipts: the log's latest head, read again only once the
// last read is older than reuse_ms, so that one read serves every group of that time instead of
// sitting on each group's critical path. The log takes a bid's leaf in only after its group
// commits, so a receipt's head never holds the bid either way; `procura bid verify-receipt`
// fetches a fresh one. Heads never go back, even when two reads race. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "ledger/log.hpp"

namespace procura::bidding {

class ReceiptHead {
public:
    // log null: receipts carry no head. log must outlive this.
    ReceiptHead(ledger::LogQueries* log, std::int64_t reuse_ms);

    // The latest head read at most reuse_ms ago (steady clock); nullopt without a log or if
    // it cannot be read.
    std::optional<ledger::SignedTreeHead> recent();

private:
    ledger::LogQueries* log_;
    std::chrono::milliseconds reuse_;
    std::mutex mutex_;
    std::optional<ledger::SignedTreeHead> head_;
    std::chrono::steady_clock::time_point read_at_{};
};

}  // namespace procura::bidding
