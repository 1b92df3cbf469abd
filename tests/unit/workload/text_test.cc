// Pins down the text-making distributions of generated data: pseudo-text is
// cut from the pool of TPC-H's grammar (clause 4.2.2.10) at the lengths asked
// for, the pool holds the words queries look for in about their shares,
// embeds land in their share of the values, and sample joins distinct options.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

constexpr uint64_t kSeed = 11;
constexpr int kDraws = 20000;

size_t count_of(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

TEST(PseudoText, PoolIsMadeOfTheGrammarsWordsAndSentences) {
  const std::string& pool = pseudo_text_pool();
  ASSERT_GT(pool.size(), 1u << 20);
  EXPECT_EQ(&pool, &pseudo_text_pool());  // made once
  // Lower-case words, spaces and the terminators' punctuation only.
  EXPECT_EQ(pool.find_first_not_of("abcdefghijklmnopqrstuvwxyzT .,;:?!-"), std::string::npos);
  // The heaviest nouns and adjectives are common; a rare noun is rare.
  const std::string head = pool.substr(0, 1 << 20);
  const size_t packages = count_of(head, "packages"), special = count_of(head, "special");
  const size_t tiresias = count_of(head, "Tiresias");
  EXPECT_GT(packages, 1000u);
  EXPECT_GT(special, 1000u);
  EXPECT_GT(packages, 20 * tiresias);
  // Q13's pattern occurs, but in a minority of comment-sized strings.
  EXPECT_GT(count_of(head, "special requests"), 10u);
}

TEST(PseudoText, StringsAreCutFromThePoolAtLengthsWithinTheBounds) {
  Distribution d = Distribution::pseudo_text(19, 78);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::set<size_t> lengths;
  std::set<std::string> distinct;
  for (int i = 0; i < kDraws; ++i) {
    d.draw(rng, seq, v);
    ASSERT_EQ(v.kind, Value::Kind::kText);
    ASSERT_GE(v.s.size(), 19u);
    ASSERT_LE(v.s.size(), 78u);
    lengths.insert(v.s.size());
    distinct.insert(v.s);
    if (i < 100) {
      EXPECT_NE(pseudo_text_pool().find(v.s), std::string::npos) << v.s;
    }
  }
  EXPECT_EQ(lengths.size(), 60u);  // every length of [19, 78]
  EXPECT_GT(distinct.size(), static_cast<size_t>(kDraws * 0.99));
}

TEST(PseudoText, EmbedsLandInTheirShareEachAndNeverTogether) {
  Distribution d = Distribution::pseudo_text(25, 100);
  d.set_string_extras({{"Customer Complaints", 0.1}, {"Customer Recommends", 0.05}}, "");
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  int complaints = 0, recommends = 0;
  for (int i = 0; i < kDraws; ++i) {
    d.draw(rng, seq, v);
    const bool c = v.s.find("Customer Complaints") != std::string::npos;
    const bool r = v.s.find("Customer Recommends") != std::string::npos;
    EXPECT_FALSE(c && r);
    complaints += c;
    recommends += r;
    ASSERT_LE(v.s.size(), 100u);
  }
  EXPECT_NEAR(complaints, kDraws * 0.1, 6 * std::sqrt(kDraws * 0.1 * 0.9));
  EXPECT_NEAR(recommends, kDraws * 0.05, 6 * std::sqrt(kDraws * 0.05 * 0.95));
}

TEST(PseudoText, BadBoundsAndEmbedsAreRefused) {
  EXPECT_THROW(Distribution::pseudo_text(10, 5), Error);
  EXPECT_THROW(Distribution::pseudo_text(-1, 5), Error);
  EXPECT_THROW(Distribution::pseudo_text(1, 1 << 30), Error);
  Distribution d = Distribution::pseudo_text(5, 10);
  EXPECT_THROW(d.set_string_extras({{"much longer than five", 0.1}}, ""), Error);
  EXPECT_THROW(d.set_string_extras({{"ab", 0.7}, {"cd", 0.7}}, ""), Error);
}

TEST(Sample, JoinsDistinctOptionsInRandomOrder) {
  std::vector<Value> colours;
  for (const char* c : {"almond", "azure", "beige", "black", "blue", "coral", "cyan", "green"})
    colours.push_back(Value::of_text(c));
  Distribution d = Distribution::sample(colours, 5, " ");
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::set<std::string> firsts;
  for (int i = 0; i < 2000; ++i) {
    d.draw(rng, seq, v);
    std::vector<std::string> words = split(v.s, ' ');
    ASSERT_EQ(words.size(), 5u) << v.s;
    EXPECT_EQ(std::set<std::string>(words.begin(), words.end()).size(), 5u) << v.s;
    for (const auto& w : words)
      EXPECT_NE(std::find_if(colours.begin(), colours.end(), [&](const Value& c) { return c.s == w; }),
                colours.end());
    firsts.insert(words[0]);
  }
  EXPECT_EQ(firsts.size(), colours.size());  // any option may come first
  // All of them, once each.
  Distribution all = Distribution::sample(colours, 8, ",");
  all.draw(rng, seq, v);
  EXPECT_EQ(split(v.s, ',').size(), 8u);
}

TEST(Sample, CountMustFitTheOptions) {
  std::vector<Value> two = {Value::of_text("a"), Value::of_text("b")};
  EXPECT_THROW(Distribution::sample(two, 3, " "), Error);
  EXPECT_THROW(Distribution::sample(two, 0, " "), Error);
  EXPECT_THROW(Distribution::sample({}, 1, " "), Error);
}

}  // namespace
}  // namespace oltap::workload
