// What every fuzz target shares: the rule that oltap::Error is the expected
// rejection of bad input (and nothing else is), and a scratch folder for the
// readers that take a path. A fuzz target is one process run by libFuzzer on
// one thread, so the scratch folder needs no locking.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "common/common.h"

namespace oltap::fuzz {

// Runs fn, swallowing only oltap::Error: any other exception escapes to
// libFuzzer, which reports it as a crash with the input that caused it.
template <typename F>
void expect_only_oltap_errors(F&& fn) {
  try {
    fn();
  } catch (const Error&) {
  }
}

// A folder of this process's own under $TMPDIR, made at the first call and
// removed when the process exits normally (a crash leaves it, with the input).
inline const std::filesystem::path& scratch_dir() {
  struct Scratch {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("oltap-fuzz-" + std::to_string(::getpid()));
    Scratch() { std::filesystem::create_directories(dir); }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}

// Writes data as scratch_dir()/name and returns its path; the folder's other
// files are removed first, so each input is read alone.
inline std::string write_scratch(const std::string& name, const uint8_t* data, size_t size) {
  const auto& dir = scratch_dir();
  for (const auto& e : std::filesystem::directory_iterator(dir)) std::filesystem::remove_all(e.path());
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path.string();
}

// A finding that is no crash (a broken invariant): abort, so libFuzzer keeps the input.
[[noreturn]] inline void invariant_broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace oltap::fuzz
