#include "tests/testutil/ports.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <utility>

namespace ozone::testutil {

namespace {

constexpr char kLockDir[] = "/tmp/ozone-test-ports";
constexpr int kFirstPort = 10000;
constexpr int kBlocks = 100;  // [10000, 20000)

}  // namespace

bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

Result<PortBlock> PortBlock::Claim(const std::function<bool(int base)>& usable) {
  std::error_code ec;
  std::filesystem::create_directories(kLockDir, ec);
  // Every block once, from a random one (processes starting together seldom contend).
  const int start = static_cast<int>(std::random_device{}() % kBlocks);
  for (int i = 0; i < kBlocks; ++i) {
    const int base = kFirstPort + (start + i) % kBlocks * kSize;
    const std::string path = std::string(kLockDir) + "/" + std::to_string(base);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || (usable && !usable(base))) {
      ::close(fd);
      continue;
    }
    return PortBlock(base, fd);
  }
  return Status::Unavailable("no free block of " + std::to_string(kSize) + " ports in [" +
                             std::to_string(kFirstPort) + ", " +
                             std::to_string(kFirstPort + kBlocks * kSize) + ")");
}

PortBlock::PortBlock(PortBlock&& other) noexcept
    : base_(other.base_), lock_fd_(std::exchange(other.lock_fd_, -1)), next_(other.next_) {}

PortBlock& PortBlock::operator=(PortBlock&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    base_ = other.base_;
    lock_fd_ = std::exchange(other.lock_fd_, -1);
    next_ = other.next_;
  }
  return *this;
}

PortBlock::~PortBlock() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

int PortBlock::Next() {
  while (next_ < kSize) {
    const int port = base_ + next_++;
    if (PortFree(port)) return port;
  }
  return 0;
}

}  // namespace ozone::testutil
