// LinearizabilityChecker: decides whether a key-value client history is linearizable.
//
// A history is a set of operations (put, get, compare-and-set) with the times they were invoked
// and returned. An operation whose outcome is unknown (the client timed out, or the server it
// talked to crashed) may have taken effect at any time after its invocation, or never; a get
// with an unknown outcome constrains nothing and is ignored.
//
// The check uses P-compositionality (Herlihy & Wing: a history is linearizable iff its restriction
// to every object is): the history is split per key and each key is checked as a register, with
// the Wing & Gong backtracking search made practical by Lowe's memoization ("Testing for
// linearizability", 2017): a (set of linearized operations, register value) configuration that
// was already explored is never explored again. Unknown-outcome operations return "at infinity",
// so the search may place them anywhere after their invocation, including after everything
// (never).
//
// Thread-safety: Check is const and uses only local state; one checker may serve several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ozone::raft::sim {

struct KvOperation {
  enum class Kind : uint8_t {
    kPut,  // key := value
    kGet,  // reads key into `read`
    kCas,  // if key == expected then key := value; `cas_ok` says whether it swapped
  };
  uint64_t id = 0;  // unique within the history, for reporting
  int client = 0;   // for reporting
  Kind kind = Kind::kGet;
  std::string key;
  std::string value;                    // kPut, kCas: the value written
  std::optional<std::string> expected;  // kCas: the value expected (nullopt: key absent)

  // The outcome. When !known, nothing below but invoke_time is used.
  bool known = true;
  std::optional<std::string> read;  // kGet: the value read (nullopt: key absent)
  bool cas_ok = false;              // kCas
  int64_t invoke_time = 0;
  int64_t return_time = 0;  // REQUIRES when known: >= invoke_time
};

struct LinearizabilityOptions {
  // Most (linearized set, value) configurations explored for one key before giving up with
  // kUnknown. Default: 2,000,000.
  size_t max_configurations_per_key = 2'000'000;
};

struct LinearizabilityResult {
  enum class Verdict : uint8_t {
    kLinearizable,
    kNotLinearizable,
    kUnknown,  // the search budget ran out (LinearizabilityOptions)
  };
  Verdict verdict = Verdict::kLinearizable;
  std::string key;            // the key that is not linearizable (or exhausted the budget)
  std::string explanation;    // the operations of that key and how far the search got
  size_t configurations = 0;  // configurations explored over all keys

  bool ok() const { return verdict == Verdict::kLinearizable; }
};

class LinearizabilityChecker {
 public:
  explicit LinearizabilityChecker(LinearizabilityOptions options = {}) : options_(options) {}

  LinearizabilityResult Check(const std::vector<KvOperation>& history) const;

 private:
  LinearizabilityOptions options_;
};

std::string DescribeOperation(const KvOperation& op);

}  // namespace ozone::raft::sim
