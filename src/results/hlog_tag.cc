// The tags of latency.hlog lines: which (target, group, txn) a histogram is
// of, whether it is an interval's or the whole run's, of latency or service
// time, and of which stage (results.h lists the forms). HdrHistogram's log
// reader splits a line on ',', ' ', '\r' and '\n' (HistogramLogScanner), so a
// tag holds none of them: such bytes are percent-encoded (RFC 3986 style).
#include <fmt/format.h>

#include "results.h"

namespace oltap::results {
namespace {

// Everything but printable ASCII is encoded too, so the tag reads the same
// whatever charset a reader decodes the file with.
// What else a part of a tag must encode: '/' in group, txn and stage, ':' in
// a stage (which a ':' ends).
enum class Part { kTarget, kName, kStage };

bool keeps(unsigned char c, Part part) {
  return c > 0x20 && c < 0x7f && c != ',' && c != '%' && (part == Part::kTarget || c != '/') &&
         (part != Part::kStage || c != ':');
}

std::string encode(const std::string& text, Part part) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (keeps(c, part))
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

const std::string_view kPrefixes[] = {kHlogWholeRunPrefix, kHlogServicePrefix, kHlogStagePrefix};

// The target's text, its first byte encoded when the text starts like a
// prefix would, so that the parser never takes part of a target for one.
std::string encode_target(const std::string& target) {
  std::string out = encode(target, Part::kTarget);
  for (std::string_view p : kPrefixes)
    if (std::string_view(out).starts_with(p))
      return fmt::format("%{:02X}", static_cast<unsigned char>(out[0])) + out.substr(1);
  return out;
}

// Removes prefix from tag when it starts with it.
bool take(std::string_view& tag, std::string_view prefix) {
  if (!tag.starts_with(prefix)) return false;
  tag.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::string hlog_tag(const std::string& target, const std::string& group, const std::string& txn,
                     const std::string& stage, bool service) {
  std::string out = service ? kHlogServicePrefix : "";
  if (!stage.empty()) out += kHlogStagePrefix + encode(stage, Part::kStage) + ":";
  return out + encode_target(target) + "/" + encode(group, Part::kName) + "/" + encode(txn, Part::kName);
}

std::string hlog_whole_run_tag(const std::string& target, const std::string& group, const std::string& txn,
                               const std::string& stage, bool service) {
  return kHlogWholeRunPrefix + hlog_tag(target, group, txn, stage, service);
}

std::string hlog_tag(const HlogTag& t) {
  return t.whole_run ? hlog_whole_run_tag(t.target, t.group, t.txn, t.stage, t.service)
                     : hlog_tag(t.target, t.group, t.txn, t.stage, t.service);
}

std::optional<HlogTag> parse_hlog_tag(const std::string& tag_in) {
  std::string_view tag = tag_in;
  HlogTag out;
  out.whole_run = take(tag, kHlogWholeRunPrefix);
  out.service = take(tag, kHlogServicePrefix);
  if (take(tag, kHlogStagePrefix)) {
    const size_t end = tag.find(':');
    if (end == std::string_view::npos || end == 0) return std::nullopt;
    auto stage = decode(tag.substr(0, end));
    if (!stage) return std::nullopt;
    out.stage = std::move(*stage);
    tag.remove_prefix(end + 1);
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
