#include "core/report/splice.hpp"

#include "core/util/gather_output.hpp"

namespace kumo::report {

SharedTextOut::SharedTextOut(std::ostream& out)
    : m_out(&out), m_lend_to(dynamic_cast<util::GatherOutput*>(out.rdbuf())) {}

void SharedTextOut::write(const SharedText& text) const {
  if (m_lend_to != nullptr) {
    m_lend_to->lend(text);
    return;
  }
  util::write_text(*m_out, *text);
}

void SharedTextOut::write_view(std::string_view text) const {
  if (m_lend_to != nullptr && text.size() >= k_lend_view_bytes) {
    m_lend_to->lend_view(text);
    return;
  }
  util::write_text(*m_out, text);
}

void SharedTextOut::release() const {
  if (m_lend_to != nullptr) {
    m_lend_to->pubsync();
  }
}

void write_shared(std::ostream& out, const SharedText& text) { SharedTextOut(out).write(text); }

}  // namespace kumo::report
