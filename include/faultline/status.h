// Status and Result<T>: how every fallible faultline operation reports
// failure (leveldb Status / abseil StatusOr). A bad row, a bad request or a
// missing file is a value, never an exception. Status is a cheap value type;
// it is not thread-safe to mutate one object from two threads.
//
//   Result<Incident> r = store.Get(id);
//   if (!r.ok()) return r.status();
//   const Incident& inc = *r;
#ifndef FAULTLINE_STATUS_H_
#define FAULTLINE_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace faultline {

// The documented error codes. cli/ maps them to exit codes and server/ to
// HTTP statuses, each through one table.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input: a row, a flag, a request body
  kNotFound,           // no such incident, file or user
  kAlreadyExists,      // a create that collides
  kConflict,           // an edit against a stale version
  kFailedPrecondition, // e.g. export of a no-redistribution licence without the flag
  kPermissionDenied,   // wrong role
  kIoError,            // file or socket error
  kDataLoss,           // corrupt database or truncated file
  kUnavailable,        // database server unreachable
  kInternal,           // a bug: an invariant that should have held did not
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: acled.csv:12: column fatalities: ..." style.
  std::string ToString() const;
  // Returns a copy with `prefix + ": "` put before the message.
  Status WithContext(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace faultline

#define FL_CONCAT_INNER_(a, b) a##b
#define FL_CONCAT_(a, b) FL_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::faultline::Status fl_status_ = (expr);         \
    if (!fl_status_.ok()) return fl_status_;         \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL_(FL_CONCAT_(fl_result_, __LINE__), lhs, expr)

#endif  // FAULTLINE_STATUS_H_
