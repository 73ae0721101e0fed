#include "ha/raft/sim/linearizability_checker.h"

#include <gtest/gtest.h>

#include <map>

#include "ha/raft/sim/sim_random.h"

namespace ozone::raft::sim {
namespace {

using Kind = KvOperation::Kind;
using Verdict = LinearizabilityResult::Verdict;

class History {
 public:
  History& Put(std::string key, std::string value, int64_t invoke, int64_t ret) {
    KvOperation op = Base(Kind::kPut, std::move(key), invoke, ret);
    op.value = std::move(value);
    ops_.push_back(op);
    return *this;
  }
  // A put whose outcome is unknown (the client timed out).
  History& PutUnknown(std::string key, std::string value, int64_t invoke) {
    KvOperation op = Base(Kind::kPut, std::move(key), invoke, 0);
    op.value = std::move(value);
    op.known = false;
    ops_.push_back(op);
    return *this;
  }
  History& Get(std::string key, std::optional<std::string> read, int64_t invoke, int64_t ret) {
    KvOperation op = Base(Kind::kGet, std::move(key), invoke, ret);
    op.read = std::move(read);
    ops_.push_back(op);
    return *this;
  }
  History& GetUnknown(std::string key, int64_t invoke) {
    KvOperation op = Base(Kind::kGet, std::move(key), invoke, 0);
    op.known = false;
    ops_.push_back(op);
    return *this;
  }
  History& Cas(std::string key, std::optional<std::string> expected, std::string value, bool ok,
               int64_t invoke, int64_t ret) {
    KvOperation op = Base(Kind::kCas, std::move(key), invoke, ret);
    op.expected = std::move(expected);
    op.value = std::move(value);
    op.cas_ok = ok;
    ops_.push_back(op);
    return *this;
  }
  History& CasUnknown(std::string key, std::optional<std::string> expected, std::string value,
                      int64_t invoke) {
    KvOperation op = Base(Kind::kCas, std::move(key), invoke, 0);
    op.expected = std::move(expected);
    op.value = std::move(value);
    op.known = false;
    ops_.push_back(op);
    return *this;
  }

  LinearizabilityResult Check(LinearizabilityOptions options = {}) const {
    return LinearizabilityChecker(options).Check(ops_);
  }
  const std::vector<KvOperation>& ops() const { return ops_; }

 private:
  KvOperation Base(Kind kind, std::string key, int64_t invoke, int64_t ret) {
    KvOperation op;
    op.id = ops_.size() + 1;
    op.client = static_cast<int>(ops_.size());
    op.kind = kind;
    op.key = std::move(key);
    op.invoke_time = invoke;
    op.return_time = ret;
    return op;
  }
  std::vector<KvOperation> ops_;
};

TEST(LinearizabilityCheckerTest, EmptyHistoryIsLinearizable) {
  EXPECT_TRUE(History().Check().ok());
}

TEST(LinearizabilityCheckerTest, SequentialReadsSeeTheLatestWrite) {
  auto r = History()
               .Get("x", std::nullopt, 0, 1)
               .Put("x", "1", 2, 3)
               .Get("x", "1", 4, 5)
               .Put("x", "2", 6, 7)
               .Get("x", "2", 8, 9)
               .Check();
  EXPECT_TRUE(r.ok()) << r.explanation;
}

TEST(LinearizabilityCheckerTest, StaleReadIsNotLinearizable) {
  // The read starts after the second write was acknowledged, yet returns the first value.
  auto r = History().Put("x", "1", 0, 1).Put("x", "2", 2, 3).Get("x", "1", 4, 5).Check();
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(r.key, "x");
  EXPECT_NE(r.explanation.find("get(x) -> 1"), std::string::npos) << r.explanation;
}

TEST(LinearizabilityCheckerTest, ConcurrentReadMaySeeEitherValue) {
  EXPECT_TRUE(History().Put("x", "1", 0, 1).Put("x", "2", 2, 10).Get("x", "1", 3, 4).Check().ok());
  EXPECT_TRUE(History().Put("x", "1", 0, 1).Put("x", "2", 2, 10).Get("x", "2", 3, 4).Check().ok());
}

TEST(LinearizabilityCheckerTest, ReadsCannotGoBackInTime) {
  // Two reads concurrent with one write: once a read saw the new value, a later read cannot see
  // the old one.
  auto r = History()
               .Put("x", "1", 0, 1)
               .Put("x", "2", 2, 20)
               .Get("x", "2", 3, 4)
               .Get("x", "1", 5, 6)
               .Check();
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, ReadOfAValueNeverWrittenIsNotLinearizable) {
  EXPECT_EQ(History().Put("x", "1", 0, 1).Get("x", "7", 2, 3).Check().verdict,
            Verdict::kNotLinearizable);
  EXPECT_EQ(History().Get("x", "1", 0, 1).Put("x", "1", 2, 3).Check().verdict,
            Verdict::kNotLinearizable);  // read before the write was invoked
}

TEST(LinearizabilityCheckerTest, UnknownWriteMayTakeEffectLate) {
  auto r = History()
               .PutUnknown("x", "1", 0)
               .Get("x", std::nullopt, 5, 6)
               .Get("x", "1", 100, 101)
               .Check();
  EXPECT_TRUE(r.ok()) << r.explanation;
}

TEST(LinearizabilityCheckerTest, UnknownWriteMayNeverTakeEffect) {
  auto r = History().PutUnknown("x", "1", 0).Put("x", "2", 5, 6).Get("x", "2", 100, 101).Check();
  EXPECT_TRUE(r.ok()) << r.explanation;
  EXPECT_TRUE(History().PutUnknown("x", "1", 0).Get("x", std::nullopt, 50, 60).Check().ok());
}

TEST(LinearizabilityCheckerTest, UnknownWriteCannotBeUndone) {
  // Once a read saw it, the write took effect; a later read cannot miss it.
  auto r =
      History().PutUnknown("x", "1", 0).Get("x", "1", 5, 6).Get("x", std::nullopt, 7, 8).Check();
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, UnknownWriteCannotTakeEffectBeforeItsInvocation) {
  auto r = History().Get("x", "1", 0, 1).PutUnknown("x", "1", 5).Check();
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, UnknownReadsConstrainNothing) {
  EXPECT_TRUE(History().Put("x", "1", 0, 1).GetUnknown("x", 2).Check().ok());
}

TEST(LinearizabilityCheckerTest, CompareAndSet) {
  EXPECT_TRUE(History()
                  .Put("x", "1", 0, 1)
                  .Cas("x", "1", "2", true, 2, 3)
                  .Cas("x", "1", "3", false, 4, 5)
                  .Get("x", "2", 6, 7)
                  .Check()
                  .ok());
  // A cas that succeeded against a value the register no longer held.
  EXPECT_EQ(History()
                .Put("x", "1", 0, 1)
                .Put("x", "2", 2, 3)
                .Cas("x", "1", "3", true, 4, 5)
                .Check()
                .verdict,
            Verdict::kNotLinearizable);
  // A failed cas is not linearizable if the expected value was certainly there.
  EXPECT_EQ(History().Put("x", "1", 0, 1).Cas("x", "1", "3", false, 4, 5).Check().verdict,
            Verdict::kNotLinearizable);
  // cas on an absent key.
  EXPECT_TRUE(History().Cas("x", std::nullopt, "1", true, 0, 1).Get("x", "1", 2, 3).Check().ok());
}

TEST(LinearizabilityCheckerTest, UnknownCasFollowsTheRegister) {
  // The unknown cas can only have swapped if it ran while x was 1.
  EXPECT_TRUE(History()
                  .Put("x", "1", 0, 1)
                  .CasUnknown("x", "1", "2", 2)
                  .Get("x", "2", 10, 11)
                  .Check()
                  .ok());
  EXPECT_EQ(History()
                .Put("x", "5", 0, 1)
                .CasUnknown("x", "1", "2", 2)
                .Get("x", "2", 10, 11)
                .Check()
                .verdict,
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, KeysAreCheckedSeparately) {
  auto r = History()
               .Put("a", "1", 0, 10)
               .Get("a", "1", 1, 2)
               .Put("b", "1", 0, 1)
               .Put("b", "2", 2, 3)
               .Get("b", "1", 4, 5)
               .Check();
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(r.key, "b");
}

TEST(LinearizabilityCheckerTest, SearchBudgetGivesUnknown) {
  History h;
  for (int i = 0; i < 40; ++i) h.PutUnknown("x", std::to_string(i), i);
  h.Get("x", "bogus", 1000, 1001);
  LinearizabilityOptions options;
  options.max_configurations_per_key = 100;
  EXPECT_EQ(h.Check(options).verdict, Verdict::kUnknown);
}

// Random histories produced by an atomic register, with operations stretched around their real
// linearization point: always linearizable, however concurrent.
TEST(LinearizabilityCheckerTest, RandomAtomicHistoriesAreLinearizable) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    SimRandom random(seed);
    std::map<std::string, std::optional<std::string>> reg;
    std::vector<KvOperation> ops;
    for (int i = 0; i < 300; ++i) {
      KvOperation op;
      op.id = i + 1;
      op.key = std::string(1, static_cast<char>('a' + random.Uniform(0, 2)));
      const int64_t at = i * 10;  // the linearization point
      op.invoke_time = at - random.Uniform(0, 60);
      op.return_time = at + random.Uniform(0, 60);
      std::optional<std::string>& v = reg[op.key];
      const int64_t what = random.Uniform(0, 9);
      if (what < 4) {
        op.kind = Kind::kPut;
        op.value = std::to_string(i);
        v = op.value;
        op.known = !random.Chance(0.1);
      } else if (what < 8) {
        op.kind = Kind::kGet;
        op.read = v;
      } else {
        op.kind = Kind::kCas;
        op.expected = random.Chance(0.5) ? v : std::optional<std::string>("none");
        op.value = std::to_string(i);
        op.cas_ok = op.expected == v;
        if (op.cas_ok) v = op.value;
      }
      ops.push_back(op);
    }
    // Unknown puts that took effect: the history only says when they were invoked.
    auto r = LinearizabilityChecker().Check(ops);
    EXPECT_TRUE(r.ok()) << "seed " << seed << ": " << r.explanation;
  }
}

}  // namespace
}  // namespace ozone::raft::sim
