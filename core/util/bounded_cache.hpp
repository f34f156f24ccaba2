// A cache of values computed from keys, bounded by the memory its values
// hold rather than by a count of entries: when they would pass the budget
// it starts over. Any sequence of keys then costs at most one computation
// per distinct key per budget's worth of values: no pattern of keys (as
// k+1 configs in turn against a k-entry LRU) makes every lookup miss.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <utility>

namespace kumo::util {

template <typename Key, typename Value, typename Hash>
class BoundedCache {
 public:
  explicit BoundedCache(std::size_t budget_bytes) : m_budget(budget_bytes) {}

  // The value for `key`, computed by `compute(key)` on a miss; `bytes(value)`
  // is what it holds beyond its own size. The reference is valid until the
  // next get().
  template <typename Compute, typename Bytes>
  const Value& get(const Key& key, Compute&& compute, Bytes&& bytes) {
    if (auto it = m_entries.find(key); it != m_entries.end()) {
      return it->second;
    }
    Value value = compute(key);
    const std::size_t size = sizeof(Key) + sizeof(Value) + bytes(value);
    if (m_held + size > m_budget) {
      m_entries.clear();
      m_held = 0;
    }
    m_held += size;
    return m_entries.emplace(key, std::move(value)).first->second;
  }

  std::size_t size() const { return m_entries.size(); }

 private:
  std::unordered_map<Key, Value, Hash> m_entries;
  std::size_t m_budget;
  std::size_t m_held = 0;
};

}  // namespace kumo::util
