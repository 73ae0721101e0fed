#include "ha/raft/core/config_history.h"

namespace ozone::raft {

void ConfigHistory::Reset(LogIndex base_index, Configuration base) {
  entries_.clear();
  entries_.emplace_back(base_index, std::move(base));
}

void ConfigHistory::Append(LogIndex index, Configuration config) {
  TruncateFrom(index);
  entries_.emplace_back(index, std::move(config));
}

void ConfigHistory::TruncateFrom(LogIndex index) {
  while (entries_.size() > 1 && entries_.back().first >= index) entries_.pop_back();
}

void ConfigHistory::CompactTo(LogIndex index) {
  size_t keep = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first <= index) keep = i;
  }
  if (keep > 0) entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(keep));
}

const Configuration& ConfigHistory::At(LogIndex index) const {
  for (size_t i = entries_.size(); i-- > 0;) {
    if (entries_[i].first <= index) return entries_[i].second;
  }
  return entries_.front().second;
}

}  // namespace ozone::raft
