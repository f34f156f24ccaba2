// `timeline --format svg`: the retry schedule as a picture. Pure: results in,
// one SVG 1.1 document out. Every coordinate is computed from the input alone
// and printed with std::to_chars (no locale), so the same run gives the same
// bytes; label placement is a greedy left-to-right pass that skips a label
// rather than overlap one, so what is skipped is deterministic too.
#include <algorithm>
#include <charconv>
#include <cstdint>

#include "core/report/render.hpp"
#include "core/util/text.hpp"
#include "core/values/duration.hpp"
#include "core/values/throttle.hpp"

namespace kumo::report {

namespace {
namespace svg {

// --- Page geometry (px) ---

constexpr double k_page_width = 960;
constexpr double k_left = 56;  // room for the first tick label, centered on 0
constexpr double k_right = 56;
constexpr double k_plot_width = k_page_width - k_left - k_right;
constexpr double k_lane_height = 68;  // attempt marks, from the lane's top down to the axis
constexpr double k_strip_height = 64;
constexpr std::size_t k_max_finding_lines = 8;
// Average advance of a character as a fraction of the font size: a little
// wider than sans-serif's digits and lower case, so an estimate never
// understates how much room a label takes.
constexpr double k_char_em = 0.62;

constexpr const char* k_text_color = "#252525";
constexpr const char* k_muted_color = "#636363";
constexpr const char* k_attempt_color = "#08519c";
constexpr const char* k_band_color = "#6baed6";
constexpr const char* k_expiry_color = "#cb181d";
constexpr const char* k_unused_color = "#ececec";

constexpr std::int64_t k_month = 2'630'016;  // humantime's 30.44 days
constexpr std::int64_t k_year = 31'557'600;  // humantime's 365.25 days

// --- Text and numbers ---

// A coordinate with one decimal, "-0" and a trailing ".0" dropped.
std::string num(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 1);
  std::string s(buffer, result.ptr);
  if (s.size() > 2 && s.ends_with(".0")) {
    s.resize(s.size() - 2);
  }
  return s == "-0" ? "0" : s;
}

std::string humantime(std::int64_t seconds) {
  return values::format_humantime(values::Duration{static_cast<std::uint64_t>(std::max<std::int64_t>(seconds, 0)), 0});
}

// Characters as shown: escape_for_terminal's output, counted in code points.
std::size_t shown_length(std::string_view shown) {
  return static_cast<std::size_t>(
      std::count_if(shown.begin(), shown.end(), [](char c) { return !util::is_continuation_byte(c); }));
}

double text_width(std::string_view shown, double font_size) {
  return static_cast<double>(shown_length(shown)) * font_size * k_char_em;
}

// The longest prefix of `text` of at most `max_chars` code points.
std::size_t prefix_bytes(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!util::is_continuation_byte(text[i]) && chars++ == max_chars) {
      return i;
    }
  }
  return text.size();
}

// `text` (one line, any bytes) as escape_for_terminal shows it, broken at
// spaces into lines of at most `max_chars`; a word longer than that is cut.
std::vector<std::string> wrapped(std::string_view text, std::size_t max_chars) {
  std::string rest = util::escape_for_terminal(text);
  std::vector<std::string> lines;
  while (shown_length(rest) > max_chars) {
    std::size_t cut = prefix_bytes(rest, max_chars);
    const std::size_t space = rest.rfind(' ', cut);
    if (space != std::string::npos && space > 0) {
      cut = space;
    }
    lines.push_back(rest.substr(0, cut));
    rest.erase(0, rest[cut] == ' ' ? cut + 1 : cut);
  }
  lines.push_back(rest);
  return lines;
}

// The characters of one wrapped line of prose at `font_size`, from the left
// margin to a little short of the page's edge. Prose averages narrower than
// the digits k_char_em is made for.
std::size_t line_chars(double font_size) {
  constexpr double k_prose_em = 0.56;
  return static_cast<std::size_t>((k_page_width - k_left - 24) / (font_size * k_prose_em));
}

// --- Elements ---

// Attributes of a text: its size, color, anchor and weight.
struct Style {
  double size = 12;
  const char* color = k_text_color;
  const char* anchor = "start";
  bool bold = false;
};

std::string text(double x, double y, std::string_view content, const Style& style) {
  std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(style.size) + "\" fill=\"" +
                    style.color + "\"";
  if (std::string_view(style.anchor) != "start") {
    out += std::string(" text-anchor=\"") + style.anchor + "\"";
  }
  if (style.bold) {
    out += " font-weight=\"bold\"";
  }
  return out + ">" + xml_escape(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const char* color, double width, const char* extra = "") {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\"" +
         color + "\" stroke-width=\"" + num(width) + "\"" + extra + "/>\n";
}

std::string rect(double x, double y, double width, double height, const char* fill, const char* extra = "") {
  return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(width, 0.0)) + "\" height=\"" +
         num(height) + "\" fill=\"" + fill + "\"" + extra + "/>\n";
}

constexpr const char* k_dashed = " stroke-dasharray=\"4 3\"";

// A panel being drawn: its elements and how far down they reach.
struct Canvas {
  std::string body;
  double y = 0;

  // Lines of text from the cursor down, `gap` below the previous line.
  void paragraph(const std::vector<std::string>& lines, const Style& style, double gap = 4) {
    for (const auto& l : lines) {
      y += style.size + gap;
      body += text(k_left, y, l, style);
    }
  }
};

// --- The time axis ---

// Maps [0, span] onto the plot's width.
struct TimeAxis {
  std::int64_t span = 1;

  double x(std::int64_t t) const {
    const std::int64_t clamped = std::clamp<std::int64_t>(t, 0, span);
    return k_left + k_plot_width * static_cast<double>(clamped) / static_cast<double>(span);
  }
};

// The axis line at `y`, its ticks and their labels.
std::string axis(const TimeAxis& a, double y) {
  std::string out = line(k_left, y, k_left + k_plot_width, y, k_text_color, 1);
  const std::int64_t step = timeline_tick_step(a.span);
  for (std::int64_t t = 0; t <= a.span; t += step) {
    out += line(a.x(t), y, a.x(t), y + 5, k_text_color, 1);
    out += text(a.x(t), y + 18, timeline_tick_label(t, step), {11, k_text_color, "middle"});
    if (t > a.span - step) {
      break;  // the next tick would be past the end (and t + step might overflow)
    }
  }
  return out;
}

// Horizontal extents already taken by labels on one row.
class LabelRow {
 public:
  // Whether [left, right] keeps `k_gap` from every extent taken; takes it if so.
  bool take(double left, double right) {
    for (const auto& [l, r] : m_taken) {
      if (left < r + k_gap && right > l - k_gap) {
        return false;
      }
    }
    m_taken.emplace_back(left, right);
    return true;
  }

 private:
  static constexpr double k_gap = 4;
  std::vector<std::pair<double, double>> m_taken;
};

// --- The retry chart ---

std::int64_t chart_span(const simulate::Timeline& t) {
  std::int64_t span = std::max<std::int64_t>(t.max_age_seconds, 1);
  for (const auto& a : t.attempts) {
    span = std::max(span, a.latest_seconds);
  }
  if (t.summary) {
    span = std::max(span, t.summary->last_at_seconds);
  }
  if (t.expiry) {
    span = std::max(span, t.expiry->at_seconds);
  }
  return span;
}

// Where the chart's rows sit, from the top of the chart.
struct ChartRows {
  double numbers = 0;  // baseline of the attempt numbers and the max_age label
  double top = 0;      // top of the marks
  double waits = 0;    // baseline of the wait labels
  double axis = 0;

  explicit ChartRows(double y) : numbers(y + 12), top(y + 18), waits(y + 18 + 30), axis(y + 18 + k_lane_height) {}
};

std::string max_age_mark(const simulate::Timeline& t, const TimeAxis& a, const ChartRows& rows, LabelRow& labels) {
  const double x = a.x(t.max_age_seconds);
  const std::string label = "max_age " + humantime(t.max_age_seconds);
  const double width = text_width(label, 11);
  const bool right_half = x > k_left + k_plot_width / 2;
  const double left = right_half ? x - width : x;
  labels.take(left, left + width);
  return line(x, rows.numbers + 3, x, rows.axis, k_muted_color, 1, k_dashed) +
         text(x, rows.numbers, label, {11, k_muted_color, right_half ? "end" : "start"});
}

// The jitter windows as bands and the attempts as marks, numbered where the
// number fits.
std::string attempt_marks(const simulate::Timeline& t, const TimeAxis& a, const ChartRows& rows, LabelRow& labels) {
  std::string bands;
  std::string marks;
  for (const auto& at : t.attempts) {
    const double x0 = a.x(at.earliest_seconds);
    const double x1 = a.x(at.latest_seconds);
    if (at.latest_seconds > at.earliest_seconds) {
      bands += rect(x0, rows.top, std::max(x1 - x0, 1.0), rows.axis - rows.top, k_band_color, " fill-opacity=\"0.45\"");
    }
    const double x = a.x(at.at_seconds);
    marks += line(x, rows.top, x, rows.axis, k_attempt_color, 1.5);
    const std::string number = std::to_string(at.attempt);
    const double half = text_width(number, 10) / 2;
    if (labels.take(x - half, x + half)) {
      marks += text(x, rows.numbers, number, {10, k_attempt_color, "middle"});
    }
  }
  return bands + marks;
}

// "20m" between two marks, over a thin dimension line, when it fits.
std::string wait_label(std::int64_t from, std::int64_t to, std::int64_t wait, const TimeAxis& a,
                       const ChartRows& rows) {
  const std::string label = humantime(wait);
  const double x0 = a.x(from);
  const double x1 = a.x(to);
  if (x1 - x0 < text_width(label, 10) + 8) {
    return "";
  }
  const double y = rows.waits + 6;
  return line(x0 + 2, y, x1 - 2, y, k_muted_color, 0.75) + line(x0 + 2, y - 3, x0 + 2, y + 3, k_muted_color, 0.75) +
         line(x1 - 2, y - 3, x1 - 2, y + 3, k_muted_color, 0.75) +
         text((x0 + x1) / 2, rows.waits, label, {10, k_muted_color, "middle"});
}

// Whether the periodic tail is drawn as one band: its attempts are too many,
// or too close together, to draw one by one.
bool tail_as_band(const simulate::PeriodicTail& s, const TimeAxis& a) {
  constexpr std::uint64_t k_max_tail_marks = 1000;
  constexpr double k_min_mark_spacing = 3;
  return s.count > k_max_tail_marks || s.period_seconds <= 0 ||
         a.x(s.first_at_seconds + s.period_seconds) - a.x(s.first_at_seconds) < k_min_mark_spacing;
}

// The attempts after the listed ones: marks with their waits, or one band.
// Their jitter windows are not known one by one, so none is drawn.
std::string tail_marks(const simulate::Timeline& t, const TimeAxis& a, const ChartRows& rows,
                       std::uint64_t attempt_duration) {
  if (!t.summary) {
    return "";
  }
  const simulate::PeriodicTail& s = *t.summary;
  if (tail_as_band(s, a)) {
    const double x0 = a.x(s.first_at_seconds);
    const double x1 = a.x(s.last_at_seconds);
    return rect(x0, rows.top, std::max(x1 - x0, 1.5), rows.axis - rows.top, k_attempt_color, " fill-opacity=\"0.3\"");
  }
  std::string out;
  const std::int64_t wait = s.period_seconds - static_cast<std::int64_t>(attempt_duration);
  for (std::uint64_t k = 0; k < s.count; ++k) {
    const std::int64_t at = s.first_at_seconds + static_cast<std::int64_t>(k) * s.period_seconds;
    out += line(a.x(at), rows.top, a.x(at), rows.axis, k_attempt_color, 1.5);
    if (k + 1 < s.count) {
      out += wait_label(at + static_cast<std::int64_t>(attempt_duration), at + s.period_seconds, wait, a, rows);
    }
  }
  return out;
}

// Each wait after a failure, up to the next listed attempt or the tail's first.
std::string wait_labels(const simulate::Timeline& t, const TimeAxis& a, const ChartRows& rows,
                        std::uint64_t attempt_duration) {
  std::string out;
  for (std::size_t i = 0; i < t.attempts.size(); ++i) {
    const simulate::Attempt& at = t.attempts[i];
    if (!at.delay_after_seconds) {
      continue;
    }
    std::optional<std::int64_t> next;
    if (i + 1 < t.attempts.size()) {
      next = t.attempts[i + 1].at_seconds;
    } else if (t.summary) {
      next = t.summary->first_at_seconds;
    }
    if (next) {
      out += wait_label(at.at_seconds + static_cast<std::int64_t>(attempt_duration), *next, *at.delay_after_seconds, a,
                        rows);
    }
  }
  return out;
}

// The max_age the message never uses, shaded, and the expiry line.
std::string expiry_mark(const simulate::Expiry& e, const simulate::Timeline& t, const TimeAxis& a,
                        const ChartRows& rows) {
  const double x = a.x(e.at_seconds);
  std::string out;
  if (t.max_age_seconds > e.at_seconds) {
    out += rect(x, rows.top, a.x(t.max_age_seconds) - x, rows.axis - rows.top, k_unused_color);
  }
  return out + line(x, rows.top - 2, x, rows.axis + 6, k_expiry_color, 2, e.depends_on_jitter ? k_dashed : "");
}

// Under the axis: when it expires and why, or that it never does.
void expiry_text(const simulate::Timeline& t, const TimeAxis& a, Canvas& c) {
  c.y += 8;
  if (!t.expiry) {
    const char* never =
        t.unbounded ? "never expires: every delay truncates to 0s, kumod retries without pause" : "never expires";
    c.paragraph({never}, {12, k_expiry_color});
    return;
  }
  const simulate::Expiry& e = *t.expiry;
  std::string label = "expires at " + humantime(e.at_seconds) + ", after attempt " + std::to_string(e.after_attempt);
  if (e.depends_on_jitter) {
    label += " (jitter decides whether the last retry happens)";
  }
  const double x = a.x(e.at_seconds);
  const bool right_half = x > k_left + k_plot_width / 2;
  const bool fits = right_half ? x - text_width(label, 12) >= 0 : x + text_width(label, 12) <= k_page_width;
  c.y += 16;
  c.body += text(fits ? x : k_left, c.y, label, {12, k_expiry_color, fits && right_half ? "end" : "start"});
  c.paragraph(wrapped("reason: " + e.reason, line_chars(11)), {11, k_muted_color});
}

std::string tail_text(const simulate::PeriodicTail& s, const TimeAxis& a) {
  return std::string(tail_as_band(s, a) ? "dark band" : "unnumbered marks") + ": attempts " +
         std::to_string(s.first_attempt) + " to " + std::to_string(s.first_attempt + s.count - 1) + ", one every " +
         humantime(s.period_seconds) + " from " + humantime(s.first_at_seconds) + " to " +
         humantime(s.last_at_seconds) + " (drawn without their jitter windows)";
}

void legend(const simulate::Timeline& t, const TimeAxis& a, Canvas& c) {
  std::vector<std::string> lines = {
      "mark: an attempt (numbered where the number fits); light band: its jitter window (earliest..latest); "
      "between marks: the wait after a failure, where it fits; grey: max_age left unused"};
  if (t.summary) {
    lines.push_back(tail_text(*t.summary, a));
  }
  for (const auto& l : lines) {
    c.paragraph(wrapped(l, line_chars(10)), {10, k_muted_color}, 3);
  }
}

void retry_chart(const simulate::Timeline& t, std::uint64_t attempt_duration, Canvas& c) {
  const TimeAxis a{chart_span(t)};
  const ChartRows rows(c.y + 8);
  LabelRow labels;
  if (t.expiry) {
    c.body += expiry_mark(*t.expiry, t, a, rows);
  }
  c.body += tail_marks(t, a, rows, attempt_duration);
  c.body += max_age_mark(t, a, rows, labels);
  c.body += attempt_marks(t, a, rows, labels);
  c.body += wait_labels(t, a, rows, attempt_duration);
  c.body += axis(a, rows.axis);
  c.y = rows.axis + 18;
  expiry_text(t, a, c);
  c.y += 4;
  legend(t, a, c);
}

// --- The max_message_rate strip ---

// rate_preview_text's lines, without their indentation.
std::vector<std::string> rate_lines(const simulate::RatePreview& p) {
  std::vector<std::string> lines;
  const std::string all = rate_preview_text(p);
  std::size_t start = 0;
  while (start < all.size()) {
    const std::size_t end = all.find('\n', start);
    std::string l = all.substr(start, end - start);
    l.erase(0, l.find_first_not_of(' '));
    lines.push_back(l);
    start = end == std::string::npos ? all.size() : end + 1;
  }
  return lines;
}

// The k-th of `samples` evenly spaced messages of a burst of n (1-based, the
// last is n).
std::uint64_t sampled_message(std::uint64_t k, std::uint64_t samples, std::uint64_t n) {
  __extension__ using U128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<U128>(k) * n + samples - 1) / samples);
}

// Messages promoted over time, as a staircase: up at each sampled message's
// promotion time to its number.
std::string promotion_curve(const simulate::RatePreview& p, const TimeAxis& a, double top, double bottom) {
  constexpr std::uint64_t k_samples = 240;
  const std::uint64_t samples = std::min(p.burst, k_samples);
  auto y = [&](std::uint64_t k) {
    return bottom - (bottom - top) * static_cast<double>(k) / static_cast<double>(p.burst);
  };
  std::string points = num(a.x(0)) + "," + num(bottom);
  std::uint64_t previous = 0;
  for (std::uint64_t i = 1; i <= samples; ++i) {
    const std::uint64_t k = sampled_message(i, samples, p.burst);
    const auto wait = simulate::rate_wait(p.schedule, k);
    if (!wait) {
      break;
    }
    const double x = a.x(wait->delay_seconds);
    points += " " + num(x) + "," + num(y(previous)) + " " + num(x) + "," + num(y(k));
    previous = k;
  }
  return "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + k_attempt_color +
         "\" stroke-width=\"1.5\"/>\n";
}

// The strip's labels inside its top edge: what the curve counts, and where
// max_age cuts it (on a second row when the first has no room).
std::string strip_labels(const simulate::RatePreview& p, const TimeAxis& a, double top) {
  LabelRow first_row;
  const std::string count = std::to_string(p.burst) + " messages promoted";
  first_row.take(k_left, k_left + 4 + text_width(count, 11));
  std::string out = text(k_left + 4, top + 12, count, {11, k_muted_color});
  if (p.max_age_seconds > p.last->delay_seconds) {
    return out;
  }
  const double x = a.x(p.max_age_seconds);
  const std::string label =
      "max_age " + humantime(p.max_age_seconds) + ": " + std::to_string(p.expired) + " expire untried";
  const double width = text_width(label, 11);
  const bool right_half = x > k_left + k_plot_width / 2;
  const double left = right_half ? x - 4 - width : x + 4;
  const double y = first_row.take(left, left + width) ? top + 12 : top + 26;
  return out + text(right_half ? x - 4 : x + 4, y, label, {11, k_expiry_color, right_half ? "end" : "start"});
}

void rate_strip(const simulate::RatePreview& p, Canvas& c) {
  c.y += 12;
  const std::vector<std::string> lines = rate_lines(p);
  const std::string& outcome = lines.front();
  const std::size_t colon = outcome.find(": ");
  c.paragraph({outcome.substr(0, colon)}, {13, k_text_color, "start", true});
  if (colon != std::string::npos) {
    c.paragraph(wrapped(outcome.substr(colon + 2), line_chars(12)), {12});
  }
  const bool drawable =
      p.schedule.regime == simulate::RateRegime::throttles && p.last && p.burst > 0 && p.last->delay_seconds > 0;
  if (drawable) {
    const TimeAxis a{p.last->delay_seconds};
    const double top = c.y + 10;
    const double bottom = top + k_strip_height;
    c.body += rect(k_left, top, k_plot_width, k_strip_height, "#f7fbff");
    if (p.max_age_seconds <= p.last->delay_seconds) {
      const double x = a.x(p.max_age_seconds);
      c.body += rect(x, top, k_left + k_plot_width - x, k_strip_height, k_unused_color);
      c.body += line(x, top, x, bottom, k_expiry_color, 2);
    }
    c.body += promotion_curve(p, a, top, bottom);
    c.body += strip_labels(p, a, top);
    c.body += axis(a, bottom);
    c.y = bottom + 18;
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    c.paragraph(wrapped(lines[i], line_chars(10)), {10, k_muted_color}, 3);
  }
}

// --- A panel ---

const char* severity_color(diag::Severity s) {
  switch (s) {
    case diag::Severity::error: return "#a50f15";
    case diag::Severity::warning: return "#8c510a";
    case diag::Severity::info: break;
  }
  return k_muted_color;
}

// Each finding as the text output words it, at most k_max_finding_lines lines.
void findings(const std::vector<diag::Diagnostic>& diagnostics, Canvas& c) {
  std::size_t shown = 0;
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const std::string first_line = format_diagnostic(diagnostics[i], false);
    std::vector<std::string> lines = wrapped(first_line.substr(0, first_line.find('\n')), line_chars(11));
    if (shown + lines.size() > k_max_finding_lines) {
      c.paragraph({"... and " + std::to_string(diagnostics.size() - i) + " more (see --format text)"},
                  {11, k_muted_color});
      return;
    }
    shown += lines.size();
    c.paragraph(lines, {11, severity_color(diagnostics[i].severity)});
  }
}

Canvas panel(const TimelineResult& r, const simulate::TimelineOptions& simulation) {
  Canvas c;
  c.y = 8;
  c.paragraph({r.queue ? "queue " + *r.queue : "retry schedule"}, {15, k_text_color, "start", true});
  if (r.settings) {
    c.paragraph({timeline_settings(*r.settings, simulation)}, {12, k_muted_color});
  }
  if (r.timeline) {
    c.paragraph(wrapped(timeline_summary(*r.timeline), line_chars(12)), {12});
  }
  findings(r.diagnostics, c);
  if (r.policy_loaded && !r.timeline) {
    c.paragraph({"no timeline: kumod would reject this queue config"}, {12, k_expiry_color});
  }
  if (r.policy_loaded && r.timeline) {
    retry_chart(*r.timeline, simulation.attempt_duration_seconds, c);
    if (r.timeline->rate_limit) {
      rate_strip(*r.timeline->rate_limit, c);
    }
  }
  c.y += 16;
  return c;
}

std::string document(const std::vector<Canvas>& panels) {
  double height = 0;
  std::string body;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    if (i > 0) {
      body += line(0, height, k_page_width, height, "#bdbdbd", 1);
    }
    body += "<g transform=\"translate(0," + num(height) + ")\">\n" + panels[i].body + "</g>\n";
    height += panels[i].y;
  }
  const std::string w = num(k_page_width);
  const std::string h = num(std::max(height, 1.0));
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
         "\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n"
         "<title>kumo-lint retry timeline</title>\n" +
         rect(0, 0, k_page_width, std::max(height, 1.0), "#ffffff") + body + "</svg>\n";
}

}  // namespace svg
}  // namespace

std::int64_t timeline_tick_step(std::int64_t span_seconds) {
  static constexpr std::int64_t k_steps[] = {1,
                                             2,
                                             5,
                                             10,
                                             15,
                                             30,
                                             60,
                                             120,
                                             300,
                                             600,
                                             900,
                                             1800,
                                             3600,
                                             7200,
                                             10800,
                                             21600,
                                             43200,
                                             86400,
                                             172800,
                                             604800,
                                             1209600,
                                             svg::k_month,
                                             2 * svg::k_month,
                                             3 * svg::k_month,
                                             6 * svg::k_month};
  const std::int64_t span = std::max<std::int64_t>(span_seconds, 1);
  for (std::int64_t step : k_steps) {
    if (span / step <= k_max_axis_ticks) {
      return step;
    }
  }
  for (std::int64_t years = 1;; years *= 10) {
    for (std::int64_t m : {1, 2, 5}) {
      const std::int64_t step = svg::k_year * years * m;
      if (span / step <= k_max_axis_ticks) {
        return step;
      }
    }
  }
}

std::string timeline_tick_label(std::int64_t seconds, std::int64_t step) {
  if (seconds > 0 && step % svg::k_year == 0) {
    const std::int64_t n = seconds / svg::k_year;
    return std::to_string(n) + (n == 1 ? "year" : "years");
  }
  if (seconds > 0 && step % svg::k_month == 0) {
    const std::int64_t n = seconds / svg::k_month;
    return std::to_string(n) + (n == 1 ? "month" : "months");
  }
  return svg::humantime(seconds);
}

std::string timeline_svg(const std::vector<TimelineResult>& results, const simulate::TimelineOptions& simulation) {
  std::vector<svg::Canvas> panels;
  for (const auto& r : results) {
    panels.push_back(svg::panel(r, simulation));
  }
  return svg::document(panels);
}

}  // namespace kumo::report
