#include "db/url.hpp"

#include <charconv>
#include <optional>

namespace procura::db {
namespace {

constexpr std::string_view scheme = "mysql://";

core::Error bad_url(std::string message) {
    return core::bad_request("bad_db_url", "database URL: " + std::move(message), "db");
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes; nullopt for a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

// Database names are limited to a portable set so that they never need quoting and cannot
// surprise anything that logs or displays them.
bool is_valid_database_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$';
        if (!ok) return false;
    }
    return true;
}

bool is_valid_host(std::string_view host) {
    if (host.empty() || host.size() > 255) return false;
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

namespace {

// USER[:PASSWORD], both percent-decoded.
core::Status parse_userinfo(std::string_view userinfo, ConnectionConfig& config) {
    const std::size_t colon = userinfo.find(':');
    const auto user = percent_decode(userinfo.substr(0, colon));
    if (!user || user->empty()) {
        return bad_url("missing or malformed user name");
    }
    config.user = *user;
    if (colon != std::string_view::npos) {
        const auto password = percent_decode(userinfo.substr(colon + 1));
        if (!password) {
            return bad_url("malformed percent-encoding in the password");
        }
        config.password = *password;
    }
    return {};
}

// HOST[:PORT], with an IPv6 host in brackets: [::1] or [::1]:3306.
core::Status parse_hostport(std::string_view hostport, ConnectionConfig& config) {
    std::string_view host = hostport;
    std::string_view port_text;
    if (!hostport.empty() && hostport.front() == '[') {
        const std::size_t close = hostport.find(']');
        if (close == std::string_view::npos) {
            return bad_url("unterminated [ in the host");
        }
        host = hostport.substr(1, close - 1);
        const std::string_view after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return bad_url("unexpected characters after ]");
            port_text = after.substr(1);
            if (port_text.empty()) return bad_url("empty port");
        }
    } else {
        const std::size_t port_colon = hostport.rfind(':');
        if (port_colon != std::string_view::npos) {
            host = hostport.substr(0, port_colon);
            port_text = hostport.substr(port_colon + 1);
            if (port_text.empty()) return bad_url("empty port");
        }
        if (host.find(':') != std::string_view::npos) {
            return bad_url("IPv6 hosts must be written in brackets");
        }
    }
    if (!is_valid_host(host)) {
        return bad_url("missing or malformed host");
    }
    config.host = std::string(host);
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return bad_url("port must be a number in 1..65535");
        }
        config.port = static_cast<std::uint16_t>(port);
    }
    return {};
}

// The options after '?': only socket=ABSOLUTE_PATH. Unknown options are refused rather than
// ignored, so a typo cannot silently change where the service connects.
core::Status parse_options(std::string_view query, ConnectionConfig& config) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (key != "socket") {
            return bad_url("unknown parameter '" + std::string(key) + "' (known: socket)");
        }
        if (eq == std::string_view::npos) return bad_url("socket needs a value");
        const auto socket = percent_decode(pair.substr(eq + 1));
        if (!socket || socket->empty() || socket->front() != '/') {
            return bad_url("socket must be an absolute path");
        }
        config.socket = *socket;
    }
    return {};
}

}  // namespace

core::Result<ConnectionConfig> parse_url(std::string_view url) {
    if (url.substr(0, scheme.size()) != scheme) {
        return bad_url("must start with mysql://");
    }
    std::string_view rest = url.substr(scheme.size());

    // The authority ends at the first '/'; a password containing '/' must be percent-encoded.
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return bad_url("missing /DATABASE after the host");
    }
    const std::string_view authority = rest.substr(0, slash);
    std::string_view path_and_query = rest.substr(slash + 1);

    // Userinfo ends at the last '@', so that an unencoded '@' in a password still parses.
    const std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return bad_url("missing USER@ before the host");
    }
    ConnectionConfig config;
    PROCURA_TRY(parse_userinfo(authority.substr(0, at), config));
    PROCURA_TRY(parse_hostport(authority.substr(at + 1), config));

    std::string_view query;
    const std::size_t question = path_and_query.find('?');
    if (question != std::string_view::npos) {
        query = path_and_query.substr(question + 1);
        path_and_query = path_and_query.substr(0, question);
    }
    const auto database = percent_decode(path_and_query);
    if (!database || !is_valid_database_name(*database)) {
        return bad_url("database name must be 1..64 of [A-Za-z0-9_$-]");
    }
    config.database = *database;
    PROCURA_TRY(parse_options(query, config));
    return config;
}

}  // namespace procura::db
