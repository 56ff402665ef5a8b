// Peak memory of an opening (issue 16, defect 5): the whole ceremony, OpeningCeremony from the
// last share handed in to the stored record, over many large bids, with the process's peak
// resident set (getrusage ru_maxrss) before and after. A benchmark, not a test.
//
//   opening_memory_bench [--bids N] [--bid-bytes B] [--batch-bytes M] [--suppliers S]
//
// Opens N bids (default 10,000) of about B bytes each (default 1 MiB: a bid document padded
// with technical answers, sealed and signed with our own seal and sign) from S suppliers
// (default 100, N / S lots each) with BiddingLimits::opening_batch_bytes = M (default the
// limit's default; a huge M is the old all-at-once opening). The store is BenchBidStore below:
// it keeps the tender's opening key in the test fake and makes each bid's body only when the
// opening reads its page (sealing and signing on every core), and it keeps only the small
// fields of the lines it is given, so that the resident set is the opening's own plus what
// one page of bids takes to make. The ceremony, the batches and open_bids are the production
// code. Every bid must open valid.
// size-exempt: main: a benchmark's main is its script (set-up, the opening, the report).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/support.hpp"
#include "bidding/opening_ceremony.hpp"
#include "bidding/opening_keys.hpp"
#include "bidding/terms_cache.hpp"
#include "core/clock.hpp"
#include "signing/envelope.hpp"
#include "signing/signature.hpp"
#include "tests/bidding/fake_bid_store.hpp"
#include "tests/pki/fake_store.hpp"
#include "tests/tender/fake_store.hpp"

namespace {

using procura::bench::fail;
using procura::bench::must;
using namespace procura;

std::size_t argument(int argc, char** argv, const std::string& name, std::size_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) return static_cast<std::size_t>(std::stoull(argv[i + 1]));
    }
    return fallback;
}

// The peak resident set of this process so far, in MiB.
double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

struct Supplier {
    core::UserId id = 0;
    signing::PrivateKey key;
    signing::Certificate certificate;
};

// The bids of one tender, made on demand: bid i (id i + 1) is supplier i % S's bid on lot
// i / S + 1, with a document of about bid_bytes.
class BenchBidStore final : public bidding::BidStore {
public:
    BenchBidStore(bidding::FakeBidStore& keys, std::int64_t tender_id, std::size_t bids,
                  std::size_t bid_bytes, const std::vector<Supplier>& suppliers, std::int64_t at_ms)
        : keys_(keys),
          tender_id_(tender_id),
          bids_(bids),
          bid_bytes_(bid_bytes),
          suppliers_(suppliers),
          at_ms_(at_ms) {}

    void use_opening_certificate(const signing::Certificate* certificate) {
        opening_certificate_ = certificate;
    }

    core::Result<std::optional<bidding::OpeningKeyRecord>> find_opening_key(
        std::int64_t tender_id) override {
        return keys_.find_opening_key(tender_id);
    }
    core::Result<bidding::OpeningKeyRecord> insert_opening_key(
        const bidding::OpeningKeyRecord& key, const core::AuditEvent& audit) override {
        return keys_.insert_opening_key(key, audit);
    }
    core::Result<bool> discard_draft_opening_key(std::int64_t tender_id,
                                                 const core::AuditEvent& audit) override {
        return keys_.discard_draft_opening_key(tender_id, audit);
    }
    core::Result<std::optional<bidding::Bid>> find_bid(std::int64_t) override { return none(); }
    core::Result<std::optional<bidding::Bid>> find_bid_by_hash(std::int64_t,
                                                               const std::string&) override {
        return none();
    }
    core::Result<std::vector<bidding::Bid>> find_active_bids(
        const std::vector<bidding::BidKey>&) override {
        return unused();
    }
    core::Result<std::vector<bidding::ActiveBodyBytes>> find_active_body_bytes(
        const std::vector<bidding::BidKey>&) override {
        return core::internal("bench", "not used");
    }
    core::Result<std::vector<bidding::BidWritten>> insert_bids(std::vector<bidding::BidWrite>,
                                                               const bidding::BidQuota&) override {
        return core::internal("bench", "not used");
    }
    core::Status withdraw_bid(std::int64_t, std::int64_t, const core::AuditEvent&) override {
        return core::internal("bench", "not used");
    }
    core::Result<std::vector<bidding::Bid>> list_bids(std::int64_t, bool) override {
        return unused();
    }
    core::Result<std::optional<bidding::OpeningRecord>> find_opening(std::int64_t) override {
        return std::optional<bidding::OpeningRecord>{};
    }
    core::Result<std::optional<std::int64_t>> find_opened_at(std::int64_t) override {
        return std::optional<std::int64_t>{};
    }

    // As MySQLBidStore pages: the next bids by id while their bodies fit in bytes_max.
    core::Result<std::vector<bidding::Bid>> list_active_bids(std::int64_t tender_id,
                                                             std::int64_t after_bid_id,
                                                             std::size_t bytes_max) override {
        std::vector<bidding::Bid> page;
        if (tender_id != tender_id_) return page;
        // The page's size is decided from the documents' size, then its bids are made on
        // every core.
        const std::size_t first = static_cast<std::size_t>(after_bid_id);
        std::size_t count = 0;
        std::size_t bytes = 0;
        while (first + count < bids_ && (count == 0 || bytes + bid_bytes_ <= bytes_max)) {
            bytes += bid_bytes_;  // each body is at most bid_bytes_ (make checks it)
            ++count;
        }
        page.resize(count);
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < cores; ++t) {
            threads.emplace_back([&, t] {
                for (std::size_t k = t; k < count; k += cores) page[k] = make(first + k);
            });
        }
        for (auto& thread : threads) thread.join();
        ++pages_;
        return page;
    }

    // As MySQLBidStore stores: page by page, each batch's lines dropped once stored (only
    // their count, validity and document bytes are kept), the events kept to the end.
    core::Status insert_opening(std::int64_t tender_id, std::int64_t, std::size_t batch_bytes_max,
                                bidding::OpeningBatches& batches) override {
        batches.restart();
        std::vector<core::AuditEvent> audit;
        std::int64_t after = 0;
        for (;;) {
            PROCURA_TRY_ASSIGN(auto page, list_active_bids(tender_id, after, batch_bytes_max));
            if (page.empty()) break;
            after = page.back().id;
            const std::size_t n = page.size();
            const bidding::OpenedBatch batch = batches.open(std::move(page));
            if (batch.bids.size() != n) fail("a batch's lines do not match its bids");
            for (const bidding::OpenedBidRecord& r : batch.bids) {
                ++lines_;
                if (r.valid) ++valid_;
                if (!r.valid && invalid_reason_.empty()) invalid_reason_ = r.reason;
                document_bytes_ += r.document_json.size();
            }
            audit.insert(audit.end(), batch.audit.begin(), batch.audit.end());
        }
        const auto closing = batches.finish();
        audit.insert(audit.end(), closing.begin(), closing.end());
        events_ = audit.size();
        return {};
    }

    std::size_t pages_ = 0;
    std::size_t lines_ = 0;
    std::size_t valid_ = 0;
    std::size_t events_ = 0;
    std::size_t document_bytes_ = 0;
    std::string invalid_reason_;

private:
    static core::Result<std::optional<bidding::Bid>> none() {
        return std::optional<bidding::Bid>{};
    }
    static core::Result<std::vector<bidding::Bid>> unused() {
        return core::internal("bench", "not used");
    }

    static constexpr std::size_t envelope_bytes_max = 2500;

    // Bid number i (0-based), sealed to the opening certificate and signed by its supplier.
    bidding::Bid make(std::size_t i) const {
        const Supplier& s = suppliers_[i % suppliers_.size()];
        const auto lot = static_cast<std::int64_t>(i / suppliers_.size() + 1);
        std::string document = "{\"tender_id\":" + std::to_string(tender_id_) +
                               ",\"lot_id\":" + std::to_string(lot) +
                               ",\"supplier_id\":" + std::to_string(s.id) +
                               ",\"price\":{\"amount_minor\":" + std::to_string(100'000 + i) +
                               ",\"currency\":\"EUR\"},\"validity_days\":90,\"declarations\":"
                               "{\"no_conflict_of_interest\":true,\"not_debarred\":true},"
                               "\"technical\":{";
        // Answers of at most 10,000 characters (the schema's longest) up to the size asked
        // for, less what sealing and signing add (under 2,500 bytes with one certificate).
        const std::size_t document_bytes = bid_bytes_ - std::min(bid_bytes_, envelope_bytes_max);
        for (std::size_t q = 0; document.size() + 40 < document_bytes; ++q) {
            const std::size_t room = document_bytes - document.size() - 40;
            document +=
                (q == 0 ? "\"q" : ",\"q") + std::to_string(q) + "\":\"" +
                std::string(std::min<std::size_t>(10'000, room), static_cast<char>('a' + q % 26)) +
                "\"";
        }
        document += "}}";
        bidding::Bid b;
        b.id = static_cast<std::int64_t>(i + 1);
        b.tender_id = tender_id_;
        b.supplier_id = s.id;
        b.lot_id = lot;
        b.version = 1;
        b.received_at_ms = at_ms_;
        const std::string envelope = must(signing::seal(document, *opening_certificate_), "seal");
        b.body = must(signing::sign(envelope, s.certificate, s.key, signing::Attachment::attached),
                      "sign");
        if (b.body.size() > bid_bytes_) fail("a bid is larger than --bid-bytes");
        return b;
    }

    bidding::FakeBidStore& keys_;
    std::int64_t tender_id_;
    std::size_t bids_;
    std::size_t bid_bytes_;
    const std::vector<Supplier>& suppliers_;
    std::int64_t at_ms_;
    const signing::Certificate* opening_certificate_ = nullptr;
};

void register_certificate(pki::FakeCertificateStore& store, const signing::Certificate& c,
                          std::int64_t at_ms) {
    pki::UserCertificate u;
    u.serial_hex = c.serial_hex();
    u.user_id = *c.user_id();
    u.subject = c.subject();
    u.key_sha256 = c.public_key_sha256_hex();
    u.pem = c.to_pem();
    u.not_before_ms = c.not_before_ms();
    u.not_after_ms = c.not_after_ms();
    u.issued_at_ms = at_ms;
    must(store.insert(u, core::AuditEvent{}), "register certificate");
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t bid_count = argument(argc, argv, "--bids", 10'000);
    const std::size_t bid_bytes = argument(argc, argv, "--bid-bytes", 1 << 20);
    bidding::BiddingLimits limits;
    limits.opening_batch_bytes =
        argument(argc, argv, "--batch-bytes", bidding::BiddingLimits{}.opening_batch_bytes);
    const std::size_t supplier_count = argument(argc, argv, "--suppliers", 100);

    const std::int64_t t0_ms = core::SystemClock().now_ms();
    core::ManualClock clock(t0_ms);
    const signing::Validity validity{t0_ms - core::ms_per_day, t0_ms + 30 * core::ms_per_day};
    const signing::PrivateKey ca_key = must(signing::PrivateKey::generate_ec_p256(), "CA key");
    const signing::Certificate ca =
        must(signing::make_root_ca(ca_key, "Procura bench CA", validity), "CA");
    pki::FakeCertificateStore certificates;
    std::vector<Supplier> suppliers;
    for (std::size_t i = 0; i < supplier_count; ++i) {
        auto key = must(signing::PrivateKey::generate_ec_p256(), "supplier key");
        const auto id = static_cast<core::UserId>(1000 + i);
        auto certificate = procura::bench::issue_user(ca, ca_key, key, id,
                                                      "supplier-" + std::to_string(id), validity);
        suppliers.push_back({id, std::move(key), std::move(certificate)});
    }
    std::vector<std::pair<core::UserId, signing::PrivateKey>> members;
    std::vector<signing::Certificate> member_certificates;
    for (core::UserId id : {100, 101, 102}) {
        auto key = must(signing::PrivateKey::generate_ec_p256(), "member key");
        member_certificates.push_back(procura::bench::issue_user(
            ca, ca_key, key, id, "officer-" + std::to_string(id), validity));
        register_certificate(certificates, member_certificates.back(), t0_ms);
        members.emplace_back(id, std::move(key));
    }

    // A published tender whose deadline is an hour away, with a committee of 3 and k = 2.
    tender::FakeTenderStore tenders;
    tender::Tender t;
    t.version = 1;
    t.state = tender::TenderState::published;
    t.title = "Bench";
    t.description = "Memory of the opening.";
    t.buyer_name = "Bench buyer";
    t.buyer_id = "B-1";
    t.category = tender::Category::goods;
    t.currency = "EUR";
    t.lots = {tender::Lot{1, "Lot", 1'000'000'00}};
    t.evaluation_method = tender::EvaluationMethod::lowest_price;
    t.enquiry_deadline_ms = t0_ms + 60'000;
    t.submission_deadline_ms = t0_ms + 3'600'000;
    t.opening_time_ms = t0_ms + 2 * 3'600'000;
    t.committee = {100, 101, 102};
    t.threshold_k = 2;
    t.created_by = 100;
    t.created_at_ms = t0_ms;
    t.updated_at_ms = t0_ms;
    t.published_at_ms = t0_ms;
    std::int64_t tender_id = 0;
    const core::Status inserted =
        tenders.in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto id, tx.insert_tender(t));
            tender_id = id;
            return {};
        });
    if (!inserted.ok()) fail("insert tender: " + inserted.error().message);
    t.id = tender_id;

    bidding::FakeBidStore key_store;
    BenchBidStore bids(key_store, tender_id, bid_count, bid_bytes, suppliers, t0_ms + 1'000);
    bidding::TermsCache terms(tenders, 16);
    bidding::OpeningKeys keys({bids, certificates, ca, ca_key, clock},
                              limits.opening_certificate_extra_ms);
    const auto key = must(keys.create_for_publication(t), "opening key");
    const auto opening_certificate = must(keys.certificate(t), "opening certificate");
    bids.use_opening_certificate(opening_certificate.get());
    const signing::SignatureVerifier verifier(
        must(signing::Certificate::from_pem(ca.to_pem()), "CA"));
    bidding::OpeningCeremony ceremony({bids, certificates, terms, keys, verifier, clock}, limits);

    clock.set_ms(*t.opening_time_ms);
    std::vector<std::string> shares;
    for (std::size_t m = 0; m < 2; ++m) {
        const core::Caller caller{members[m].first, core::Role::officer, "member"};
        const std::string sealed = must(ceremony.my_share(caller, tender_id), "my share");
        shares.push_back(must(
            signing::open(sealed, members[m].second, member_certificates[m], 4096), "open share"));
    }
    must(ceremony.submit_share({members[0].first, core::Role::officer, "member"}, tender_id,
                               shares[0]),
         "first share");
    const double before_mib = peak_rss_mib();
    const auto started = std::chrono::steady_clock::now();
    const auto outcome =
        must(ceremony.submit_share({members[1].first, core::Role::officer, "member"}, tender_id,
                                   shares[1]),
             "second share");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double after_mib = peak_rss_mib();
    if (!outcome.opened) fail("not opened");
    if (bids.lines_ != bid_count || bids.valid_ != bid_count) {
        fail("opened " + std::to_string(bids.valid_) + " of " + std::to_string(bid_count) +
             " valid: " + bids.invalid_reason_);
    }
    const double batch_mib = static_cast<double>(limits.opening_batch_bytes) / (1 << 20);
    std::printf("bids %zu of %zu bytes (documents %.0f MiB in all), suppliers %zu, cores %u\n",
                bid_count, bid_bytes, static_cast<double>(bids.document_bytes_) / (1 << 20),
                supplier_count, std::max(1u, std::thread::hardware_concurrency()));
    std::printf("opening_batch_bytes %.0f MiB; pages read %zu; audit events %zu\n",
                std::min(batch_mib, 1e12), bids.pages_, bids.events_);
    std::printf("peak RSS before the opening %.0f MiB, after %.0f MiB (growth %.0f MiB)\n",
                before_mib, after_mib, after_mib - before_mib);
    std::printf("opening (making each page's bids included) %.1f s\n", seconds);
    return 0;
}
