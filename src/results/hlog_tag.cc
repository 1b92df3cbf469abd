// The tags of latency.hlog lines: which (target, group, txn) a histogram is
// of, and whether it is an interval's or the whole run's. HdrHistogram's log
// reader splits a line on ',', ' ', '\r' and '\n' (HistogramLogScanner), so a
// tag holds none of them: such bytes are percent-encoded (RFC 3986 style).
#include <fmt/format.h>

#include "results.h"

namespace oltap::results {
namespace {

// Everything but printable ASCII is encoded too, so the tag reads the same
// whatever charset a reader decodes the file with.
bool keeps(unsigned char c, bool slash_ok) {
  return c > 0x20 && c < 0x7f && c != ',' && c != '%' && (slash_ok || c != '/');
}

std::string encode(const std::string& text, bool slash_ok) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (keeps(c, slash_ok))
      out.push_back(ch);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_digit(text[i + 1]);
    const int lo = hex_digit(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

std::string hlog_tag(const std::string& target, const std::string& group, const std::string& txn) {
  return encode(target, true) + "/" + encode(group, false) + "/" + encode(txn, false);
}

std::string hlog_whole_run_tag(const std::string& target, const std::string& group, const std::string& txn) {
  return kHlogWholeRunPrefix + hlog_tag(target, group, txn);
}

std::optional<HlogTag> parse_hlog_tag(const std::string& tag_in) {
  std::string_view tag = tag_in;
  HlogTag out;
  if (tag.starts_with(kHlogWholeRunPrefix)) {
    out.whole_run = true;
    tag.remove_prefix(std::string_view(kHlogWholeRunPrefix).size());
  }
  const size_t txn_at = tag.rfind('/');
  if (txn_at == std::string_view::npos || txn_at == 0) return std::nullopt;
  const size_t group_at = tag.rfind('/', txn_at - 1);
  if (group_at == std::string_view::npos) return std::nullopt;
  auto target = decode(tag.substr(0, group_at));
  auto group = decode(tag.substr(group_at + 1, txn_at - group_at - 1));
  auto txn = decode(tag.substr(txn_at + 1));
  if (!target || !group || !txn) return std::nullopt;
  out.target = std::move(*target);
  out.group = std::move(*group);
  out.txn = std::move(*txn);
  return out;
}

}  // namespace oltap::results
