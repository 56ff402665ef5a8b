// The terms of published tenders as bidding checks bids against them, kept in memory by
// version: a cached copy is used only where a later check reads the version again (a bid's
// group reads its tenders' versions, and its transaction compares them under the row lock), so
// a refusal is never decided on cached terms alone. Only the terms are kept: questions,
// documents and amendments change nothing a bid is checked against. Bounded; emptied when full.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "core/result.hpp"
#include "tender/model.hpp"
#include "tender/store.hpp"

namespace procura::bidding {

class TermsCache {
public:
    // tenders must outlive the cache.
    TermsCache(tender::TenderStore& tenders, std::size_t tenders_cached_max);

    // The terms of a tender that is published (or later): 404 "tender_not_found" for drafts
    // and unknown ids. check_version: the stored version is read first and a cached copy is
    // returned only if it is current; otherwise a cached copy is returned without any read.
    core::Result<std::shared_ptr<const tender::Tender>> published_terms(std::int64_t tender_id,
                                                                        bool check_version);

    // The current terms (check_version true), as a value.
    core::Result<tender::Tender> published_tender(std::int64_t tender_id);

private:
    tender::TenderStore& tenders_;
    std::size_t tenders_cached_max_;
    std::mutex mutex_;
    std::map<std::int64_t, std::shared_ptr<const tender::Tender>> cached_;
};

}  // namespace procura::bidding
