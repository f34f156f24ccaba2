// diag::same_but_queue: the same finding for another queue, which the JSON
// writer lays out once (report/render_json.cpp FindingMemo).
#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include "core/diag/diagnostic.hpp"

TEST_CASE("same_but_queue: equal but for the queue, and unequal for any other member", "[diag]") {
  using kumo::diag::Diagnostic;
  Diagnostic a;
  a.code = "KQ203";
  a.severity = kumo::diag::Severity::warning;
  a.message = "last attempt at 3days 13h";
  a.location = {"policy.lua", 25, 5};
  a.queue = "c0:bulk@d0.example.com";
  a.key = "max_age";
  a.detail = "kumod's words";
  Diagnostic b = a;
  b.queue = "c1:bulk@d1.example.com";
  CHECK(kumo::diag::same_but_queue(a, b));
  b.queue.reset();
  CHECK(kumo::diag::same_but_queue(a, b));
  const std::vector<std::function<void(Diagnostic&)>> changes = {
      [](Diagnostic& d) { d.code = "KQ204"; },     [](Diagnostic& d) { d.severity = kumo::diag::Severity::error; },
      [](Diagnostic& d) { d.message += "!"; },     [](Diagnostic& d) { d.location.file = "other.lua"; },
      [](Diagnostic& d) { d.location.line = 26; }, [](Diagnostic& d) { d.location.column = 6; },
      [](Diagnostic& d) { d.key.reset(); },        [](Diagnostic& d) { d.detail.clear(); },
      [](Diagnostic& d) { d.suppressed = true; },  [](Diagnostic& d) { d.baselined = true; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    INFO("change " << i);
    Diagnostic c = a;
    changes[i](c);
    CHECK_FALSE(kumo::diag::same_but_queue(a, c));
    // Every member but the queue is one operator== compares.
    CHECK_FALSE(a == c);
  }
}
