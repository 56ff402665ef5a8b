// How every test checks a refusal: the result (or status) failed with this kind and code, and,
// when a field is given, names this field (an empty one: names none). Header-only.
#pragma once

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace procura::testing {

template <class T>
void require_error(const core::Result<T>& r, core::ErrorKind kind, const std::string& code,
                   const std::optional<std::string>& field = std::nullopt) {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected error " + code);
    BOOST_TEST((r.error().kind == kind), code << ": got kind " << static_cast<int>(r.error().kind)
                                              << " (" << r.error().code << ")");
    BOOST_TEST(r.error().code == code);
    if (field) BOOST_TEST(r.error().field == *field);
}

}  // namespace procura::testing
