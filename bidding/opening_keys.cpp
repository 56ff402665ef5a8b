#include "bidding/opening_keys.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/json_text.hpp"
#include "signing/opening_key.hpp"

namespace procura::bidding {

OpeningKeys::OpeningKeys(OpeningKeyDependencies dependencies, std::int64_t certificate_extra_ms)
    : d_(dependencies), certificate_extra_ms_(certificate_extra_ms) {}

core::Result<std::optional<std::string>> OpeningKeys::active_certificate_pem(core::UserId user) {
    PROCURA_TRY_ASSIGN(auto listed, d_.certificates.list_for_user(user));
    const std::int64_t now = d_.clock.now_ms();
    for (const pki::UserCertificate& c : listed) {
        if (pki::status_at(c, now) == pki::CertificateStatus::active) {
            return std::optional<std::string>{c.pem};
        }
    }
    return std::optional<std::string>{};
}

core::Status OpeningKeys::check_committee_ready(const tender::Tender& t) {
    for (core::UserId member : t.committee) {
        PROCURA_TRY_ASSIGN(auto pem, active_certificate_pem(member));
        if (!pem) {
            return core::unprocessable(
                "member_without_certificate",
                "committee member " + std::to_string(member) +
                    " has no active certificate to receive an opening-key share; they register "
                    "one with POST /api/v1/certificates",
                "committee");
        }
    }
    return {};
}

namespace {

// Whether key was made for t's committee (member n holds share n) and threshold.
bool made_for(const OpeningKeyRecord& key, const tender::Tender& t) {
    if (key.threshold != t.threshold_k || key.shares.size() != t.committee.size()) return false;
    for (const signing::SealedShare& share : key.shares) {
        if (share.number < 1 || share.number > t.committee.size() ||
            t.committee[share.number - 1u] != share.member) {
            return false;
        }
    }
    return true;
}

}  // namespace

core::Result<OpeningKeyRecord> OpeningKeys::find(const tender::Tender& t) {
    PROCURA_TRY_ASSIGN(auto existing, d_.bids.find_opening_key(t.id));
    if (!existing) {
        return core::not_found("opening_key_missing",
                               "tender " + std::to_string(t.id) +
                                   " has no opening key; keys are made when a tender is published");
    }
    return std::move(*existing);
}

core::Result<OpeningKeyRecord> OpeningKeys::create_for_publication(const tender::Tender& draft) {
    const tender::Tender& t = draft;
    PROCURA_TRY_ASSIGN(auto existing, d_.bids.find_opening_key(t.id));
    if (existing) {
        if (made_for(*existing, t)) return std::move(*existing);
        PROCURA_TRY_ASSIGN(
            auto discarded,
            d_.bids.discard_draft_opening_key(
                t.id, core::AuditEvent{d_.clock.now_ms(), 0, "tender.opening_key_discarded",
                                       "tender", t.id, t.version,
                                       core::compact_json({{"reason", "committee_changed"}})}));
        // Not discarded: the tender was published meanwhile, with the key it has.
        if (!discarded) return std::move(*existing);
    }

    std::vector<signing::Certificate> certificates;
    certificates.reserve(t.committee.size());
    for (core::UserId member : t.committee) {
        PROCURA_TRY_ASSIGN(auto pem, active_certificate_pem(member));
        if (!pem) {
            return core::unprocessable(
                "member_without_certificate",
                "committee member " + std::to_string(member) + " has no active certificate",
                "committee");
        }
        PROCURA_TRY_ASSIGN(auto cert, signing::Certificate::from_pem(*pem));
        certificates.push_back(std::move(cert));
    }
    std::vector<signing::CommitteeMember> committee;
    for (std::size_t i = 0; i < t.committee.size(); ++i) {
        committee.push_back({t.committee[i], &certificates[i]});
    }
    const std::int64_t now = d_.clock.now_ms();
    const std::int64_t until =
        std::max(now, t.opening_time_ms.value_or(now)) + certificate_extra_ms_;
    PROCURA_TRY_ASSIGN(auto key, signing::create_opening_key(
                                     t.id, committee, static_cast<std::uint8_t>(t.threshold_k),
                                     d_.ca, d_.ca_key, {now - 60'000, until}));
    OpeningKeyRecord record{t.id, key.certificate.to_pem(), static_cast<int>(key.threshold),
                            key.shares, now};
    // Who sits on the committee is not public before the opening: the leaf gives the size.
    const nlohmann::json payload = {{"threshold", record.threshold},
                                    {"members", t.committee.size()},
                                    {"certificate_serial", key.certificate.serial_hex()}};
    return d_.bids.insert_opening_key(
        record, core::AuditEvent{now, 0, "tender.opening_key_created", "tender", t.id, t.version,
                                 core::compact_json(payload)});
}

core::Result<std::shared_ptr<const signing::Certificate>> OpeningKeys::certificate(
    const tender::Tender& t) {
    {
        std::lock_guard lock(mutex_);
        const auto it = certificates_.find(t.id);
        if (it != certificates_.end()) return it->second;
    }
    PROCURA_TRY_ASSIGN(auto key, find(t));
    PROCURA_TRY_ASSIGN(auto certificate, signing::Certificate::from_pem(key.certificate_pem));
    auto shared = std::make_shared<const signing::Certificate>(std::move(certificate));
    std::lock_guard lock(mutex_);
    return certificates_.emplace(t.id, std::move(shared)).first->second;
}

}  // namespace procura::bidding
