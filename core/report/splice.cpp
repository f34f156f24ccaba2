#include "core/report/splice.hpp"

#include "core/util/gather_output.hpp"

namespace kumo::report {

void write_shared(std::ostream& out, const SharedText& text) {
  if (auto* gather = dynamic_cast<util::GatherOutput*>(out.rdbuf())) {
    gather->lend(text);
    return;
  }
  out.write(text->data(), static_cast<std::streamsize>(text->size()));
}

}  // namespace kumo::report
