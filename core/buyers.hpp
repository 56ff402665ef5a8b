// The port through which modules ask which buyer (procuring entity) an officer acts for: a
// tender belongs to one buyer, and only that buyer's officers may act on it. Implemented by
// buyers::BuyerService over its store (buyers/); tests give a fake.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"

namespace procura::core {

class BuyerDirectory {
public:
    virtual ~BuyerDirectory() = default;
    // Whether user is a member officer of the buyer with this identifier (false for an
    // unknown buyer). unavailable if the store cannot be read. Thread-safe.
    virtual Result<bool> is_officer_of(UserId user, std::string_view buyer_identifier) = 0;
    // The identifiers of the buyers user is a member of, ascending.
    virtual Result<std::vector<std::string>> buyers_of(UserId user) = 0;
    // The legal name of the buyer with this identifier, nullopt if there is none.
    virtual Result<std::optional<std::string>> legal_name(std::string_view buyer_identifier) = 0;
};

}  // namespace procura::core
