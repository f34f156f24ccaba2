// What every declared-once table of named rows (formats, diff formats,
// test formats) shares: the row's shape and the lookup of a row by name.
#pragma once

#include <optional>
#include <string_view>

namespace kumo::util {

// A row of such a table: what code calls it, what users type, what --help says.
template <typename Id>
struct NamedRow {
  Id id;
  std::string_view name;
  std::string_view description;
};

// The `id` of the row of `table` whose `name` is `name`; none when no row is.
template <typename Table>
auto id_named(const Table& table, std::string_view name) -> std::optional<decltype(table.begin()->id)> {
  for (const auto& row : table) {
    if (row.name == name) {
      return row.id;
    }
  }
  return std::nullopt;
}

}  // namespace kumo::util
