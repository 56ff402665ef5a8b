#include "web/router.hpp"

#include "core/assert.hpp"

namespace procura::web {
namespace {

// Splits "/a/b/c" into {"a", "b", "c"}; "/" gives {""} so that only the root matches it.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.empty() || path.front() != '/') return segments;
    std::size_t start = 1;
    while (true) {
        const std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            segments.push_back(path.substr(start));
            break;
        }
        segments.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string_view ParamList::get(std::string_view name) const {
    for (const auto& [key, value] : values_) {
        if (key == name) return value;
    }
    return {};
}

bool ParamList::has(std::string_view name) const {
    for (const auto& entry : values_) {
        if (entry.first == name) return true;
    }
    return false;
}

std::size_t Router::add(std::string method, std::string pattern) {
    PROCURA_ASSERT(!pattern.empty() && pattern.front() == '/');
    Route route;
    route.method = std::move(method);
    for (const std::string_view segment : split_path(pattern)) {
        Segment s;
        if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
            s.capture = true;
            s.text = std::string(segment.substr(1, segment.size() - 2));
            PROCURA_ASSERT(!s.text.empty());
        } else {
            PROCURA_ASSERT(segment.find_first_of("{}") == std::string_view::npos);
            s.text = std::string(segment);
        }
        route.segments.push_back(std::move(s));
    }
    route.pattern = std::move(pattern);
    routes_.push_back(std::move(route));
    return routes_.size() - 1;
}

bool Router::path_matches(const Route& route, const std::vector<std::string_view>& segments,
                          ParamList* params) const {
    if (route.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const Segment& s = route.segments[i];
        if (!s.capture) {
            if (s.text != segments[i]) return false;
            continue;
        }
        if (segments[i].empty()) return false;
        auto decoded = percent_decode(segments[i], false);
        if (!decoded) return false;
        if (params != nullptr) params->add(s.text, std::move(*decoded));
    }
    return true;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    result.pattern = "unmatched";
    const std::vector<std::string_view> segments = split_path(path);
    bool path_known = false;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Route& route = routes_[i];
        if (route.method == method) {
            ParamList params;
            if (path_matches(route, segments, &params)) {
                result.outcome = MatchOutcome::matched;
                result.route_index = i;
                result.params = std::move(params);
                result.pattern = route.pattern;
                result.allow.clear();
                return result;
            }
        } else if (path_matches(route, segments, nullptr)) {
            if (!path_known) result.pattern = route.pattern;
            path_known = true;
            if (!result.allow.empty()) result.allow += ", ";
            result.allow += route.method;
        }
    }
    result.outcome = path_known ? MatchOutcome::method_not_allowed : MatchOutcome::not_found;
    return result;
}

const std::string& Router::pattern(std::size_t route_index) const {
    PROCURA_ASSERT(route_index < routes_.size());
    return routes_[route_index].pattern;
}

Target split_target(std::string_view target) {
    const std::size_t question = target.find('?');
    if (question == std::string_view::npos) return Target{target, {}};
    return Target{target.substr(0, question), target.substr(question + 1)};
}

core::Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return core::bad_request("malformed_query", "a percent escape is cut short");
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return core::bad_request("malformed_query",
                                         "a percent escape is not two hex digits");
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

core::Result<ParamList> parse_query(std::string_view query) {
    ParamList params;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t amp = query.find('&', start);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(start, amp - start);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            PROCURA_TRY_ASSIGN(auto name, percent_decode(pair.substr(0, eq), true));
            std::string value;
            if (eq != std::string_view::npos) {
                PROCURA_TRY_ASSIGN(auto decoded, percent_decode(pair.substr(eq + 1), true));
                value = std::move(decoded);
            }
            params.add(std::move(name), std::move(value));
        }
        start = amp + 1;
    }
    return params;
}

}  // namespace procura::web
