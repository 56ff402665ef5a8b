#include "app/config.hpp"

#include <charconv>

#include "core/clock.hpp"

namespace procura::app {

core::Result<HostPort> parse_listen(const std::string& text) {
    const auto bad = [&](const std::string& why) {
        return core::bad_request("bad_listen", "--listen '" + text + "': " + why, "listen");
    };
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad("expected HOST:PORT");
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
        return bad("the port must be a number from 0 to 65535");
    }
    return HostPort{host, static_cast<std::uint16_t>(port)};
}

core::Result<tender::TenderLimits> tender_limits_from(const ServeConfig& config) {
    tender::TenderLimits limits = config.tender_limits;
    if (config.min_tendering_days < 0 || config.min_tendering_days > 365) {
        return core::bad_request("bad_setting", "--min-tendering-days must be between 0 and 365",
                                 "min-tendering-days");
    }
    if (config.amendment_extension_days < 0 || config.amendment_extension_days > 365) {
        return core::bad_request("bad_setting",
                                 "--amendment-extension-days must be between 0 and 365",
                                 "amendment-extension-days");
    }
    if (config.committee_min < 3 || config.committee_min > limits.committee_max) {
        return core::bad_request(
            "bad_setting",
            "--committee-min must be between 3 and " + std::to_string(limits.committee_max),
            "committee-min");
    }
    if (config.threshold_min < 2 ||
        config.threshold_min > static_cast<std::int64_t>(config.committee_min)) {
        return core::bad_request("bad_setting",
                                 "--threshold-min must be between 2 and --committee-min",
                                 "threshold-min");
    }
    limits.committee_min = config.committee_min;
    limits.threshold_min = config.threshold_min;
    limits.tendering_period_min_ms = config.min_tendering_days * core::ms_per_day;
    limits.amendment_extension_window_ms = config.amendment_extension_days * core::ms_per_day;
    limits.document_bytes_max = config.api.document_body_bytes_max;
    return limits;
}

auth::AuthLimits auth_limits_from(const ServeConfig& config) {
    auth::AuthLimits limits;
    limits.token_ttl_ms = config.token_ttl_minutes * 60 * core::ms_per_second;
    return limits;
}

}  // namespace procura::app
