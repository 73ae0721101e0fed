#include "ha/raft/sim/linearizability_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

namespace ozone::raft::sim {

namespace {

using Verdict = LinearizabilityResult::Verdict;

// Values are interned per key: 0 is "absent", every distinct string gets its own id.
constexpr int32_t kAbsent = 0;

class ValueInterner {
 public:
  int32_t Intern(const std::string& value) {
    auto [it, inserted] = ids_.try_emplace(value, static_cast<int32_t>(ids_.size() + 1));
    return it->second;
  }
  int32_t Intern(const std::optional<std::string>& value) {
    return value ? Intern(*value) : kAbsent;
  }

 private:
  std::unordered_map<std::string, int32_t> ids_;
};

// One operation of a key, reduced to what the register model needs.
struct RegisterOp {
  KvOperation::Kind kind;
  bool known;
  bool cas_ok;
  int32_t value;     // kPut, kCas: written
  int32_t expected;  // kCas
  int32_t read;      // kGet
  const KvOperation* source;
};

// Applies `op` to a register holding `state`. Returns false if the op's recorded output is not
// what the register would produce.
bool StepRegister(const RegisterOp& op, int32_t state, int32_t* next) {
  switch (op.kind) {
    case KvOperation::Kind::kPut:
      *next = op.value;
      return true;
    case KvOperation::Kind::kGet:
      *next = state;
      return state == op.read;
    case KvOperation::Kind::kCas: {
      const bool swaps = state == op.expected;
      if (op.known && swaps != op.cas_ok) return false;
      *next = swaps ? op.value : state;
      return true;
    }
  }
  return false;
}

// The set of explored (linearized set, register value) configurations (Lowe's memoization): a
// hash set of fixed-width bitsets, stored flat.
class ConfigurationCache {
 public:
  explicit ConfigurationCache(size_t words) : words_(words), buckets_(1024, kNone) {}

  // Inserts (bits, state); returns false if it was already there.
  bool Insert(uint64_t hash, const uint64_t* bits, int32_t state) {
    size_t b = hash & (buckets_.size() - 1);
    for (uint32_t s = buckets_[b]; s != kNone; s = slots_[s].next) {
      const Slot& slot = slots_[s];
      if (slot.hash == hash && slot.state == state &&
          std::equal(bits, bits + words_, pool_.begin() + static_cast<ptrdiff_t>(s * words_))) {
        return false;
      }
    }
    slots_.push_back(Slot{hash, state, buckets_[b]});
    pool_.insert(pool_.end(), bits, bits + words_);
    buckets_[b] = static_cast<uint32_t>(slots_.size() - 1);
    if (slots_.size() > buckets_.size()) Grow();
    return true;
  }
  size_t size() const { return slots_.size(); }

 private:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  struct Slot {
    uint64_t hash;
    int32_t state;
    uint32_t next;
  };

  void Grow() {
    buckets_.assign(buckets_.size() * 2, kNone);
    for (uint32_t s = 0; s < slots_.size(); ++s) {
      size_t b = slots_[s].hash & (buckets_.size() - 1);
      slots_[s].next = buckets_[b];
      buckets_[b] = s;
    }
  }

  size_t words_;
  std::vector<uint64_t> pool_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> buckets_;
};

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct KeyVerdict {
  Verdict verdict = Verdict::kLinearizable;
  size_t configurations = 0;
  std::string explanation;
};

std::string Explain(const std::vector<RegisterOp>& ops, const std::vector<int>& best_prefix,
                    const char* what) {
  std::vector<const KvOperation*> sorted;
  for (const RegisterOp& op : ops) sorted.push_back(op.source);
  std::sort(sorted.begin(), sorted.end(), [](const KvOperation* a, const KvOperation* b) {
    return a->invoke_time != b->invoke_time ? a->invoke_time < b->invoke_time : a->id < b->id;
  });
  std::string out =
      fmt::format("{}; {} operations; the longest linearizable prefix found has {}:", what,
                  ops.size(), best_prefix.size());
  for (int i : best_prefix) out += fmt::format("\n    {}", DescribeOperation(*ops[i].source));
  // The operation that returned first among those the prefix leaves out: it cannot follow it.
  std::vector<bool> placed(ops.size(), false);
  for (int i : best_prefix) placed[i] = true;
  const KvOperation* blocked = nullptr;
  for (size_t i = 0; i < ops.size(); ++i) {
    const KvOperation* op = ops[i].source;
    if (placed[i] || !op->known) continue;
    if (blocked == nullptr || op->return_time < blocked->return_time) blocked = op;
  }
  if (blocked != nullptr) {
    out += fmt::format("\n  the first operation that cannot follow it: {}",
                       DescribeOperation(*blocked));
  }
  out += "\n  all operations of the key, by invocation:";
  constexpr size_t kMaxListed = 60;
  for (size_t i = 0; i < sorted.size() && i < kMaxListed; ++i) {
    out += fmt::format("\n    {}", DescribeOperation(*sorted[i]));
  }
  if (sorted.size() > kMaxListed)
    out += fmt::format("\n    ... {} more", sorted.size() - kMaxListed);
  return out;
}

// Wing & Gong's search with Lowe's memoization over one register.
KeyVerdict CheckRegister(const std::vector<RegisterOp>& ops, size_t budget) {
  KeyVerdict result;
  const int n = static_cast<int>(ops.size());
  if (n == 0) return result;

  // The history as a doubly linked list of call and return events in time order. Node 0 is the
  // head; node 1 + k is the k-th event; -1 ends the list.
  struct Event {
    int64_t time;
    bool is_return;
    int op;
  };
  std::vector<Event> events;
  events.reserve(2 * n);
  for (int i = 0; i < n; ++i) {
    const KvOperation& src = *ops[i].source;
    events.push_back(Event{src.invoke_time, false, i});
    const int64_t ret = ops[i].known ? std::max(src.return_time, src.invoke_time)
                                     : std::numeric_limits<int64_t>::max();
    events.push_back(Event{ret, true, i});
  }
  // At equal times calls go first: such operations count as concurrent, which never rejects a
  // linearizable history.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.is_return != b.is_return) return !a.is_return;
    return a.op < b.op;
  });
  const int nodes = 2 * n + 1;
  std::vector<int> next(nodes), prev(nodes), call_node(n), return_node(n), op_of(nodes, -1);
  std::vector<bool> is_return(nodes, false);
  for (int k = 0; k < 2 * n; ++k) {
    const int node = k + 1;
    op_of[node] = events[k].op;
    is_return[node] = events[k].is_return;
    (events[k].is_return ? return_node : call_node)[events[k].op] = node;
  }
  for (int node = 0; node < nodes; ++node) {
    next[node] = node + 1 < nodes ? node + 1 : -1;
    prev[node] = node - 1;
  }
  auto unlink = [&](int node) {
    next[prev[node]] = next[node];
    if (next[node] != -1) prev[next[node]] = prev[node];
  };
  auto relink = [&](int node) {
    if (next[node] != -1) prev[next[node]] = node;
    next[prev[node]] = node;
  };
  auto lift = [&](int call) {
    unlink(call);
    unlink(return_node[op_of[call]]);
  };
  auto unlift = [&](int call) {
    relink(return_node[op_of[call]]);
    relink(call);
  };

  const size_t words = (static_cast<size_t>(n) + 63) / 64;
  std::vector<uint64_t> bits(words, 0);
  std::vector<uint64_t> zobrist(n);
  for (int i = 0; i < n; ++i) zobrist[i] = Mix(static_cast<uint64_t>(i) * 2 + 1);
  uint64_t set_hash = 0;
  ConfigurationCache cache(words);

  struct Frame {
    int call;
    int32_t state;
  };
  std::vector<Frame> stack;
  std::vector<int> best_prefix;
  int32_t state = kAbsent;
  int entry = next[0];
  while (next[0] != -1) {
    if (cache.size() > budget) {
      result.verdict = Verdict::kUnknown;
      result.configurations = cache.size();
      result.explanation = Explain(ops, best_prefix, "search budget exhausted");
      return result;
    }
    if (!is_return[entry]) {
      const int op = op_of[entry];
      int32_t new_state;
      if (StepRegister(ops[op], state, &new_state)) {
        bits[op / 64] |= uint64_t{1} << (op % 64);
        const uint64_t hash = set_hash ^ zobrist[op] ^ Mix(static_cast<uint64_t>(new_state));
        if (cache.Insert(hash, bits.data(), new_state)) {
          stack.push_back(Frame{entry, state});
          state = new_state;
          set_hash ^= zobrist[op];
          lift(entry);
          if (stack.size() > best_prefix.size()) {
            best_prefix.clear();
            for (const Frame& f : stack) best_prefix.push_back(op_of[f.call]);
          }
          entry = next[0];
          continue;
        }
        bits[op / 64] &= ~(uint64_t{1} << (op % 64));
      }
      entry = next[entry];
    } else {
      // An operation returned before any order placed it: undo the last choice.
      if (stack.empty()) {
        result.verdict = Verdict::kNotLinearizable;
        result.configurations = cache.size();
        result.explanation = Explain(ops, best_prefix, "not linearizable");
        return result;
      }
      const Frame frame = stack.back();
      stack.pop_back();
      const int op = op_of[frame.call];
      state = frame.state;
      bits[op / 64] &= ~(uint64_t{1} << (op % 64));
      set_hash ^= zobrist[op];
      unlift(frame.call);
      entry = next[frame.call];
    }
  }
  result.configurations = cache.size();
  return result;
}

}  // namespace

std::string DescribeOperation(const KvOperation& op) {
  auto show = [](const std::optional<std::string>& v) { return v ? *v : std::string("<absent>"); };
  std::string what;
  switch (op.kind) {
    case KvOperation::Kind::kPut:
      what = fmt::format("put({}, {})", op.key, op.value);
      break;
    case KvOperation::Kind::kGet:
      what = fmt::format("get({})", op.key);
      if (op.known) what += fmt::format(" -> {}", show(op.read));
      break;
    case KvOperation::Kind::kCas:
      what = fmt::format("cas({}, {} -> {})", op.key, show(op.expected), op.value);
      if (op.known) what += op.cas_ok ? " -> ok" : " -> failed";
      break;
  }
  if (op.known) {
    return fmt::format("op {} client {}: {} [{}, {}]", op.id, op.client, what, op.invoke_time,
                       op.return_time);
  }
  return fmt::format("op {} client {}: {} [{}, unknown outcome)", op.id, op.client, what,
                     op.invoke_time);
}

LinearizabilityResult LinearizabilityChecker::Check(const std::vector<KvOperation>& history) const {
  // P-compositionality: one register per key. std::map keeps the order of keys (and so of the
  // report) deterministic.
  std::map<std::string, std::vector<const KvOperation*>> by_key;
  for (const KvOperation& op : history) {
    if (op.kind == KvOperation::Kind::kGet && !op.known) continue;  // constrains nothing
    by_key[op.key].push_back(&op);
  }
  LinearizabilityResult result;
  for (const auto& [key, ops] : by_key) {
    ValueInterner values;
    std::vector<RegisterOp> reg;
    reg.reserve(ops.size());
    for (const KvOperation* op : ops) {
      RegisterOp r{op->kind, op->known, op->cas_ok, 0, 0, 0, op};
      if (op->kind != KvOperation::Kind::kGet) r.value = values.Intern(op->value);
      if (op->kind == KvOperation::Kind::kCas) r.expected = values.Intern(op->expected);
      if (op->kind == KvOperation::Kind::kGet) r.read = values.Intern(op->read);
      reg.push_back(r);
    }
    KeyVerdict verdict = CheckRegister(reg, options_.max_configurations_per_key);
    result.configurations += verdict.configurations;
    if (verdict.verdict != Verdict::kLinearizable) {
      result.verdict = verdict.verdict;
      result.key = key;
      result.explanation = fmt::format("key {}: {}", key, verdict.explanation);
      return result;
    }
  }
  return result;
}

}  // namespace ozone::raft::sim
