// A child process for DBStore tests that need a second process:
//   db_test_helper hold <db>            open the DB, print "ready", keep it open until killed
//   db_test_helper write-batches <db>   commit batches {a/<i>, b/<i>} forever (unsynced), printing
//                                       "ready" after the first one and "wrote <n>" every 1000
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "storage/db_store.h"

using ozone::storage::DBDefinition;
using ozone::storage::DBStore;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: db_test_helper hold|write-batches <db>\n";
    return 2;
  }
  std::string mode = argv[1];
  // "hold" keeps whatever families the DB has; "write-batches" needs a and b.
  DBDefinition def =
      mode == "hold" ? DBDefinition("any", {})
                     : DBDefinition("test.db", {{"a", nullptr, nullptr}, {"b", nullptr, nullptr}});
  auto store = DBStore::Open(argv[2], def);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  if (mode == "hold") {
    std::cout << "ready" << std::endl;
    // Until killed: stdin is no signal (under ctest it is /dev/null, and an EOF there let the
    // lock go before the test tried to take it).
    while (true) ::pause();
  }
  if (mode == "write-batches") {
    auto a = *(*store)->Table("a");
    auto b = *(*store)->Table("b");
    for (uint64_t i = 0;; ++i) {
      ozone::storage::WriteBatch batch;
      std::string k = std::to_string(i);
      batch.Put(*a, k, std::string(100, 'x'));
      batch.Put(*b, k, std::string(100, 'y'));
      if (!(*store)->Commit(batch, {.sync = false}).ok()) return 1;
      if (i == 0) std::cout << "ready" << std::endl;
      if (i > 0 && i % 1000 == 0) std::cout << "wrote " << i << std::endl;
    }
  }
  return 2;
}
