// Result<T>: the channel for expected failures (not found, conflict, bad input, deadline
// passed). An Error carries a kind, which decides the HTTP status in exactly one place
// (web/error_mapping), a stable machine-readable code, a human message and, where one field of
// the input is at fault, that field's name. Library exceptions never cross a module boundary;
// adapters turn them into Errors.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/assert.hpp"

namespace procura::core {

enum class ErrorKind {
    bad_request,        // malformed syntax, wrong JSON types, unknown enum value
    unauthenticated,    // no or invalid credentials
    forbidden,          // authenticated but not allowed
    not_found,          // no such resource (or not visible to the caller)
    conflict,           // illegal state change, stale version, duplicate
    payload_too_large,  // body or document over its limit
    too_many_requests,  // a client over its rate limit; it may retry later
    unprocessable,      // well-formed but semantically invalid
    unavailable,        // a dependency (the database) is down or saturated
    internal,           // a bug or an unexpected library failure
};

struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string code;
    std::string message;
    std::string field;
};

inline Error make_error(ErrorKind kind, std::string code, std::string message,
                        std::string field = {}) {
    return Error{kind, std::move(code), std::move(message), std::move(field)};
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    T& value() & {
        PROCURA_ASSERT(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        PROCURA_ASSERT(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        PROCURA_ASSERT(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }

    // Precondition: !ok().
    const Error& error() const {
        PROCURA_ASSERT(!ok());
        return std::get<1>(v_);
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        PROCURA_ASSERT(!ok_);
        return error_;
    }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace procura::core

// Returns the error of a failed Result from the enclosing function. The variable name carries
// the line number so that nested uses (inside lambdas) do not shadow each other.
#define PROCURA_TRY_CONCAT_INNER(a, b) a##b
#define PROCURA_TRY_CONCAT(a, b) PROCURA_TRY_CONCAT_INNER(a, b)
#define PROCURA_TRY(expr) PROCURA_TRY_IMPL(PROCURA_TRY_CONCAT(procura_try_result_, __LINE__), expr)
#define PROCURA_TRY_IMPL(name, expr) \
    do {                             \
        auto&& name = (expr);        \
        if (!name.ok()) {            \
            return name.error();     \
        }                            \
    } while (false)
