#include "om/ha/proposed_entries.h"

namespace ozone::om {

void ProposedEntries::Keep(std::string bytes, OMLogEntry entry) {
  std::lock_guard<std::mutex> l(mu_);
  kept_.emplace(std::move(bytes), Kept{std::move(entry), next_seq_++});
  if (kept_.size() <= kMaxKept) return;
  // Rare (proposals failed, e.g. leadership lost): one sweep, then kMaxKept / 2 keeps before the
  // next.
  const uint64_t keep_from = next_seq_ - kMaxKept / 2;
  for (auto it = kept_.begin(); it != kept_.end();) {
    it = it->second.seq < keep_from ? kept_.erase(it) : std::next(it);
  }
}

std::optional<OMLogEntry> ProposedEntries::Take(std::string_view bytes) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = kept_.find(bytes);
  if (it == kept_.end()) return std::nullopt;
  OMLogEntry entry = std::move(it->second.entry);
  kept_.erase(it);
  return entry;
}

size_t ProposedEntries::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return kept_.size();
}

}  // namespace ozone::om
