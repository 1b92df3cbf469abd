// A suite folder opened for a run or a resume. A resume must be of the same
// suite: its repetitions are only comparable with the ones already there
// when the cases, settings and targets are the ones they were made with.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "suite_parts.h"

namespace oltap::orchestrate {
namespace {

// Whether uri, as the suite file has it, holds a password itself (not one
// from ${NAME} or OLTAP_PASSWORD): then the copy must not.
bool literal_password(const std::string& uri) {
  try {
    const engine::Target t = engine::parse_target(uri);
    // ${NAME}: the file's bytes name a variable, not the secret.
    if (t.password.empty() || t.password.find("${") != std::string::npos) return false;
    const char* env = std::getenv("OLTAP_PASSWORD");
    return !(env && t.password == env && uri.find(env) == std::string::npos);
  } catch (const Error&) {
    return true;  // unparsed (a ${NAME} port, say): redact what may be one
  }
}

}  // namespace

std::string suite_copy(const workload::Suite& suite) {
  std::string text = suite.text;
  for (const auto& t : suite.targets) {
    if (!literal_password(t.as_written)) continue;
    const std::string shown = engine::redact_target(t.as_written);
    for (size_t at = text.find(t.as_written); at != std::string::npos;
         at = text.find(t.as_written, at + shown.size()))
      text.replace(at, t.as_written.size(), shown);
  }
  return text;
}

void open_suite_folder(const std::string& out, bool resume, const std::string& copy) {
  namespace fs = std::filesystem;
  const fs::path kept = fs::path(out) / "suite.yaml";
  std::error_code ec;
  if (resume && fs::exists(kept, ec)) {
    std::ifstream in(kept, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() != copy)
      throw Error(ErrorClass::kBadInput, "--resume: " + kept.string() +
                                             " is another suite's (or this file changed since): resume with "
                                             "the suite file it was made with, or give a new --out");
    return;
  }
  if (!resume && fs::exists(out, ec) && !fs::is_empty(out, ec))
    throw Error(ErrorClass::kBadInput,
                "--out " + out + " holds files: give --resume to finish the suite run there, or a new --out");
  if (resume && fs::exists(out, ec) && !fs::is_empty(out, ec))
    throw Error(ErrorClass::kBadInput,
                "--resume: " + out + " holds files but no suite.yaml: not a suite folder");
  fs::create_directories(out, ec);
  if (ec) throw Error(ErrorClass::kFatal, "cannot create " + out + ": " + ec.message());
  results::write_file_atomic(kept.string(), copy);
}

}  // namespace oltap::orchestrate
