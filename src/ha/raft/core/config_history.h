// ConfigHistory: the configurations of a group along its log. A configuration takes effect
// when its entry is appended (Raft thesis §4.1), so the one in effect is the latest in the log,
// committed or not; truncating the log reverts to the one before.
//
// Thread-safety: not thread-safe; owned by RaftCore.
#pragma once

#include <utility>
#include <vector>

#include "ha/raft/types.h"

namespace ozone::raft {

class ConfigHistory {
 public:
  // `base` is in effect at `base_index` (a snapshot's configuration, or empty at 0).
  void Reset(LogIndex base_index, Configuration base);
  // A kConfig entry at `index` (greater than every recorded one).
  void Append(LogIndex index, Configuration config);
  // The log was truncated from `index` on: forget configurations at or after it.
  void TruncateFrom(LogIndex index);
  // Entries through `index` are covered by a snapshot: fold older ones into the base.
  void CompactTo(LogIndex index);

  const Configuration& Current() const { return entries_.back().second; }
  LogIndex CurrentIndex() const { return entries_.back().first; }
  // The configuration in effect at `index`.
  const Configuration& At(LogIndex index) const;

 private:
  std::vector<std::pair<LogIndex, Configuration>> entries_{{LogIndex(0), Configuration{}}};
};

}  // namespace ozone::raft
