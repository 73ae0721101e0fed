#include "ha/raft/log/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace ozone::raft::crc32c {
namespace {

using ExtendFn = uint32_t (*)(uint32_t, const void*, size_t);

// The check value of the CRC catalogue and the test vectors of RFC 3720 (iSCSI), appendix B.4.
void ExpectStandardVectors(ExtendFn extend) {
  auto value = [&](const std::string& s) { return extend(0, s.data(), s.size()); };
  EXPECT_EQ(value(""), 0u);
  EXPECT_EQ(value("123456789"), 0xE3069283u);
  EXPECT_EQ(value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(value(ascending), 0x46DD794Eu);
  EXPECT_EQ(value(descending), 0x113FDB5Cu);
  // An iSCSI SCSI Read (10) command PDU.
  const unsigned char pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                 0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(extend(0, pdu, sizeof(pdu)), 0xD9963A56u);
}

TEST(Crc32cTest, PortableMatchesStandardVectors) { ExpectStandardVectors(&ExtendPortable); }

TEST(Crc32cTest, HardwareMatchesStandardVectors) {
  if (!HardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  ExpectStandardVectors(&ExtendHardware);
}

TEST(Crc32cTest, DispatchedMatchesStandardVectors) { ExpectStandardVectors(&Extend); }

TEST(Crc32cTest, ExtendIsTheCrcOfTheConcatenation) {
  const std::string a = "hello ";
  const std::string b = "world, this is a longer piece that spans several words";
  const std::string ab = a + b;
  for (ExtendFn extend : {&ExtendPortable, &Extend}) {
    EXPECT_EQ(extend(extend(0, a.data(), a.size()), b.data(), b.size()),
              extend(0, ab.data(), ab.size()));
  }
  EXPECT_NE(Value(a.data(), a.size()), Value(b.data(), b.size()));
}

TEST(Crc32cTest, HardwareEqualsPortableOnRandomData) {
  if (!HardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(20240611);
  std::string data(1 << 20, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  // Every length up to 1 KiB at every alignment, then random slices, then the whole buffer.
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n <= 1024; ++n) {
      ASSERT_EQ(ExtendHardware(0, data.data() + offset, n),
                ExtendPortable(0, data.data() + offset, n))
          << "offset " << offset << " length " << n;
    }
  }
  for (int i = 0; i < 1000; ++i) {
    const size_t offset = rng() % data.size();
    const size_t n = rng() % (data.size() - offset);
    const uint32_t seed = static_cast<uint32_t>(rng());
    ASSERT_EQ(ExtendHardware(seed, data.data() + offset, n),
              ExtendPortable(seed, data.data() + offset, n));
  }
  EXPECT_EQ(ExtendHardware(0, data.data(), data.size()),
            ExtendPortable(0, data.data(), data.size()));
}

TEST(Crc32cTest, DetectsEverySingleBitFlip) {
  std::string data = "term=7 index=42 a typical small entry payload.";
  const uint32_t good = Value(data.data(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      data[i] ^= static_cast<char>(1 << bit);
      EXPECT_NE(Value(data.data(), data.size()), good);
      data[i] ^= static_cast<char>(1 << bit);
    }
  }
}

}  // namespace
}  // namespace ozone::raft::crc32c
