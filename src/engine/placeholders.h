// Turning a statement's :name placeholders into an engine's own markers.
#pragma once

#include <string>
#include <vector>

namespace oltap::engine {

enum class PlaceholderStyle {
  kDollar,    // $1, $2 ... (PostgreSQL): a name used twice is one parameter
  kQuestion,  // ? (ODBC): each use is a parameter of its own
};

// Rewrites sql; names receives the parameter names in marker order.
std::string translate_placeholders(const std::string& sql, PlaceholderStyle style,
                                   std::vector<std::string>& names);

}  // namespace oltap::engine
