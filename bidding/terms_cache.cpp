#include "bidding/terms_cache.hpp"

#include <string>
#include <utility>

namespace procura::bidding {

TermsCache::TermsCache(tender::TenderStore& tenders, std::size_t tenders_cached_max)
    : tenders_(tenders), tenders_cached_max_(tenders_cached_max) {}

core::Result<tender::Tender> TermsCache::published_tender(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto terms, published_terms(tender_id, true));
    return *terms;
}

core::Result<std::shared_ptr<const tender::Tender>> TermsCache::published_terms(
    std::int64_t tender_id, bool check_version) {
    const auto not_found = [&] {
        return core::not_found("tender_not_found",
                               "no published tender " + std::to_string(tender_id));
    };
    if (!check_version) {
        std::lock_guard lock(mutex_);
        const auto cached = cached_.find(tender_id);
        if (cached != cached_.end()) return cached->second;
    }
    PROCURA_TRY_ASSIGN(auto version, tenders_.find_version(tender_id));
    if (!version) return not_found();
    {
        std::lock_guard lock(mutex_);
        const auto cached = cached_.find(tender_id);
        if (cached != cached_.end() && cached->second->version == *version) {
            return cached->second;
        }
    }
    PROCURA_TRY_ASSIGN(auto found, tenders_.find(tender_id));
    if (!found || found->state == tender::TenderState::draft) return not_found();
    tender::Tender terms = std::move(*found);
    terms.documents.clear();
    terms.amendments.clear();
    terms.questions.clear();
    auto shared = std::make_shared<const tender::Tender>(std::move(terms));
    std::lock_guard lock(mutex_);
    if (cached_.size() >= tenders_cached_max_) cached_.clear();
    cached_[tender_id] = shared;
    return shared;
}

}  // namespace procura::bidding
