// Lexing just enough SQL to find :name placeholders and statement ends
// without being fooled by quotes, comments, casts or dollar-quoted bodies;
// and the {name} templates of key-value commands.
#include <cctype>

#include "common.h"

namespace oltap {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// If sql[i] opens a quoted text, comment or dollar-quoted body, returns the
// index just past its end; otherwise returns i.
size_t skip_non_code(std::string_view sql, size_t i) {
  char c = sql[i];
  size_t n = sql.size();
  if (c == '\'' || c == '"' || c == '`') {
    // Backslash escapes only in E'...' strings (PostgreSQL with standard
    // conforming strings, the default since 9.1); elsewhere it is a character.
    bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
    size_t j = i + 1;
    while (j < n) {
      if (escapes && sql[j] == '\\' && j + 1 < n) {
        j += 2;
        continue;
      }
      if (sql[j] == c) {
        if (j + 1 < n && sql[j + 1] == c) {  // doubled quote inside the text
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
    size_t j = sql.find('\n', i);
    return j == std::string_view::npos ? n : j + 1;
  }
  if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
    size_t j = sql.find("*/", i + 2);
    return j == std::string_view::npos ? n : j + 2;
  }
  if (c == '$') {
    size_t j = i + 1;
    while (j < n && ident_char(sql[j])) ++j;
    if (j < n && sql[j] == '$' && (j == i + 1 || ident_start(sql[i + 1]))) {
      std::string_view tag = sql.substr(i, j - i + 1);
      size_t end = sql.find(tag, j + 1);
      return end == std::string_view::npos ? n : end + tag.size();
    }
  }
  return i;
}

}  // namespace

std::vector<Placeholder> scan_placeholders(std::string_view sql) {
  std::vector<Placeholder> out;
  size_t i = 0, n = sql.size();
  while (i < n) {
    size_t skipped = skip_non_code(sql, i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    if (sql[i] == ':') {
      if (i + 1 < n && sql[i + 1] == ':') {  // ::type cast
        i += 2;
        continue;
      }
      bool after_ident = i > 0 && ident_char(sql[i - 1]);  // e.g. array slices a[1:2]
      if (!after_ident && i + 1 < n && ident_start(sql[i + 1])) {
        size_t j = i + 1;
        while (j < n && ident_char(sql[j])) ++j;
        out.push_back({std::string(sql.substr(i + 1, j - i - 1)), i, j - i});
        i = j;
        continue;
      }
    }
    ++i;
  }
  return out;
}

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  size_t start = 0, i = 0, n = sql.size();
  auto flush = [&](size_t end) {
    std::string stmt = trim(sql.substr(start, end - start));
    if (!stmt.empty()) out.push_back(std::move(stmt));
  };
  while (i < n) {
    size_t skipped = skip_non_code(sql, i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    if (sql[i] == ';') {
      flush(i);
      start = i + 1;
    }
    ++i;
  }
  flush(n);
  return out;
}

std::string replace_name(std::string_view sql, std::string_view name, std::string_view value) {
  std::string out;
  size_t i = 0, from = 0, n = sql.size();
  while (i < n) {
    size_t skipped = skip_non_code(sql, i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    if (sql[i] == ':' && i + 1 < n && sql[i + 1] == ':') {  // ::type cast
      i += 2;
      continue;
    }
    if (sql[i] == ':' && sql.substr(i + 1, name.size()) == name &&
        (i + 1 + name.size() == n || !ident_char(sql[i + 1 + name.size()]))) {
      out.append(sql.substr(from, i - from));
      out.append(value);
      i += 1 + name.size();
      from = i;
      continue;
    }
    ++i;
  }
  out.append(sql.substr(from));
  return out;
}

bool has_top_level_order_by(std::string_view sql) {
  size_t i = 0, n = sql.size();
  int depth = 0;
  bool after_order = false;  // the last word at depth 0 was ORDER
  auto word_is = [&](size_t at, size_t len, std::string_view w) {
    if (len != w.size()) return false;
    for (size_t k = 0; k < len; ++k)
      if (std::tolower(static_cast<unsigned char>(sql[at + k])) != w[k]) return false;
    return true;
  };
  while (i < n) {
    size_t skipped = skip_non_code(sql, i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    char c = sql[i];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (ident_start(c)) {
      size_t j = i;
      while (j < n && ident_char(sql[j])) ++j;
      if (depth == 0) {
        if (after_order && word_is(i, j - i, "by")) return true;
        after_order = word_is(i, j - i, "order");
      }
      i = j;
      continue;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      after_order = false;
    }
    ++i;
  }
  return false;
}

std::vector<TemplatePart> split_template(const std::string& text) {
  std::vector<TemplatePart> out;
  std::string lit;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      lit += c;
      ++i;
      continue;
    }
    if (c == '{') {
      size_t close = text.find('}', i);
      if (close == std::string::npos)
        throw Error(ErrorClass::kBadInput, "unclosed '{' in '" + text + "' (write {{ for a literal brace)");
      out.push_back({lit, text.substr(i + 1, close - i - 1)});
      lit.clear();
      i = close;
      continue;
    }
    lit += c;
  }
  if (!lit.empty() || out.empty()) out.push_back({lit, ""});
  return out;
}

}  // namespace oltap
