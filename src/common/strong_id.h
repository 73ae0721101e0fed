// StrongId<Tag, T>: a distinct type per kind of identifier, so that a ContainerId cannot be
// passed where a LocalId is expected. Zero-cost wrapper, ordered and hashable.
//
// Thread-safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace ozone {

template <typename Tag, typename T>
class StrongId {
 public:
  using ValueType = T;

  constexpr StrongId() = default;
  constexpr explicit StrongId(T value) : value_(value) {}

  constexpr const T& value() const { return value_; }

  constexpr auto operator<=>(const StrongId&) const = default;
  constexpr bool operator==(const StrongId&) const = default;

 private:
  T value_{};
};

template <typename Tag, typename T>
std::ostream& operator<<(std::ostream& os, const StrongId<Tag, T>& id) {
  return os << id.value();
}

// StrongIndex<Tag>: a strong unsigned counter that supports the arithmetic positions need
// (next, distance, offset) and nothing that mixes kinds: LogIndex + LogIndex is an error,
// LogIndex + uint64_t and LogIndex - LogIndex (a count) are fine. As ScyllaDB's raft index_t.
template <typename Tag>
class StrongIndex {
 public:
  constexpr StrongIndex() = default;
  constexpr explicit StrongIndex(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }

  constexpr auto operator<=>(const StrongIndex&) const = default;
  constexpr bool operator==(const StrongIndex&) const = default;

  constexpr StrongIndex& operator++() {
    ++value_;
    return *this;
  }
  constexpr StrongIndex operator++(int) { return StrongIndex(value_++); }
  constexpr StrongIndex operator+(uint64_t n) const { return StrongIndex(value_ + n); }
  constexpr StrongIndex operator-(uint64_t n) const { return StrongIndex(value_ - n); }
  constexpr uint64_t operator-(StrongIndex other) const { return value_ - other.value_; }
  constexpr StrongIndex& operator+=(uint64_t n) {
    value_ += n;
    return *this;
  }

 private:
  uint64_t value_ = 0;
};

template <typename Tag>
std::ostream& operator<<(std::ostream& os, const StrongIndex<Tag>& i) {
  return os << i.value();
}

// Identifiers shared across modules. Module-specific ones live with their module.
using ContainerId = StrongId<struct ContainerIdTag, uint64_t>;
using LocalId = StrongId<struct LocalIdTag, uint64_t>;
using DeleteTxnId = StrongId<struct DeleteTxnIdTag, uint64_t>;
// Raft terms and log positions (Raft paper §5).
using Term = StrongIndex<struct TermTag>;
using LogIndex = StrongIndex<struct LogIndexTag>;
// A configured node id (`scm1`, `om2`), as in ozone.scm.nodes.<svc>.
using NodeId = StrongId<struct NodeIdTag, std::string>;

}  // namespace ozone

template <typename Tag, typename T>
struct std::hash<ozone::StrongId<Tag, T>> {
  size_t operator()(const ozone::StrongId<Tag, T>& id) const noexcept {
    return std::hash<T>()(id.value());
  }
};

template <typename Tag>
struct std::hash<ozone::StrongIndex<Tag>> {
  size_t operator()(const ozone::StrongIndex<Tag>& i) const noexcept {
    return std::hash<uint64_t>()(i.value());
  }
};
