// The parts of the Redis driver that need no server: prepared command
// templates, the mapping of replies to ResultBuffer and Status, key globs and
// plain-text commands. Private to engine/redis (and its unit tests).
//
// Replies, as a ResultBuffer:
//   - a bulk string or status reply: one row, one text column;
//   - an integer reply: one row, one integer column (also in `affected`);
//   - nil (GET of a missing key): 0 rows, and the command is still kOk;
//   - an array (MGET, HMGET, HGETALL, ZRANGE): ONE row whose columns are
//     the elements in order, so `into: [a, b]` binds HMGET's two fields;
//     HGETALL gives field, value, field, value, ...; a nil element is a null
//     column, a nested array a null column; an empty array is 0 rows;
//   - an error reply: no rows; its Status comes from status_of_error().
// Inside MULTI (a transaction of several steps) each command's reply is the
// status QUEUED: a step's `into` binds "QUEUED", not the command's result.
// Parameter values become arguments as their text (numbers through
// Value::to_text); a null value is the empty string, Redis having no null.
#pragma once

#include <hiredis/hiredis.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace oltap::engine::redis {

// A prepared command such as {"SET", "key:{key}", "{value}"}. The argv and
// argvlen arrays and one text buffer per argument are kept between calls, so
// build() allocates nothing once the buffers have grown to their largest.
class CommandTemplate {
 public:
  // Splits each argument with split_template; names receives the parameter
  // names in order of first use (the order build() wants their values).
  // Throws Error(kBadInput) for an empty command or an unclosed '{'.
  CommandTemplate(const std::vector<std::string>& args, std::vector<std::string>& names);

  // Fills argv()/argvlen() from params, one per name. Pointers into params'
  // text may be kept: use argv() before the values change.
  void build(const Value* const* params) noexcept;
  int argc() const noexcept { return static_cast<int>(argv_.size()); }
  const char** argv() noexcept { return argv_.data(); }
  const size_t* argvlen() const noexcept { return argvlen_.data(); }
  // build(), then the command in the protocol's wire form (RESP: *argc, then
  // $len and the bytes of each argument), in a buffer reused between calls.
  // Formatting it here, not in hiredis, saves hiredis's per-command sds
  // allocations (measured: a fifth of the client's user time when pipelining).
  std::string_view format(const Value* const* params) noexcept;

 private:
  struct Part {
    std::string literal;  // text before the parameter (or the whole argument)
    int param = -1;       // index into params, -1 for none
  };
  struct Arg {
    std::vector<Part> parts;
    std::string text;             // the built argument, when it mixes parts
    char number[kMaxNumberText];  // a lone numeric parameter's text
  };
  std::vector<Arg> args_;
  std::vector<const char*> argv_;
  std::vector<size_t> argvlen_;
  std::string wire_;
};

// The Status of an error reply's text ("BUSY ...", "ERR ..."): BUSY, LOADING,
// TRYAGAIN and EXECABORT are retryable, everything else fatal.
Status status_of_error(std::string_view error) noexcept;

// Copies a non-error reply into out (see the header comment), keeping up to
// keep_rows rows (0: only rows and columns are set).
void fill_result(const redisReply& reply, ResultBuffer& out, int keep_rows) noexcept;

// A reply as text, for query_value(): a string or status as it is, an integer
// as its digits, nil as "", an array as its first element's text.
std::string reply_text(const redisReply& reply);

// The SCAN MATCH pattern of a key template: each {name} becomes *, and glob
// characters of the literal text are escaped ("user:{id}" -> "user:*").
std::string key_glob(const std::string& key_template);

// The arguments of a command given as one line, split on spaces and tabs
// ("INFO server" -> {"INFO", "server"}).
std::vector<std::string> split_command(std::string_view text);

}  // namespace oltap::engine::redis
