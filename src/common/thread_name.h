// Names the calling thread as `top -H`, perf and /proc/<pid>/task/*/comm show it (Linux keeps
// 15 bytes: longer names are cut). Threads a server starts name themselves first thing, so that
// a profile of a busy process says which of its threads the time went to.
//
// Thread-safety: affects the calling thread only.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace ozone {

inline void NameThisThread(std::string_view name) {
  std::string cut(name.substr(0, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace ozone
