// The Redis driver on hiredis, with a synchronous (blocking) context per
// connection. A workload's `redis:` steps are prepared into CommandTemplates
// (redis_command.h: how replies map to rows). send() formats a command into
// the template's reusable buffer and appends it with
// redisAppendFormattedCommand; receive() reads a reply with redisGetReply;
// execute() is send() then receive(). Transactions are MULTI/EXEC/DISCARD.
// hiredis still allocates per command (its reply objects, its output buffer
// once written); oltap's own code on this path allocates nothing once its
// buffers have grown.
#include "redis_driver.h"

#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "engine/messages.h"
#include "redis_command.h"

namespace oltap::engine::redis {
namespace {

// Commands appended before their replies are read, during bulk load.
constexpr size_t kBulkPipeline = 1000;
// SCAN's COUNT hint while clearing a key family: keys looked at per call.
constexpr const char* kScanCount = "1000";

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept {
    if (r) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

std::vector<const char*> pointers(const std::vector<std::string>& args, std::vector<size_t>& lens) {
  std::vector<const char*> p;
  lens.clear();
  for (const auto& a : args) {
    p.push_back(a.data());
    lens.push_back(a.size());
  }
  return p;
}

// Appends a Value's text to out (numbers through to_text; null adds nothing).
void append_value(std::string& out, const Value& v) {
  if (v.kind == Value::Kind::kText) {
    out += v.s;
    return;
  }
  char buf[kMaxNumberText];
  int n = v.to_text(buf, sizeof buf);
  if (n > 0) out.append(buf, static_cast<size_t>(n));
}

class RedisConnection final : public Connection {
 public:
  // The whole set-up (TCP connect, AUTH, SELECT, the first PING) shares one
  // deadline, t.connect_timeout_s from now: each reply is awaited with a
  // socket time-out of what is left of it (hiredis sets SO_RCVTIMEO).
  explicit RedisConnection(const Target& t)
      : target_(t), deadline_(Clock::now() + std::chrono::seconds(t.connect_timeout_s)) {
    ctx_ = redisConnectWithTimeout(t.host.c_str(), t.port, time_left());
    if (!ctx_) unreachable("out of memory");
    if (ctx_->err) unreachable(ctx_->errstr);
    redisEnableKeepAlive(ctx_);
    if (!t.password.empty()) {
      std::vector<std::string> auth = {"AUTH"};
      if (!t.user.empty()) auth.push_back(t.user);
      auth.push_back(t.password);
      handshake(auth, "the server refused the credentials");
    }
    if (!t.database.empty() && t.database != "0") handshake({"SELECT", t.database}, "cannot select database");
    // NOAUTH and the like show here rather than in the first command of a run.
    handshake({"PING"}, "the server refused us");
    // The connect time-out must not become a limit on slow commands.
    timeval none{0, 0};
    redisSetTimeout(ctx_, none);
  }

  ~RedisConnection() override {
    if (ctx_) redisFree(ctx_);
  }

  Kind kind() const noexcept override { return Kind::kKeyValue; }
  std::string dialect() const override { return "redis"; }
  bool can_pipeline() const noexcept override { return true; }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    (void)param_names;
    throw Error(ErrorClass::kBadInput,
                "a Redis target runs commands, not SQL: give this step a `redis:` "
                "command, e.g. redis: [GET, \"key:{id}\"] [statement: " +
                    sql + "]");
  }

  int prepare_command(const std::vector<std::string>& args, std::vector<std::string>& param_names) override {
    commands_.push_back(std::make_unique<CommandTemplate>(args, param_names));
    return static_cast<int>(commands_.size() - 1);
  }

  Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept override {
    Status s = send(id, params);
    return s == Status::kOk ? receive(out, keep_rows) : s;
  }

  Status send(int id, const Value* const* params) noexcept override {
    if (ctx_->err) return lost();
    std::string_view wire = commands_[id]->format(params);
    if (redisAppendFormattedCommand(ctx_, wire.data(), wire.size()) != REDIS_OK) return lost();
    return Status::kOk;
  }

  Status receive(ResultBuffer* out, int keep_rows) noexcept override {
    void* r = nullptr;
    if (redisGetReply(ctx_, &r) != REDIS_OK) return lost();
    return finish(static_cast<redisReply*>(r), out, keep_rows);
  }

  int socket() const noexcept override { return ctx_ ? ctx_->fd : -1; }

  Status flush() noexcept override {
    if (ctx_->err) return lost();
    for (int done = 0; !done;)
      if (redisBufferWrite(ctx_, &done) != REDIS_OK) return lost();
    return Status::kOk;
  }

  Status read_arrived() noexcept override {
    if (ctx_->err || redisBufferRead(ctx_) != REDIS_OK) return lost();
    return Status::kOk;
  }

  Status try_receive(ResultBuffer* out, int keep_rows, bool& got) noexcept override {
    void* r = nullptr;
    got = false;
    if (redisGetReplyFromReader(ctx_, &r) != REDIS_OK) return lost();
    if (!r) return Status::kOk;
    got = true;
    return finish(static_cast<redisReply*>(r), out, keep_rows);
  }

  Status begin() noexcept override {
    Status s = simple("MULTI");
    in_multi_ = s == Status::kOk;
    return s;
  }

  // EXEC: nil when a WATCHed key changed (retryable); an array holding an
  // error when one queued command failed while running (fatal: Redis has run
  // the others, it does not roll back).
  Status commit() noexcept override {
    in_multi_ = false;
    const char* argv[] = {"EXEC"};
    auto* r = static_cast<redisReply*>(redisCommandArgv(ctx_, 1, argv, nullptr));
    if (!r) return lost();
    ReplyPtr reply(r);
    if (r->type == REDIS_REPLY_NIL) {
      // A WATCHed key that changed: Redis's serialization failure.
      fail(Status::kRetryable, "EXEC aborted: a WATCHed key changed");
      failure_ = Failure::kSerialization;
      return Status::kRetryable;
    }
    if (r->type == REDIS_REPLY_ERROR) return fail(status_of_error({r->str, r->len}), r->str);
    if (r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r->elements; ++i)
        if (r->element[i]->type == REDIS_REPLY_ERROR) return fail(Status::kFatal, r->element[i]->str);
    return Status::kOk;
  }

  Status rollback() noexcept override {
    if (!in_multi_) return Status::kOk;
    in_multi_ = false;
    return simple("DISCARD");
  }

  const std::string& last_error() const noexcept override { return last_error_; }
  Failure last_failure() const noexcept override { return failure_; }

  void run(const std::string& command) override { (void)command_reply(command); }

  std::string query_value(const std::string& command) override { return reply_text(*command_reply(command)); }

  void bulk_load(const BulkSpec& spec, const std::function<bool(RowBatch&)>& next) override {
    auto column_of = [&](const std::string& name) {
      for (size_t i = 0; i < spec.columns.size(); ++i)
        if (spec.columns[i] == name) return static_cast<int>(i);
      throw Error(ErrorClass::kBadInput,
                  "loading " + spec.table + ": '" + name + "' in the key or value is not one of its columns");
    };
    if (spec.key.empty())
      throw Error(ErrorClass::kBadInput, "loading " + spec.table + " on a Redis target needs a key template");
    std::vector<std::pair<std::string, int>> key_parts;  // literal, then column (-1: none)
    for (auto& p : split_template(spec.key))
      key_parts.emplace_back(std::move(p.literal), p.name.empty() ? -1 : column_of(p.name));
    const int value_column = spec.value_column.empty() ? -1 : column_of(spec.value_column);

    // One command per row: SET key value, or HSET key column value ...; and
    // ZADD index <first column> key when the spec asks for an index.
    std::vector<std::string> args(value_column >= 0 ? 3 : 2 + 2 * spec.columns.size());
    args[0] = value_column >= 0 ? "SET" : "HSET";
    if (value_column < 0)
      for (size_t c = 0; c < spec.columns.size(); ++c) args[2 + 2 * c] = spec.columns[c];
    std::vector<size_t> lens;
    std::vector<const char*> argv = pointers(args, lens);
    std::vector<std::string> index_args = {"ZADD", spec.index, "", ""};
    std::vector<size_t> index_lens;
    std::vector<const char*> index_argv = pointers(index_args, index_lens);
    auto append = [&](std::vector<const char*>& v, const std::vector<size_t>& l) {
      if (redisAppendCommandArgv(ctx_, static_cast<int>(v.size()), v.data(), l.data()) != REDIS_OK)
        throw Error(ErrorClass::kFatal,
                    "loading " + spec.table + " on " + target_.redacted() + ": out of memory");
    };
    size_t pending = 0;
    std::string first_error;
    auto drain = [&] {
      for (; pending > 0; --pending) {
        void* r = nullptr;
        if (redisGetReply(ctx_, &r) != REDIS_OK)
          throw Error(ErrorClass::kFatal, "loading " + spec.table + " on " + target_.redacted() +
                                              ": connection lost: " + ctx_->errstr);
        ReplyPtr reply(static_cast<redisReply*>(r));
        if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) first_error = reply->str;
      }
      if (!first_error.empty())
        throw Error(ErrorClass::kFatal, "loading " + spec.table + " on " + target_.redacted() + ": " +
                                            args[0] + " failed: " + scrub(first_error, target_.password));
    };
    RowBatch batch;
    while (next(batch)) {
      for (size_t row = 0; row < batch.rows; ++row) {
        const Value* cells = &batch.cells[row * batch.columns];
        std::string& key = args[1];
        key.clear();
        for (const auto& [literal, col] : key_parts) {
          key += literal;
          if (col >= 0) append_value(key, cells[col]);
        }
        if (value_column >= 0) {
          args[2].clear();
          append_value(args[2], cells[value_column]);
        } else {
          for (size_t c = 0; c < spec.columns.size(); ++c) {
            args[3 + 2 * c].clear();
            append_value(args[3 + 2 * c], cells[c]);
          }
        }
        for (size_t i = 1; i < args.size(); ++i) {
          argv[i] = args[i].data();
          lens[i] = args[i].size();
        }
        append(argv, lens);
        ++pending;
        if (!spec.index.empty()) {  // ZADD index <first column> key
          index_args[2].clear();
          append_value(index_args[2], cells[0]);
          index_args[3] = key;
          for (size_t i = 2; i < index_args.size(); ++i) {
            index_argv[i] = index_args[i].data();
            index_lens[i] = index_args[i].size();
          }
          append(index_argv, index_lens);
          ++pending;
        }
        if (pending >= kBulkPipeline) drain();
      }
      batch.clear();
    }
    drain();
  }

  // SCAN MATCH <glob> + UNLINK: each round sends the UNLINK of the keys just
  // found together with the next SCAN, one round trip per batch.
  void clear(const BulkSpec& spec) override {
    if (!spec.index.empty()) command_reply(std::vector<std::string>{"UNLINK", spec.index});
    if (spec.key.empty()) return;
    const std::string glob = key_glob(spec.key);
    std::string cursor = "0";
    std::vector<std::string> unlink;  // UNLINK key...
    std::vector<size_t> lens;
    do {
      bool unlinking = unlink.size() > 1;
      if (unlinking) {
        std::vector<const char*> argv = pointers(unlink, lens);
        redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data());
      }
      std::vector<std::string> scan = {"SCAN", cursor, "MATCH", glob, "COUNT", kScanCount};
      std::vector<const char*> argv = pointers(scan, lens);
      redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data());
      if (unlinking) check_reply(read_reply("UNLINK"), "UNLINK");
      ReplyPtr r = read_reply("SCAN");
      check_reply(r, "SCAN");
      if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[1]->type != REDIS_REPLY_ARRAY)
        throw Error(ErrorClass::kFatal,
                    "clearing " + glob + " on " + target_.redacted() + ": unexpected reply to SCAN");
      cursor = reply_text(*r->element[0]);
      unlink.assign(1, "UNLINK");
      for (size_t i = 0; i < r->element[1]->elements; ++i)
        unlink.push_back(reply_text(*r->element[1]->element[i]));
    } while (cursor != "0" || unlink.size() > 1);
  }

  std::string server_version() override {
    std::string info = query_value("INFO server");
    const std::string field = "redis_version:";
    size_t p = info.find(field);
    if (p == std::string::npos) return "Redis";
    size_t end = info.find_first_of("\r\n", p);
    return "Redis " + info.substr(p + field.size(), end == std::string::npos ? end : end - p - field.size());
  }

 private:
  using Clock = std::chrono::steady_clock;
  Target target_;
  Clock::time_point deadline_;  // of the connect (see the constructor)
  redisContext* ctx_ = nullptr;
  std::vector<std::unique_ptr<CommandTemplate>> commands_;
  std::string last_error_;
  Failure failure_ = Failure::kOther;
  bool in_multi_ = false;

  [[noreturn]] void unreachable(const std::string& why) {
    const auto started = deadline_ - std::chrono::seconds(target_.connect_timeout_s);
    Error e = connect_failure(target_, why, std::chrono::duration<double>(Clock::now() - started).count());
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
    throw e;
  }
  // What is left of the connect's deadline, at least 1 ms (0 would mean no time-out).
  timeval time_left() const {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - Clock::now()).count();
    us = std::max<decltype(us)>(us, 1000);
    return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
  }

  // A command of the connection's set-up; an error reply makes the target unreachable.
  void handshake(const std::vector<std::string>& args, const std::string& what) {
    std::vector<size_t> lens;
    std::vector<const char*> argv = pointers(args, lens);
    if (Clock::now() >= deadline_) unreachable("no reply in time");
    if (redisSetTimeout(ctx_, time_left()) != REDIS_OK) unreachable(ctx_->errstr);
    ReplyPtr r(static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (!r) unreachable(ctx_->errstr);
    if (r->type == REDIS_REPLY_ERROR) unreachable(what + ": " + std::string(r->str, r->len));
  }

  Status fail(Status s, const char* what) noexcept {
    failure_ = s == Status::kConnectionLost ? Failure::kConnection : Failure::kOther;
    try {
      last_error_ = scrub(what, target_.password);
    } catch (...) {
    }
    return s;
  }

  // The context is broken (I/O error, EOF, protocol error): hiredis cannot
  // use it again, so the caller must reconnect.
  Status lost() noexcept {
    in_multi_ = false;
    failure_ = Failure::kConnection;
    try {
      last_error_ = "connection to " + target_.redacted() + " lost: " + scrub(ctx_->errstr, target_.password);
    } catch (...) {
    }
    return Status::kConnectionLost;
  }

  // Classifies a reply (nullptr: the connection failed), fills out, frees it.
  Status finish(redisReply* r, ResultBuffer* out, int keep_rows) noexcept {
    if (!r) return lost();
    ReplyPtr reply(r);
    if (r->type == REDIS_REPLY_ERROR) return fail(status_of_error({r->str, r->len}), r->str);
    if (out) fill_result(*r, *out, keep_rows);
    return Status::kOk;
  }

  Status simple(const char* command) noexcept {
    const char* argv[] = {command};
    return finish(static_cast<redisReply*>(redisCommandArgv(ctx_, 1, argv, nullptr)), nullptr, 0);
  }

  ReplyPtr read_reply(const char* what) {
    void* r = nullptr;
    if (redisGetReply(ctx_, &r) != REDIS_OK)
      throw Error(ErrorClass::kConnectionLost, target_.redacted() + ": " + what + ": connection lost: " +
                                                   scrub(ctx_->errstr, target_.password));
    return ReplyPtr(static_cast<redisReply*>(r));
  }

  void check_reply(const ReplyPtr& r, const std::string& what) {
    if (r->type == REDIS_REPLY_ERROR)
      throw Error(ErrorClass::kFatal,
                  target_.redacted() + ": " + what + ": " + scrub(r->str, target_.password));
  }

  // Runs a one-line command (arguments split on spaces); throws on failure.
  ReplyPtr command_reply(const std::string& command) { return command_reply(split_command(command)); }

  ReplyPtr command_reply(const std::vector<std::string>& args) {
    if (args.empty()) throw Error(ErrorClass::kBadInput, "an empty Redis command");
    std::vector<size_t> lens;
    std::vector<const char*> argv = pointers(args, lens);
    if (Clock::now() >= deadline_) unreachable("no reply in time");
    if (redisSetTimeout(ctx_, time_left()) != REDIS_OK) unreachable(ctx_->errstr);
    ReplyPtr r(static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (!r)
      throw Error(ErrorClass::kConnectionLost, target_.redacted() + ": " + args[0] + ": connection lost: " +
                                                   scrub(ctx_->errstr, target_.password));
    check_reply(r, args[0]);
    return r;
  }
};

}  // namespace

std::unique_ptr<Connection> connect(const Target& target) {
  return std::make_unique<RedisConnection>(target);
}

}  // namespace oltap::engine::redis
