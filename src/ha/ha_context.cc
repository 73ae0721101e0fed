#include "ha/ha_context.h"

namespace ozone::ha {

bool HaContext::IsLeader() const {
  std::lock_guard<std::mutex> l(mu_);
  return leader_;
}

bool HaContext::IsLeaderReady() const {
  std::lock_guard<std::mutex> l(mu_);
  return leader_ && leader_ready_;
}

Term HaContext::term() const {
  std::lock_guard<std::mutex> l(mu_);
  return term_;
}

Result<Term> HaContext::TermOfLeader() const {
  std::lock_guard<std::mutex> l(mu_);
  if (leader_) return term_;
  if (leader_hint_) {
    return Status::NotLeader("not the leader. Suggested leader is " + *leader_hint_ + ".");
  }
  return Status::NotLeader("not the leader. No leader is known.");
}

std::optional<std::string> HaContext::LeaderHint() const {
  std::lock_guard<std::mutex> l(mu_);
  return leader_hint_;
}

SafeModeStatus HaContext::safe_mode() const {
  std::lock_guard<std::mutex> l(mu_);
  return safe_mode_;
}

void HaContext::SetLeader(bool leader, Term term) {
  std::lock_guard<std::mutex> l(mu_);
  // Leader-ready survives only an update that keeps the same leadership (same term).
  if (!leader || !leader_ || term != term_) leader_ready_ = false;
  leader_ = leader;
  term_ = term;
}

void HaContext::SetLeaderReady() {
  std::lock_guard<std::mutex> l(mu_);
  if (leader_) leader_ready_ = true;
}

void HaContext::SetLeaderHint(std::optional<std::string> hint) {
  std::lock_guard<std::mutex> l(mu_);
  leader_hint_ = std::move(hint);
}

void HaContext::SetSafeMode(SafeModeStatus status) {
  std::lock_guard<std::mutex> l(mu_);
  safe_mode_ = status;
}

}  // namespace ozone::ha
