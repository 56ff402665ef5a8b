// A tender's opening key: made once, at publication, before the tender goes out, as a fresh
// P-256 key whose certificate the platform CA signs and whose private half is split k-of-n,
// each share sealed to a committee member's active certificate, then wiped
// (signing/opening_key.hpp). Only the certificate, the sealed shares and a commitment to each
// share are stored. Reading a key never makes one: a public GET writes nothing. Parsed
// certificates are kept in memory (they never change). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bidding/model.hpp"
#include "bidding/store.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "pki/store.hpp"
#include "signing/keys.hpp"
#include "tender/model.hpp"

namespace procura::bidding {

struct OpeningKeyDependencies {
    BidStore& bids;
    pki::CertificateStore& certificates;
    const signing::Certificate& ca;
    const signing::PrivateKey& ca_key;
    const core::Clock& clock;
};

class OpeningKeys {
public:
    // The referenced dependencies must outlive this. The certificate is valid from a minute
    // before its creation until certificate_extra_ms after the opening time.
    OpeningKeys(OpeningKeyDependencies dependencies, std::int64_t certificate_extra_ms);

    // Every member of t's committee holds an active certificate: 422
    // "member_without_certificate" (field "committee") naming the first that does not.
    core::Status check_committee_ready(const tender::Tender& t);

    // Makes the opening key of draft, about to be published, unless it has one for its current
    // committee and threshold already (the first writer wins, so racing publications agree on
    // one certificate). A key left by an earlier publication that failed, made for another
    // committee or threshold, is discarded first (audit "tender.opening_key_discarded"). The
    // audit event names neither the committee members nor anything secret. Errors: the
    // committee's, the store's, signing's.
    core::Result<OpeningKeyRecord> create_for_publication(const tender::Tender& draft);

    // The tender's stored opening key. Never makes one: 404 "opening_key_missing" when the
    // tender has none (a tender published before keys were made at publication and never
    // read since).
    core::Result<OpeningKeyRecord> find(const tender::Tender& t);

    // The tender's opening certificate, parsed once and kept.
    core::Result<std::shared_ptr<const signing::Certificate>> certificate(const tender::Tender& t);

private:
    // The PEM of user's active certificate now, if they have one.
    core::Result<std::optional<std::string>> active_certificate_pem(core::UserId user);

    OpeningKeyDependencies d_;
    std::int64_t certificate_extra_ms_;
    std::mutex mutex_;
    std::map<std::int64_t, std::shared_ptr<const signing::Certificate>> certificates_;
};

}  // namespace procura::bidding
