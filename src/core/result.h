// sanfang::Result<T> — one error type with kinds, propagated by value; no exceptions cross a
// module boundary (modelled on SerenityOS's ErrorOr). Callers propagate with TRY(expr), which
// evaluates to the value or returns the error from the enclosing function.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sanfang {

// What went wrong, coarse enough to map once to an exit status or an HTTP status.
enum class ErrorKind {
  InvalidInput,   // the caller's data is wrong (a field, a code, a check character)
  FontCoverage,   // a character no font of the chain can draw
  Overflow,       // a value does not fit its box even at the floor size, wrapped
  NotFound,
  Conflict,       // wrong state or a lost race (version check)
  Unauthorized,
  Forbidden,
  TooLarge,
  Storage,
  Io,
  Render,         // cairo / pango / poppler failed
  Busy,           // a bounded queue is full or a deadline passed: try again shortly (503)
  TooManyRequests,  // one client asked too often within a window: try again later (429)
  Internal,
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string field;    // the offending input path ("student.name"), empty when none applies
  std::string message;  // human-readable; Chinese where it is meant for students and staff

  static Error invalid(std::string field, std::string message) {
    return {ErrorKind::InvalidInput, std::move(field), std::move(message)};
  }
  static Error make(ErrorKind kind, std::string message, std::string field = {}) {
    return {kind, std::move(field), std::move(message)};
  }
  // "field: message", or just the message when no field applies.
  std::string describe() const { return field.empty() ? message : field + ": " + message; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_state.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  const Error& error() const { return std::get<1>(m_state); }
  Error&& take_error() { return std::get<1>(std::move(m_state)); }

 private:
  std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_failed(true) {}

  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  void value() const {}
  const Error& error() const { return m_error; }
  Error&& take_error() { return std::move(m_error); }

 private:
  Error m_error;
  bool m_failed = false;
};

using Status = Result<void>;

}  // namespace sanfang

// Evaluates `expr` (a Result); on error returns it from the enclosing function, otherwise the
// whole expression is the contained value.
#define TRY(expr)                                  \
  ({                                               \
    auto _sanfang_try_result = (expr);             \
    if (!_sanfang_try_result.ok())                 \
      return _sanfang_try_result.take_error();     \
    std::move(_sanfang_try_result).value();        \
  })
