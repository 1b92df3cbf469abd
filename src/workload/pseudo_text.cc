// The pseudo-text pool of `text` distributions: sentences made from TPC-H's
// grammar and weighted vocabulary (clause 4.2.2.10), so that comments hold
// the words queries look for (Q13's "special ... requests", Q16's
// "Customer ... Complaints" comes from an embed) in about the specified shares.
#include <string>
#include <utility>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

// The pool's size. TPC-H's reference generator cuts from 300 MB; a smaller
// pool takes a fraction of a second to make, and strings cut from random
// places of 16 MiB are still different from each other at any scale we load.
constexpr size_t kPoolBytes = 16u << 20;
// The pool is the same everywhere: made from this seed, not the load's.
constexpr uint64_t kPoolSeed = 0x5450'4348'5445'5854ULL;

struct Weighted {
  const char* text;
  int weight;
};

// A list of words (or grammar forms) drawn by weight.
class Pick {
 public:
  Pick(std::initializer_list<Weighted> items) : items_(items) {
    for (const auto& w : items_) cumulative_.push_back(total_ += w.weight);
  }
  const char* operator()(Rng& rng) const {
    const int64_t r = rng.uniform(1, total_);
    size_t i = 0;
    while (cumulative_[i] < r) ++i;
    return items_[i].text;
  }

 private:
  std::vector<Weighted> items_;
  std::vector<int64_t> cumulative_;
  int64_t total_ = 0;
};

// Clause 4.2.2.10's vocabulary with its weights.
const Pick kNouns = {{"packages", 40},     {"requests", 40},     {"accounts", 40},    {"deposits", 40},
                     {"foxes", 20},        {"ideas", 20},        {"theodolites", 20}, {"pinto beans", 20},
                     {"instructions", 20}, {"dependencies", 10}, {"excuses", 10},     {"platelets", 10},
                     {"asymptotes", 10},   {"courts", 5},        {"dolphins", 5},     {"multipliers", 1},
                     {"sauternes", 1},     {"warthogs", 1},      {"frets", 1},        {"dinos", 1},
                     {"attainments", 1},   {"somas", 1},         {"Tiresias", 1},     {"patterns", 1},
                     {"forges", 1},        {"braids", 1},        {"frays", 1},        {"warhorses", 1},
                     {"dugouts", 1},       {"notornis", 1},      {"epitaphs", 1},     {"pearls", 1},
                     {"tithes", 1},        {"waters", 1},        {"orbits", 1},       {"gifts", 1},
                     {"sheaves", 1},       {"depths", 1},        {"sentiments", 1},   {"decoys", 1},
                     {"realms", 1},        {"pains", 1},         {"grouches", 1},     {"escapades", 1},
                     {"hockey players", 1}};
const Pick kVerbs = {{"sleep", 20},    {"wake", 20},    {"are", 20},   {"cajole", 20}, {"haggle", 20},
                     {"nag", 10},      {"use", 10},     {"boost", 10}, {"affix", 5},   {"detect", 5},
                     {"integrate", 5}, {"maintain", 1}, {"nod", 1},    {"was", 1},     {"lose", 1},
                     {"sublate", 1},   {"solve", 1},    {"thrash", 1}, {"promise", 1}, {"engage", 1},
                     {"hinder", 1},    {"print", 1},    {"x-ray", 1},  {"breach", 1},  {"eat", 1},
                     {"grow", 1},      {"impress", 1},  {"mold", 1},   {"poach", 1},   {"serve", 1},
                     {"run", 1},       {"dazzle", 1},   {"snooze", 1}, {"doze", 1},    {"unwind", 1},
                     {"kindle", 1},    {"play", 1},     {"hang", 1},   {"believe", 1}, {"doubt", 1}};
const Pick kAdjectives = {
    {"special", 20}, {"pending", 20},  {"unusual", 20}, {"express", 20}, {"furious", 1}, {"sly", 1},
    {"careful", 1},  {"blithe", 1},    {"quick", 1},    {"fluffy", 1},   {"slow", 1},    {"quiet", 1},
    {"ruthless", 1}, {"thin", 1},      {"close", 1},    {"dogged", 1},   {"daring", 1},  {"brave", 1},
    {"stealthy", 1}, {"permanent", 1}, {"enticing", 1}, {"idle", 1},     {"busy", 1},    {"regular", 50},
    {"final", 40},   {"ironic", 40},   {"even", 30},    {"bold", 20},    {"silent", 10}};
const Pick kAdverbs = {{"sometimes", 1},  {"always", 1},     {"never", 1},       {"furiously", 50},
                       {"slyly", 50},     {"carefully", 50}, {"blithely", 40},   {"quickly", 30},
                       {"fluffily", 20},  {"slowly", 1},     {"quietly", 1},     {"ruthlessly", 1},
                       {"thinly", 1},     {"closely", 1},    {"doggedly", 1},    {"daringly", 1},
                       {"bravely", 1},    {"stealthily", 1}, {"permanently", 1}, {"enticingly", 1},
                       {"idly", 1},       {"busily", 1},     {"regularly", 1},   {"finally", 1},
                       {"ironically", 1}, {"evenly", 1},     {"boldly", 1},      {"silently", 1}};
const Pick kPrepositions = {{"about", 50},
                            {"above", 50},
                            {"according to", 50},
                            {"across", 50},
                            {"after", 50},
                            {"against", 40},
                            {"along", 40},
                            {"alongside of", 30},
                            {"among", 30},
                            {"around", 20},
                            {"at", 10},
                            {"atop", 1},
                            {"before", 1},
                            {"behind", 1},
                            {"beneath", 1},
                            {"beside", 1},
                            {"besides", 1},
                            {"between", 1},
                            {"beyond", 1},
                            {"by", 1},
                            {"despite", 1},
                            {"during", 1},
                            {"except", 1},
                            {"for", 1},
                            {"from", 1},
                            {"in place of", 1},
                            {"inside", 1},
                            {"instead of", 1},
                            {"into", 1},
                            {"near", 1},
                            {"of", 1},
                            {"on", 1},
                            {"outside", 1},
                            {"over", 1},
                            {"past", 1},
                            {"since", 1},
                            {"through", 1},
                            {"throughout", 1},
                            {"to", 1},
                            {"toward", 1},
                            {"under", 1},
                            {"until", 1},
                            {"up", 1},
                            {"upon", 1},
                            {"without", 1},
                            {"with", 1},
                            {"within", 1}};
const Pick kAuxiliaries = {{"do", 1},
                           {"may", 1},
                           {"might", 1},
                           {"shall", 1},
                           {"will", 1},
                           {"would", 1},
                           {"can", 1},
                           {"could", 1},
                           {"should", 1},
                           {"ought to", 1},
                           {"must", 1},
                           {"will have to", 1},
                           {"shall have to", 1},
                           {"could have to", 1},
                           {"should have to", 1},
                           {"must have to", 1},
                           {"need to", 1},
                           {"try to", 1}};
const Pick kTerminators = {{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1}};
// Sentences: N noun phrase, V verb phrase, P prepositional phrase, T terminator.
const Pick kSentences = {{"NVT", 3}, {"NVPT", 3}, {"NVNT", 3}, {"NPVNT", 1}, {"NPVPT", 1}};
// Noun phrases: N noun, J adjective (',' a comma after it), D adverb.
const Pick kNounPhrases = {{"N", 10}, {"JN", 20}, {"J,JN", 10}, {"DJN", 50}};
// Verb phrases: V verb, X auxiliary, D adverb.
const Pick kVerbPhrases = {{"V", 30}, {"XV", 1}, {"VD", 40}, {"XVD", 1}};

void word(std::string& out, const char* w) {
  if (!out.empty() && out.back() != ' ') out += ' ';
  out += w;
}

// Writes a noun or verb phrase of the form drawn from forms: N noun,
// J adjective, D adverb, V verb, X auxiliary, ',' a comma.
void phrase(std::string& out, Rng& rng, const Pick& forms) {
  for (const char* f = forms(rng); *f; ++f) {
    switch (*f) {
      case 'N':
        word(out, kNouns(rng));
        break;
      case 'J':
        word(out, kAdjectives(rng));
        break;
      case 'D':
        word(out, kAdverbs(rng));
        break;
      case 'V':
        word(out, kVerbs(rng));
        break;
      case 'X':
        word(out, kAuxiliaries(rng));
        break;
      case ',':
        out += ',';
        break;
    }
  }
}

std::string make_pool() {
  std::string out;
  out.reserve(kPoolBytes + 256);
  Rng rng(kPoolSeed);
  while (out.size() < kPoolBytes) {
    for (const char* f = kSentences(rng); *f; ++f) {
      switch (*f) {
        case 'N':
          phrase(out, rng, kNounPhrases);
          break;
        case 'V':
          phrase(out, rng, kVerbPhrases);
          break;
        case 'P':
          word(out, kPrepositions(rng));
          word(out, "the");
          phrase(out, rng, kNounPhrases);
          break;
        case 'T':
          out += kTerminators(rng);
          out += ' ';
          break;
      }
    }
  }
  out.resize(kPoolBytes);
  return out;
}

}  // namespace

const std::string& pseudo_text_pool() {
  static const std::string pool = make_pool();
  return pool;
}

}  // namespace oltap::workload
