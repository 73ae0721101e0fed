// Status: the outcome of an operation that can fail, without exceptions.
//
// A Status is OK (cheap: a null pointer) or carries a code and a message. Codes are generic
// (not Ozone's result codes: those are domain results carried in responses); each layer
// translates foreign errors (RocksDB, gRPC, errno) into a Status exactly once, at its edge.
//
// Thread-safety: a Status is a value. Const methods may be called concurrently; non-const use
// needs external synchronization.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace ozone {

class [[nodiscard]] Status {
 public:
  enum class Code : int {
    kOk = 0,
    kNotFound,            // the thing asked for does not exist
    kAlreadyExists,       // the thing to create exists
    kInvalidArgument,     // bad input: nothing was changed
    kCorruption,          // stored data failed a check (checksum, format)
    kIoError,             // local I/O failed
    kBusy,                // a resource is held by someone else (a locked DB)
    kNotLeader,           // this replica is not the leader; message names the leader if known
    kTimeout,             // a deadline passed
    kUnavailable,         // a peer or service cannot be reached right now
    kAborted,             // the operation was cancelled or superseded (leadership lost)
    kFailedPrecondition,  // the system is not in a state that allows the operation
    kNotSupported,        // the operation is not supported by this component
    kInternal,            // a broken invariant
  };

  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IoError(std::string_view msg) { return Status(Code::kIoError, msg); }
  // An I/O error from a failed system call: appends strerror(err).
  static Status FromErrno(std::string_view context, int err);
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status NotLeader(std::string_view msg) { return Status(Code::kNotLeader, msg); }
  static Status Timeout(std::string_view msg) { return Status(Code::kTimeout, msg); }
  static Status Unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status FailedPrecondition(std::string_view msg) {
    return Status(Code::kFailedPrecondition, msg);
  }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // The message without the code name; empty when OK.
  const std::string& message() const;

  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsAlreadyExists() const { return code() == Code::kAlreadyExists; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsIoError() const { return code() == Code::kIoError; }
  bool IsBusy() const { return code() == Code::kBusy; }
  bool IsNotLeader() const { return code() == Code::kNotLeader; }
  bool IsTimeout() const { return code() == Code::kTimeout; }
  bool IsUnavailable() const { return code() == Code::kUnavailable; }
  bool IsAborted() const { return code() == Code::kAborted; }

  // A copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

  // Explicitly drops a status that is deliberately not checked. Searchable on purpose.
  void IgnoreError() const {}

  static std::string_view CodeName(Code code);

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg);

  std::unique_ptr<State> state_;  // null iff OK
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

std::ostream& operator<<(std::ostream& os, const Status& s);

}  // namespace ozone

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define OZ_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::ozone::Status oz_status_tmp_ = (expr);         \
    if (!oz_status_tmp_.ok()) return oz_status_tmp_; \
  } while (0)
