// FakeBuyerDirectory: an in-memory core::BuyerDirectory for service tests: which officers act
// for which buyer. Thread-safe.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/buyers.hpp"

namespace procura::testing {

class FakeBuyerDirectory final : public core::BuyerDirectory {
public:
    // Adds (or renames) the buyer identifier with these member officers besides any it has.
    void add(const std::string& identifier, const std::string& legal_name,
             const std::vector<core::UserId>& officers) {
        std::lock_guard lock(mutex_);
        names_[identifier] = legal_name;
        for (core::UserId u : officers) members_[identifier].insert(u);
    }

    core::Result<bool> is_officer_of(core::UserId user, std::string_view identifier) override {
        std::lock_guard lock(mutex_);
        auto it = members_.find(std::string(identifier));
        return it != members_.end() && it->second.count(user) != 0;
    }

    core::Result<std::vector<std::string>> buyers_of(core::UserId user) override {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& [identifier, officers] : members_) {
            if (officers.count(user) != 0) out.push_back(identifier);
        }
        return out;  // std::map keeps them ascending
    }

    core::Result<std::optional<std::string>> legal_name(std::string_view identifier) override {
        std::lock_guard lock(mutex_);
        auto it = names_.find(std::string(identifier));
        if (it == names_.end()) return std::optional<std::string>{};
        return std::optional<std::string>{it->second};
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::string> names_;
    std::map<std::string, std::set<core::UserId>> members_;
};

}  // namespace procura::testing
