// Named targets (LABEL=URI): where the label ends and the URI begins. A
// label is what a result row is keyed by, so it is held to a plain
// alphabet that needs no quoting in a CSV, a folder name or an hlog tag.
#include "engine.h"

namespace oltap::engine {

bool valid_target_label(std::string_view text) { return is_plain_name(text); }

namespace {

// Where the URI of a named target argument starts (after "LABEL="), or 0.
size_t uri_start(std::string_view text) {
  const size_t eq = text.find('=');
  const size_t colon = text.find(':');
  // A URI's scheme ends at its first ':'; an '=' after it is the URI's own.
  if (eq == std::string_view::npos || (colon != std::string_view::npos && colon < eq)) return 0;
  return eq + 1;
}

}  // namespace

std::string redact_named_target(std::string_view text) {
  const size_t at = uri_start(text);
  if (at == 0) return redact_target(text);
  const std::string_view label = text.substr(0, at - 1);
  return (valid_target_label(label) ? std::string(label) : std::string("…")) + "=" +
         redact_target(text.substr(at));
}

Target parse_named_target(std::string_view text) {
  const size_t at = uri_start(text);
  if (at == 0) return parse_target(text);
  const std::string label(text.substr(0, at - 1));
  if (!valid_target_label(label))
    // The label may be a mistyped URI holding a password: only its form is told.
    throw Error(ErrorClass::kBadInput,
                "bad target label '" + (label.find('@') == std::string::npos ? label : std::string("…")) +
                    "' (before '=" + redact_target(text.substr(at)) +
                    "'): a label is letters, digits, '_', '.' and '-' only, as in pg=postgresql://host/db");
  Target t = parse_target(text.substr(at));
  t.label = label;
  return t;
}

}  // namespace oltap::engine
