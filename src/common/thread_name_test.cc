#include "common/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace ozone {
namespace {

// What /proc shows as the calling thread's name.
std::string ProcName() {
  std::ifstream in("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(NameThisThreadTest, NamesTheCallingThreadAndCutsLongNamesTo15Bytes) {
  std::string short_name, long_name;
  std::thread t([&] {
    NameThisThread("double-buffer");
    short_name = ProcName();
    NameThisThread("KeyDeletingService");
    long_name = ProcName();
  });
  t.join();
  EXPECT_EQ(short_name, "double-buffer");
  EXPECT_EQ(long_name, "KeyDeletingServ");
}

}  // namespace
}  // namespace ozone
