// Error classes to exit codes: the one place the CLI's exit codes are decided.
#include "common.h"

namespace oltap {

int exit_code_for(ErrorClass cls) noexcept {
  switch (cls) {
    case ErrorClass::kBadInput:
      return kExitBadInput;
    case ErrorClass::kUnreachable:
      return kExitUnreachable;
    case ErrorClass::kRegression:
      return kExitRegression;
    case ErrorClass::kInterrupted:
      return kExitInterrupted;
    case ErrorClass::kShardsMissing:
      return kExitShardsMissing;
    case ErrorClass::kRetryable:
    case ErrorClass::kConnectionLost:
    case ErrorClass::kFatal:
      return kExitRunErrors;
  }
  return kExitRunErrors;
}

const char* error_class_name(ErrorClass cls) noexcept {
  switch (cls) {
    case ErrorClass::kBadInput:
      return "bad input";
    case ErrorClass::kUnreachable:
      return "unreachable";
    case ErrorClass::kRetryable:
      return "retryable";
    case ErrorClass::kConnectionLost:
      return "connection lost";
    case ErrorClass::kFatal:
      return "fatal";
    case ErrorClass::kRegression:
      return "regression";
    case ErrorClass::kInterrupted:
      return "interrupted";
    case ErrorClass::kShardsMissing:
      return "shards missing";
  }
  return "error";
}

}  // namespace oltap
