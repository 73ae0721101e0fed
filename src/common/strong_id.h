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

// Identifiers shared across modules. Module-specific ones live with their module.
using ContainerId = StrongId<struct ContainerIdTag, uint64_t>;
using LocalId = StrongId<struct LocalIdTag, uint64_t>;
using DeleteTxnId = StrongId<struct DeleteTxnIdTag, uint64_t>;
using Term = StrongId<struct TermTag, uint64_t>;
using LogIndex = StrongId<struct LogIndexTag, uint64_t>;
// A configured node id (`scm1`, `om2`), as in ozone.scm.nodes.<svc>.
using NodeId = StrongId<struct NodeIdTag, std::string>;

}  // namespace ozone

template <typename Tag, typename T>
struct std::hash<ozone::StrongId<Tag, T>> {
  size_t operator()(const ozone::StrongId<Tag, T>& id) const noexcept {
    return std::hash<T>()(id.value());
  }
};
