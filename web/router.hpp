// Request routing without Beast: route patterns such as "/api/v1/tenders/{id}" matched segment
// by segment against a request path, with the {name} segments captured; and the parsing of a
// request target into its path and percent-decoded query parameters. The route pattern, never
// the raw path, is what metrics use as a label, so label cardinality stays bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace procura::web {

// Name/value pairs in order of appearance; lookups return the first match.
class ParamList {
public:
    void add(std::string name, std::string value) {
        values_.emplace_back(std::move(name), std::move(value));
    }
    // The value of name, or "" if absent; see has() to tell an empty value from none.
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& values() const { return values_; }

private:
    std::vector<std::pair<std::string, std::string>> values_;
};

enum class MatchOutcome { matched, method_not_allowed, not_found };

struct RouteMatch {
    MatchOutcome outcome = MatchOutcome::not_found;
    std::size_t route_index = 0;  // valid when matched
    ParamList params;             // the {name} captures, when matched
    std::string pattern;          // the pattern whose path matched; "unmatched" for not_found
    std::string allow;            // methods for the path, "GET, POST", for method_not_allowed
};

class Router {
public:
    // Adds a route and returns its index (0, 1, 2... in the order added). The pattern starts
    // with '/', its segments are literals or "{name}" captures; a malformed pattern is a bug
    // (asserts). When several patterns match a path, the first added wins.
    std::size_t add(std::string method, std::string pattern);

    // Matches method and path (the path without query, not percent-decoded). Captured
    // segments must be non-empty and are returned percent-decoded. A known path with another
    // method is method_not_allowed with the allowed methods listed.
    RouteMatch match(std::string_view method, std::string_view path) const;

    const std::string& pattern(std::size_t route_index) const;
    std::size_t size() const { return routes_.size(); }

private:
    struct Segment {
        std::string text;  // a literal, or the capture's name
        bool capture = false;
    };
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
    };
    bool path_matches(const Route& route, const std::vector<std::string_view>& segments,
                      ParamList* params) const;

    std::vector<Route> routes_;
};

struct Target {
    std::string_view path;
    std::string_view query;  // without the '?'; empty if none
};

// Splits an origin-form target ("/a/b?x=1") into path and query. Views into target.
Target split_target(std::string_view target);

// Decodes %XX escapes; with plus_is_space also '+' as ' ' (query strings). A bad escape is a
// 400 (code malformed_query).
core::Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Parses "a=1&b=x%20y" into decoded pairs; "a" alone gives an empty value. 400
// malformed_query for bad escapes.
core::Result<ParamList> parse_query(std::string_view query);

}  // namespace procura::web
