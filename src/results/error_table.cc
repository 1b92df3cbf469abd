// A run's errors by class for people (`oltap run` and `oltap report`, and
// the HTML report's columns and alerts): only the rows that had errors or
// unknown outcomes, only the classes some row counts, so that a clean run
// shows nothing more than it did before the classes were kept.
#include <algorithm>

#include "results.h"

namespace oltap::results {

bool has_classified_failures(const SummaryRow& r) { return r.classified && (r.errors > 0 || r.unknown > 0); }

ShownErrorClasses shown_error_classes(const std::vector<SummaryRow>& rows) {
  ShownErrorClasses shown;
  for (size_t k = 0; k < kErrorClasses; ++k)
    if (std::any_of(rows.begin(), rows.end(),
                    [k](const SummaryRow& r) { return has_classified_failures(r) && r.err[k] > 0; }))
      shown.classes.push_back(k);
  shown.unknown = std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) {
    return has_classified_failures(r) && r.unknown > 0;
  });
  return shown;
}

std::string error_class_name(size_t k) {
  const std::string& column = kErrorClassColumns.at(k);
  return column.substr(column.find('_') + 1);
}

std::string error_table(const std::vector<SummaryRow>& rows) {
  const ShownErrorClasses shown = shown_error_classes(rows);
  if (shown.empty()) return "";
  const bool staged =
      std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) { return !r.stage.empty(); });
  std::vector<std::string> header = {"target", "group", "txn"};
  if (staged) header.push_back("stage");
  header.push_back("errors");
  for (size_t k : shown.classes) header.push_back(error_class_name(k));
  if (shown.unknown) header.push_back("unknown");
  std::vector<std::vector<std::string>> t = {header};
  for (const auto& r : rows) {
    if (!has_classified_failures(r)) continue;
    std::vector<std::string> line = {r.target, r.group, r.txn};
    if (staged) line.push_back(r.stage.empty() ? "-" : r.stage);
    line.push_back(std::to_string(r.errors));
    for (size_t k : shown.classes) line.push_back(std::to_string(r.err[k]));
    if (shown.unknown) line.push_back(std::to_string(r.unknown));
    t.push_back(std::move(line));
  }
  std::string out = "errors by class (they add up to errors";
  if (shown.unknown)
    out +=
        "; unknown: transactions whose COMMIT was sent but whose reply was lost with the connection, "
        "neither committed nor in errors";
  return out + "):\n" + format_table(t);
}

}  // namespace oltap::results
