// Command templates, reply mapping and key globs of the Redis driver.
#include "redis_command.h"

#include <algorithm>
#include <charconv>

namespace oltap::engine::redis {

CommandTemplate::CommandTemplate(const std::vector<std::string>& args, std::vector<std::string>& names) {
  names.clear();
  if (args.empty()) throw Error(ErrorClass::kBadInput, "a redis command needs at least its name");
  for (const auto& a : args) {
    Arg arg;
    for (auto& tp : split_template(a)) {
      Part p;
      p.literal = std::move(tp.literal);
      if (!tp.name.empty()) {
        auto it = std::find(names.begin(), names.end(), tp.name);
        p.param = static_cast<int>(it - names.begin());
        if (it == names.end()) names.push_back(tp.name);
      }
      arg.parts.push_back(std::move(p));
    }
    args_.push_back(std::move(arg));
  }
  argv_.resize(args_.size());
  argvlen_.resize(args_.size());
}

void CommandTemplate::build(const Value* const* params) noexcept {
  for (size_t i = 0; i < args_.size(); ++i) {
    Arg& a = args_[i];
    const Part& first = a.parts.front();
    if (a.parts.size() == 1 && first.param < 0) {  // a constant, like the command's name
      argv_[i] = first.literal.data();
      argvlen_[i] = first.literal.size();
      continue;
    }
    if (a.parts.size() == 1 && first.literal.empty()) {  // "{value}": the value itself, no copy
      const Value& v = *params[first.param];
      if (v.kind == Value::Kind::kText) {
        argv_[i] = v.s.data();
        argvlen_[i] = v.s.size();
      } else {
        int n = v.to_text(a.number, kMaxNumberText);
        argv_[i] = a.number;
        argvlen_[i] = n < 0 ? 0 : static_cast<size_t>(n);
      }
      continue;
    }
    a.text.clear();  // keeps its capacity
    for (const Part& p : a.parts) {
      a.text.append(p.literal);
      if (p.param < 0) continue;
      const Value& v = *params[p.param];
      if (v.kind == Value::Kind::kText) {
        a.text.append(v.s);
      } else {
        int n = v.to_text(a.number, kMaxNumberText);
        if (n > 0) a.text.append(a.number, static_cast<size_t>(n));
      }
    }
    argv_[i] = a.text.data();
    argvlen_[i] = a.text.size();
  }
}

namespace {

void append_number(std::string& out, size_t n) {
  char buf[kMaxNumberText];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

}  // namespace

std::string_view CommandTemplate::format(const Value* const* params) noexcept {
  build(params);
  wire_.clear();  // keeps its capacity
  wire_ += '*';
  append_number(wire_, argv_.size());
  wire_ += "\r\n";
  for (size_t i = 0; i < argv_.size(); ++i) {
    wire_ += '$';
    append_number(wire_, argvlen_[i]);
    wire_ += "\r\n";
    wire_.append(argv_[i], argvlen_[i]);
    wire_ += "\r\n";
  }
  return wire_;
}

namespace {

// Whether error starts with the error code `code` (followed by a space or its end).
bool has_code(std::string_view error, std::string_view code) noexcept {
  return error.substr(0, code.size()) == code && (error.size() == code.size() || error[code.size()] == ' ');
}

void set_element(Value& v, const redisReply& e) noexcept {
  switch (e.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      v.kind = Value::Kind::kText;
      v.s.assign(e.str, e.len);  // reuses the Value's buffer once it has grown
      return;
    case REDIS_REPLY_INTEGER:
      v.set_int(e.integer);
      return;
    default:  // nil, or an array inside an array
      v.set_null();
  }
}

}  // namespace

Status status_of_error(std::string_view error) noexcept {
  // Busy with a script, loading its data set, a cluster slot moving, or a
  // transaction the server refused to run: trying again may succeed.
  for (std::string_view code : {"BUSY", "LOADING", "TRYAGAIN", "EXECABORT"})
    if (has_code(error, code)) return Status::kRetryable;
  return Status::kFatal;
}

void fill_result(const redisReply& reply, ResultBuffer& out, int keep_rows) noexcept {
  out.affected = 0;
  switch (reply.type) {
    case REDIS_REPLY_NIL:
      out.rows = 0;
      out.columns = 0;
      return;
    case REDIS_REPLY_ARRAY:
      if (reply.elements == 0) {
        out.rows = 0;
        out.columns = 0;
        return;
      }
      out.rows = 1;
      out.columns = static_cast<int>(reply.elements);
      break;
    default:  // string, status, integer
      out.rows = 1;
      out.columns = 1;
      if (reply.type == REDIS_REPLY_INTEGER) out.affected = reply.integer;
  }
  if (keep_rows < 1) return;
  if (out.cells.size() < static_cast<size_t>(out.columns)) out.cells.resize(out.columns);
  if (reply.type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < reply.elements; ++i) set_element(out.cells[i], *reply.element[i]);
  } else {
    set_element(out.cells[0], reply);
  }
}

std::string reply_text(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string(reply.str, reply.len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply.integer);
    case REDIS_REPLY_ARRAY:
      return reply.elements ? reply_text(*reply.element[0]) : std::string();
    default:
      return "";
  }
}

std::string key_glob(const std::string& key_template) {
  std::string out;
  for (const auto& part : split_template(key_template)) {
    for (char c : part.literal) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
      out += c;
    }
    if (!part.name.empty()) out += '*';
  }
  return out;
}

std::vector<std::string> split_command(std::string_view text) {
  std::vector<std::string> args;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) args.emplace_back(text.substr(start, i - start));
  }
  return args;
}

}  // namespace oltap::engine::redis
