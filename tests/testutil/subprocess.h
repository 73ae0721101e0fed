// Subprocess: starts a child program for multi-process tests and stops it for sure.
// The child's stdout is a pipe the test can read lines from; its stderr is inherited.
// The destructor kills (SIGKILL) and reaps a child that is still running, so a failing test
// never leaves processes behind.
//
// Thread-safety: one thread uses a Subprocess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace ozone::testutil {

class Subprocess {
 public:
  // Starts `argv[0]` (a path) with `argv`. Extra environment entries ("K=V") are added.
  static Result<Subprocess> Start(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& extra_env = {});

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  ~Subprocess();

  pid_t pid() const { return pid_; }

  // Reads one line of the child's stdout (without the newline); nullopt at EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Waits for a line equal to `line`, discarding others. False on EOF or timeout.
  bool WaitForLine(const std::string& line, std::chrono::milliseconds timeout);

  // Sends a signal.
  void Signal(int sig);
  // Waits for exit; returns the wait status (as from waitpid), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGKILL and reap.
  void Kill();

 private:
  Subprocess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
};

// The directory holding the running test binary (helpers are built next to it).
std::string TestBinaryDir();

// A fresh, empty directory under $TMPDIR for this test, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ozone::testutil
