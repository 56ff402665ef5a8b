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

// One named factory per kind, so that a refusal reads as what it is:
//   return core::conflict("submission_closed", "the submission deadline has passed");
// code is the stable machine-readable code, field the input member at fault (if one is).
inline Error bad_request(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::bad_request, std::move(code), std::move(message),
                      std::move(field));
}
inline Error unauthenticated(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::unauthenticated, std::move(code), std::move(message),
                      std::move(field));
}
inline Error forbidden(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::forbidden, std::move(code), std::move(message), std::move(field));
}
inline Error not_found(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::not_found, std::move(code), std::move(message), std::move(field));
}
inline Error conflict(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::conflict, std::move(code), std::move(message), std::move(field));
}
inline Error payload_too_large(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::payload_too_large, std::move(code), std::move(message),
                      std::move(field));
}
inline Error too_many_requests(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::too_many_requests, std::move(code), std::move(message),
                      std::move(field));
}
inline Error unprocessable(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::unprocessable, std::move(code), std::move(message),
                      std::move(field));
}
inline Error unavailable(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::unavailable, std::move(code), std::move(message),
                      std::move(field));
}
inline Error internal(std::string code, std::string message, std::string field = {}) {
    return make_error(ErrorKind::internal, std::move(code), std::move(message), std::move(field));
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

// PROCURA_TRY(expr): returns the error of a failed Result from the enclosing function.
// PROCURA_TRY_ASSIGN(lhs, expr): the same, and otherwise declares lhs from the Result's value
// (moved out of it):
//   PROCURA_TRY_ASSIGN(auto tender, store.find(id));   // tender is the value, not a Result
// The hidden Result's name carries a counter, so that uses in lambdas, in one line or inside
// another macro never shadow each other. expr may contain commas; lhs may not.
#define PROCURA_TRY_CONCAT_INNER(a, b) a##b
#define PROCURA_TRY_CONCAT(a, b) PROCURA_TRY_CONCAT_INNER(a, b)
#define PROCURA_TRY(...) \
    PROCURA_TRY_IMPL(PROCURA_TRY_CONCAT(procura_try_result_, __COUNTER__), __VA_ARGS__)
#define PROCURA_TRY_IMPL(name, ...)  \
    do {                             \
        auto&& name = (__VA_ARGS__); \
        if (!name.ok()) {            \
            return name.error();     \
        }                            \
    } while (false)
#define PROCURA_TRY_ASSIGN(lhs, ...) \
    PROCURA_TRY_ASSIGN_IMPL(PROCURA_TRY_CONCAT(procura_try_result_, __COUNTER__), lhs, __VA_ARGS__)
#define PROCURA_TRY_ASSIGN_IMPL(name, lhs, ...) \
    auto name = (__VA_ARGS__);                  \
    if (!name.ok()) return name.error();        \
    lhs = std::move(name).value()
