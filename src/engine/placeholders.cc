// Placeholder translation shared by the SQL drivers.
#include "placeholders.h"

#include "common/common.h"

namespace oltap::engine {

std::string translate_placeholders(const std::string& sql, PlaceholderStyle style,
                                   std::vector<std::string>& names) {
  names.clear();
  std::string out;
  size_t pos = 0;
  for (const auto& ph : scan_placeholders(sql)) {
    out.append(sql, pos, ph.offset - pos);
    pos = ph.offset + ph.length;
    if (style == PlaceholderStyle::kQuestion) {
      names.push_back(ph.name);
      out += '?';
      continue;
    }
    size_t index = 0;
    while (index < names.size() && names[index] != ph.name) ++index;
    if (index == names.size()) names.push_back(ph.name);
    out += '$' + std::to_string(index + 1);
  }
  out.append(sql, pos, std::string::npos);
  return out;
}

}  // namespace oltap::engine
