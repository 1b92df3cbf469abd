// Taking Redshift's attributes out of CREATE TABLE: a small scan over words
// and parenthesised groups, outside quotes, rather than a SQL parser.
#include "engine/redshift_ddl.h"

#include <cctype>
#include <vector>

namespace oltap::engine {
namespace {

bool word_is(std::string_view w, std::string_view upper) {
  if (w.size() != upper.size()) return false;
  for (size_t i = 0; i < w.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(w[i])) != upper[i]) return false;
  return true;
}

// One piece of the text: a word, a parenthesised group, or anything else
// (spaces, punctuation, quoted text, comments), kept as it is.
struct Piece {
  enum class Kind { kWord, kGroup, kOther } kind;
  std::string_view text;
};

std::vector<Piece> pieces(std::string_view s) {
  std::vector<Piece> out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    const char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      out.push_back({Piece::Kind::kWord, s.substr(start, i - start)});
    } else if (c == '(') {
      int depth = 0;
      char quote = 0;
      for (; i < s.size(); ++i) {
        if (quote) {
          if (s[i] == quote) quote = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
          quote = s[i];
        } else if (s[i] == '(') {
          ++depth;
        } else if (s[i] == ')' && --depth == 0) {
          ++i;
          break;
        }
      }
      out.push_back({Piece::Kind::kGroup, s.substr(start, i - start)});
    } else if (c == '\'' || c == '"') {
      i = s.find(c, i + 1);
      i = i == std::string_view::npos ? s.size() : i + 1;
      out.push_back({Piece::Kind::kOther, s.substr(start, i - start)});
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      i = s.find('\n', i);
      if (i == std::string_view::npos) i = s.size();
      out.push_back({Piece::Kind::kOther, s.substr(start, i - start)});
    } else {
      ++i;
      out.push_back({Piece::Kind::kOther, s.substr(start, 1)});
    }
  }
  return out;
}

// The next word or group at or after k, skipping spaces; size() if none.
size_t next_token(const std::vector<Piece>& p, size_t k) {
  while (k < p.size() && p[k].kind == Piece::Kind::kOther &&
         std::isspace(static_cast<unsigned char>(p[k].text[0])))
    ++k;
  return k;
}

// The column list, "(a int ENCODE az64, b date)", without its ENCODE attributes.
std::string strip_encodings(std::string_view group) {
  if (group.size() < 2 || group.back() != ')') return std::string(group);
  std::vector<Piece> p = pieces(group.substr(1, group.size() - 2));
  std::string out = "(";
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k].kind == Piece::Kind::kWord && word_is(p[k].text, "ENCODE")) {
      size_t v = next_token(p, k + 1);
      if (v < p.size() && p[v].kind == Piece::Kind::kWord) {
        while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
        k = v;
        continue;
      }
    }
    out += p[k].text;
  }
  return out + ")";
}

}  // namespace

std::string strip_redshift_attributes(std::string_view sql) {
  std::vector<Piece> p = pieces(sql);
  size_t k = next_token(p, 0);
  if (k >= p.size() || !word_is(p[k].text, "CREATE")) return std::string(sql);
  // The first group after CREATE ... TABLE name is the column list.
  size_t list = k;
  bool table = false;
  for (; list < p.size() && p[list].kind != Piece::Kind::kGroup; ++list)
    table = table || (p[list].kind == Piece::Kind::kWord && word_is(p[list].text, "TABLE"));
  if (!table || list >= p.size()) return std::string(sql);
  std::string out;
  for (size_t j = 0; j < list; ++j) out += p[j].text;
  out += strip_encodings(p[list].text);
  for (size_t j = list + 1; j < p.size(); ++j) {
    if (p[j].kind == Piece::Kind::kWord) {
      // How many tokens the attribute starting here spans, beyond its keyword.
      int takes = -1;
      if (word_is(p[j].text, "DISTSTYLE") || word_is(p[j].text, "BACKUP") || word_is(p[j].text, "ENCODE"))
        takes = 1;
      else if (word_is(p[j].text, "DISTKEY") || word_is(p[j].text, "SORTKEY"))
        takes = 1;  // (columns), or AUTO
      else if (word_is(p[j].text, "COMPOUND") || word_is(p[j].text, "INTERLEAVED"))
        takes = 2;  // SORTKEY (columns)
      if (takes > 0) {
        size_t at = j;
        for (int t = 0; t < takes; ++t) at = next_token(p, at + 1);
        if (at < p.size()) {
          while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
          j = at;
          continue;
        }
      }
    }
    out += p[j].text;
  }
  return out;
}

}  // namespace oltap::engine
