// Opening keys: k-of-n splitting, shares sealed so that the stock openssl command opens them,
// rebuilding from any k shares, and every way a share set can be wrong.
#include "signing/opening_key.hpp"

#include <boost/test/unit_test.hpp>
#include <set>

#include "core/clock.hpp"
#include "core/hash.hpp"
#include "signing/envelope.hpp"
#include "tests/signing/openssl_cli.hpp"

using namespace procura;
using namespace procura::signing;
using core::ErrorKind;
using procura::testing::require_error;
using procura::testing::run;
using procura::testing::Run;
using procura::testing::Workdir;

namespace {

const std::int64_t now_ms = core::SystemClock().now_ms();
const Validity validity{now_ms - core::ms_per_day, now_ms + 60 * core::ms_per_day};
constexpr std::size_t share_bytes_max = 4096;

// A CA and five officers, each with a key made by `openssl req` (kept as a PEM file for the
// openssl command and loaded for us) and a certificate from the CA.
struct Committee {
    Workdir w;
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca = *make_root_ca(ca_key, "Procura test CA", validity);
    std::vector<PrivateKey> keys;
    std::vector<Certificate> certs;

    Committee() {
        for (int i = 0; i < 5; ++i) {
            auto officer = procura::testing::make_openssl_user(
                w, ca, ca_key, "officer" + std::to_string(i), 100 + i, validity);
            keys.push_back(std::move(officer.key));
            certs.push_back(std::move(officer.cert));
        }
    }

    std::vector<CommitteeMember> members() const {
        std::vector<CommitteeMember> out;
        for (std::size_t i = 0; i < certs.size(); ++i) {
            out.push_back(CommitteeMember{static_cast<core::UserId>(100 + i), &certs[i]});
        }
        return out;
    }

    // Member i opens their sealed share with their own key.
    std::string open_share(const OpeningKey& key, std::size_t i) const {
        auto opened = open(key.shares[i].envelope_der, keys[i], certs[i], share_bytes_max);
        BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.error().message));
        return *opened;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(opening_keys)

BOOST_AUTO_TEST_CASE(any_three_of_five_shares_rebuild_the_key_and_it_opens_bids) {
    Committee c;
    auto key = create_opening_key(7, c.members(), 3, c.ca, c.ca_key, validity);
    BOOST_REQUIRE_MESSAGE(key.ok(), (key.ok() ? std::string() : key.error().message));
    BOOST_REQUIRE_EQUAL(key->shares.size(), 5u);
    BOOST_TEST(key->threshold == 3);
    BOOST_TEST(key->certificate.subject() == "CN=tender-7-opening-key,O=Procura");
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(key->shares[i].member == static_cast<core::UserId>(100 + i));
        BOOST_TEST(key->shares[i].number == i + 1);
    }
    std::vector<std::string> opened;
    for (std::size_t i = 0; i < 5; ++i) opened.push_back(c.open_share(*key, i));

    // A bid sealed to the opening certificate before the opening...
    auto bid = seal("{\"price_minor\": 123456}", key->certificate);
    BOOST_REQUIRE(bid.ok());
    int combinations = 0;
    for (std::size_t a = 0; a < 5; ++a) {
        for (std::size_t b = a + 1; b < 5; ++b) {
            for (std::size_t d = b + 1; d < 5; ++d) {
                auto rebuilt =
                    rebuild_opening_key(7, {opened[a], opened[b], opened[d]}, key->certificate, 3);
                BOOST_REQUIRE(rebuilt.ok());
                BOOST_TEST(key->certificate.matches(*rebuilt));
                // ...opens with the rebuilt key.
                auto content = open(*bid, *rebuilt, key->certificate, 1024);
                BOOST_REQUIRE(content.ok());
                BOOST_TEST(*content == "{\"price_minor\": 123456}");
                ++combinations;
            }
        }
    }
    BOOST_TEST(combinations == 10);
    // More than k shares work too.
    BOOST_TEST(rebuild_opening_key(7, opened, key->certificate, 3).ok());
}

BOOST_AUTO_TEST_CASE(stock_openssl_opens_a_members_sealed_share) {
    Committee c;
    auto key = create_opening_key(8, c.members(), 2, c.ca, c.ca_key, validity);
    BOOST_REQUIRE(key.ok());
    c.w.write("share.der", key->shares[1].envelope_der);
    const Run decrypt =
        run("openssl cms -decrypt -binary -inform DER -in " + c.w.path("share.der") + " -inkey " +
            c.w.path("officer1.key") + " -recip " + c.w.path("officer1.pem") + " -out " +
            c.w.path("share.bin"));
    BOOST_REQUIRE_MESSAGE(decrypt.status == 0, decrypt.output);
    BOOST_TEST(c.w.read("share.bin") == c.open_share(*key, 1));
    // Another member's key does not open it.
    const Run wrong =
        run("openssl cms -decrypt -binary -inform DER -in " + c.w.path("share.der") + " -inkey " +
            c.w.path("officer0.key") + " -recip " + c.w.path("officer0.pem") + " -out /dev/null");
    BOOST_TEST(wrong.status != 0);
}

BOOST_AUTO_TEST_CASE(too_few_duplicate_foreign_and_tampered_shares_are_refused) {
    Committee c;
    auto key = create_opening_key(9, c.members(), 3, c.ca, c.ca_key, validity);
    auto other = create_opening_key(10, c.members(), 3, c.ca, c.ca_key, validity);
    BOOST_REQUIRE(key.ok() && other.ok());
    const std::string s1 = c.open_share(*key, 0);
    const std::string s2 = c.open_share(*key, 1);
    const std::string s3 = c.open_share(*key, 2);
    require_error(rebuild_opening_key(9, {s1, s2}, key->certificate, 3), ErrorKind::unprocessable,
                  "not_enough_shares");
    require_error(rebuild_opening_key(9, {s1, s2, s2}, key->certificate, 3),
                  ErrorKind::unprocessable, "duplicate_share");
    require_error(rebuild_opening_key(9, {s1, s2, c.open_share(*other, 2)}, key->certificate, 3),
                  ErrorKind::unprocessable, "share_from_another_tender");
    require_error(rebuild_opening_key(10, {s1, s2, s3}, key->certificate, 3),
                  ErrorKind::unprocessable, "share_from_another_tender");
    require_error(rebuild_opening_key(9, {s1, s2, "not a share"}, key->certificate, 3),
                  ErrorKind::unprocessable, "bad_share");
    std::string tampered = s3;
    tampered.back() = static_cast<char>(tampered.back() ^ 0x01);
    auto bad = rebuild_opening_key(9, {s1, s2, tampered}, key->certificate, 3);
    require_error(bad, ErrorKind::unprocessable, "shares_do_not_match");
    BOOST_TEST(bad.error().message.find("1, 2, 3") != std::string::npos, bad.error().message);
}

BOOST_AUTO_TEST_CASE(each_share_is_committed_to_at_creation) {
    Committee c;
    auto key = create_opening_key(9, c.members(), 3, c.ca, c.ca_key, validity);
    BOOST_REQUIRE(key.ok());
    std::set<std::string> commitments;
    for (std::size_t i = 0; i < key->shares.size(); ++i) {
        const std::string& commitment = key->shares[i].commitment_sha256;
        BOOST_TEST(core::is_sha256_hex(commitment));
        commitments.insert(commitment);
        const std::string share = c.open_share(*key, i);
        BOOST_TEST(share_matches(share, commitment));
        std::string altered = share;
        altered.back() = static_cast<char>(altered.back() ^ 0x01);
        BOOST_TEST(!share_matches(altered, commitment));
        BOOST_TEST(!share_matches(share + "x", commitment));
        // Another member's share does not match this member's commitment.
        const std::size_t next = (i + 1) % key->shares.size();
        BOOST_TEST(!share_matches(c.open_share(*key, next), commitment));
    }
    BOOST_TEST(commitments.size() == key->shares.size());
    // A key made before commitments were stored has none: the rebuild alone checks its shares.
    BOOST_TEST(share_matches("anything", ""));
}

BOOST_AUTO_TEST_CASE(thresholds_outside_one_to_n_are_refused) {
    Committee c;
    require_error(create_opening_key(1, c.members(), 0, c.ca, c.ca_key, validity),
                  ErrorKind::bad_request, "bad_threshold");
    require_error(create_opening_key(1, c.members(), 6, c.ca, c.ca_key, validity),
                  ErrorKind::bad_request, "bad_threshold");
    auto one_of_one = create_opening_key(1, {c.members()[0]}, 1, c.ca, c.ca_key, validity);
    BOOST_REQUIRE(one_of_one.ok());
    BOOST_TEST(
        rebuild_opening_key(1, {c.open_share(*one_of_one, 0)}, one_of_one->certificate, 1).ok());
}

BOOST_AUTO_TEST_SUITE_END()
