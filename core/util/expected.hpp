// A small stand-in for C++23 std::expected: a value or an error, never both.
// Recoverable failures (a value that does not parse, one queue whose handler
// fails) travel as Expected; conditions that end the run are exceptions.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace kumo::util {

// Wraps an error value so that Expected<T, E> can be built from it even when
// T and E are the same type.
template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return {std::forward<E>(error)};
}

template <class T, class E>
class Expected {
 public:
  Expected(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  template <class G>
  Expected(Unexpected<G> error) : m_data(std::in_place_index<1>, std::move(error.error)) {}

  bool has_value() const { return m_data.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(m_data);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(m_data);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(m_data));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & {
    assert(!has_value());
    return std::get<1>(m_data);
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(m_data);
  }

 private:
  std::variant<T, E> m_data;
};

}  // namespace kumo::util
