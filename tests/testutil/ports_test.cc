#include "tests/testutil/ports.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

namespace ozone::testutil {
namespace {

// Listens on `port` of 127.0.0.1 until destroyed.
class Listener {
 public:
  explicit Listener(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          ::listen(fd_, 1) == 0;
  }
  ~Listener() { ::close(fd_); }
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
};

TEST(PortBlockTest, HandsOutEachPortOnceBelowTheEphemeralRange) {
  Result<PortBlock> block = PortBlock::Claim();
  ASSERT_TRUE(block.ok()) << block.status();
  EXPECT_GE(block->base(), 10000);
  EXPECT_LT(block->base() + PortBlock::kSize, 20001);
  std::set<int> seen;
  for (int i = 0; i < PortBlock::kSize; ++i) {
    int port = block->Next();
    if (port == 0) break;
    EXPECT_GE(port, block->base());
    EXPECT_LT(port, block->base() + PortBlock::kSize);
    EXPECT_TRUE(seen.insert(port).second) << port << " handed out twice";
  }
  EXPECT_FALSE(seen.empty());
  EXPECT_EQ(block->Next(), 0) << "used up";
}

TEST(PortBlockTest, SkipsAPortSomethingListensOn) {
  Result<PortBlock> block = PortBlock::Claim();
  ASSERT_TRUE(block.ok()) << block.status();
  // The block's first free port: an earlier test's server may have left the base in TIME_WAIT,
  // where a bind fails (the CI run of 76658e2).
  int port = block->base();
  while (port < block->base() + PortBlock::kSize && !PortFree(port)) ++port;
  ASSERT_LT(port, block->base() + PortBlock::kSize);
  Listener taken(port);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(PortFree(port));
  EXPECT_GT(block->Next(), port);
}

TEST(PortBlockTest, BlocksHeldAtOnceAreDistinctAndReleasedWhenDestroyed) {
  std::set<int> bases;
  {
    std::vector<PortBlock> held;
    for (int i = 0; i < 5; ++i) {
      Result<PortBlock> b = PortBlock::Claim();
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_TRUE(bases.insert(b->base()).second) << b->base() << " claimed twice";
      held.push_back(std::move(b).value());
    }
  }
  // Released: a claim that accepts only the first block's base gets it again.
  const int first = *bases.begin();
  Result<PortBlock> again = PortBlock::Claim([first](int base) { return base == first; });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->base(), first);
}

}  // namespace
}  // namespace ozone::testutil
