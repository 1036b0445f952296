// The require language's parser: structure, precedence and every syntax error with its offset.
#include "config/require_expression.hpp"

#include <gtest/gtest.h>

using newsalert::config::Field;
using newsalert::config::RequireExpression;
using newsalert::config::RequireNode;
using newsalert::config::RequireSyntaxError;
using Kind = RequireNode::Kind;

namespace {

// A compact rendering of the tree: and(a,b), near/5(a,b), 2of(a,b), title:(a), not(a).
std::string shape(const RequireNode& n) {
  auto list = [&](std::string head) {
    head += "(";
    for (std::size_t i = 0; i < n.children.size(); ++i) head += (i ? "," : "") + shape(n.children[i]);
    return head + ")";
  };
  switch (n.kind) {
    case Kind::any_term: return "ANY";
    case Kind::any_actor: return "ACTOR";
    case Kind::any_region: return "REGION";
    case Kind::term: return n.text;
    case Kind::all: return list("and");
    case Kind::either: return list("or");
    case Kind::negate: return list("not");
    case Kind::at_least: return list(std::to_string(n.count) + "of");
    case Kind::near: return list("near/" + std::to_string(n.count));
    case Kind::scope: return list(std::string(newsalert::config::field_name(n.field)) + ":");
  }
  return "?";
}

std::string parsed(std::string_view text) { return shape(RequireExpression::parse(text).root()); }

// "offset: message" of the error the text must raise.
std::string error(std::string_view text) {
  try {
    RequireExpression::parse(text);
  } catch (const RequireSyntaxError& e) {
    return std::to_string(e.offset()) + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST(RequireExpression, ParsesTheFourKeywords) {
  EXPECT_EQ(parsed("any"), "ANY");
  EXPECT_EQ(parsed("actor"), "ACTOR");
  EXPECT_EQ(parsed("region"), "REGION");
  EXPECT_EQ(parsed("actor and region"), "and(ACTOR,REGION)");
}

TEST(RequireExpression, AndBindsTighterThanOr) {
  EXPECT_EQ(parsed("a or b and c"), "or(a,and(b,c))");
  EXPECT_EQ(parsed("(a or b) and c"), "and(or(a,b),c)");
  EXPECT_EQ(parsed("a AND b OR c"), "or(and(a,b),c)");
}

TEST(RequireExpression, NotAppliesToTheNextClause) {
  EXPECT_EQ(parsed("a and not b"), "and(a,not(b))");
  EXPECT_EQ(parsed("not (a or b)"), "not(or(a,b))");
  EXPECT_EQ(parsed("not a near/3 b"), "not(near/3(a,b))");
}

TEST(RequireExpression, QuotedPhrasesAndFieldScopes) {
  EXPECT_EQ(parsed("\"supreme leader\" and title:Iran"), "and(supreme leader,title:(Iran))");
  EXPECT_EQ(parsed("body:(a or b)"), "body:(or(a,b))");
  EXPECT_EQ(parsed("category:sport"), "categories:(sport)");
}

TEST(RequireExpression, CountsAndProximity) {
  EXPECT_EQ(parsed("2 of (a, b, c or d)"), "2of(a,b,or(c,d))");
  EXPECT_EQ(parsed("Khamenei near/20 (strike or attack)"), "near/20(Khamenei,or(strike,attack))");
  EXPECT_EQ(parsed("a near/2 b near/3 c"), "near/3(near/2(a,b),c)");
}

TEST(RequireExpression, KeepsSourceRangesForExplanations) {
  const auto e = RequireExpression::parse("Iran and (Khamenei near/5 strike)");
  EXPECT_EQ(e.source(e.root()), "Iran and (Khamenei near/5 strike)");
  EXPECT_EQ(e.source(e.root().children[1]), "(Khamenei near/5 strike)");
  EXPECT_TRUE(e.uses(Kind::term));
  EXPECT_FALSE(e.uses(Kind::any_actor));
}

TEST(RequireExpression, ReportsSyntaxErrorsWithOffsets) {
  EXPECT_EQ(error(""), "0: empty expression");
  EXPECT_EQ(error("a and"), "5: expected a term after 'and', got the end");
  EXPECT_EQ(error("a or or b"), "5: expected a term after 'or', got 'or'");
  EXPECT_EQ(error("and a"), "0: expected a term before 'and'");
  EXPECT_EQ(error("a b"), "2: expected 'and', 'or' or 'near/N' before 'b'");
  EXPECT_EQ(error("(a or b"), "0: '(' is never closed");
  EXPECT_EQ(error("a or b)"), "6: unexpected ')'");
  EXPECT_EQ(error("()"), "1: empty parentheses");
  EXPECT_EQ(error("\"a b"), "0: unterminated quoted phrase");
  EXPECT_EQ(error("a and \"  \""), "6: empty quoted phrase");
  EXPECT_EQ(error("headline:a"), "0: unknown field 'headline' (fields: title, summary, content, body, categories)");
  EXPECT_EQ(error("title: a"), "6: expected a term or '(' right after 'title:'");
  EXPECT_EQ(error("a near b"), "2: 'near' needs a distance in words, like near/20");
  EXPECT_EQ(error("a near/0 b"), "2: 'near/0': the distance must be a whole number of words from 1 to 1000");
  EXPECT_EQ(error("not a near/3 b near/2 not c"), "22: expected a term, got 'not'");
  EXPECT_EQ(error("(not a) near/3 b"), "0: near: 'not' has no position in the text; use terms, phrases, 'or' or 'and'");
  EXPECT_EQ(error("3 of (a, b)"), "0: 3 of (...): the count must be between 1 and 2, the number of clauses listed");
  EXPECT_EQ(error("2 of a, b"), "5: expected '(' after '2 of', like 2 of (a, b, c)");
  EXPECT_EQ(error("2 of (a, b"), "5: '(' is never closed");
  EXPECT_EQ(error("of (a)"), "0: 'of' needs a count before it, like 2 of (a, b, c)");
}

namespace {

std::string repeated(std::string_view part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

std::string parens(int depth) { return repeated("(", depth) + "a" + repeated(")", depth); }
std::string nots(int depth) { return repeated("not ", depth) + "a"; }
std::string near_chain(int links) { return "a" + repeated(" near/1 a", links); }

}  // namespace

TEST(RequireExpression, NestsParenthesesUpToTheLimit) {
  EXPECT_EQ(parsed(parens(newsalert::config::kMaxRequireDepth)), "a");
  EXPECT_EQ(error(parens(64)), "no error");
  EXPECT_EQ(error(parens(65)), "64: rule nested deeper than 64");
  // Unclosed, so the parser is 8,000 levels down before it could find out (this overflowed the stack).
  EXPECT_EQ(error(repeated("(", 8000) + "a"), "64: rule nested deeper than 64");
  EXPECT_EQ(error(repeated("2 of (a, ", 65) + "a" + repeated(")", 65)), "576: rule nested deeper than 64");
  EXPECT_EQ(error(repeated("title:", 65) + "a"), "384: rule nested deeper than 64");
}

TEST(RequireExpression, ChainsNotUpToTheLimit) {
  EXPECT_EQ(error(nots(64)), "no error");
  EXPECT_EQ(error(nots(65)), "256: rule nested deeper than 64");
  EXPECT_EQ(error(nots(2000)), "256: rule nested deeper than 64");
  // Levels add up across the forms: 32 parentheses around 33 nots are 65 levels.
  EXPECT_EQ(error(repeated("(", 32) + nots(32) + repeated(")", 32)), "no error");
  EXPECT_EQ(error(repeated("(", 32) + nots(33) + repeated(")", 32)), "160: rule nested deeper than 64");
}

// a near/1 b near/1 c is near(near(a, b), c): a chain nests as deep as it is long, with no
// parenthesis to show it.
TEST(RequireExpression, ChainsNearUpToTheLimit) {
  EXPECT_EQ(error(near_chain(64)), "no error");
  EXPECT_EQ(error(near_chain(65)), "578: rule nested deeper than 64");
  EXPECT_EQ(error(near_chain(900)), "578: rule nested deeper than 64");
  // The operands' own levels count: a chain of 33 around 32 parentheses.
  EXPECT_EQ(error(parens(32) + repeated(" near/1 a", 32)), "no error");
  EXPECT_EQ(error(parens(32) + repeated(" near/1 a", 33)), "354: rule nested deeper than 64");
  EXPECT_EQ(error("a" + repeated(" near/1 a", 32) + " near/1 " + parens(32)), "290: rule nested deeper than 64");
}

TEST(RequireExpression, RefusesARuleLongerThanTheLimit) {
  const std::string longest = "a" + repeated(" or a", (newsalert::config::kMaxRequireLength - 1) / 5);
  ASSERT_LE(longest.size(), 8192u);
  ASSERT_GT(longest.size() + 5, 8192u);
  EXPECT_EQ(error(longest), "no error");
  EXPECT_EQ(error(longest + " or a"), "0: rule longer than 8192 bytes");
  // The rules that overflowed the stack: 5,000 parentheses, 20,000 nots.
  EXPECT_EQ(error(parens(5000)), "0: rule longer than 8192 bytes");
  EXPECT_EQ(error(nots(20000)), "0: rule longer than 8192 bytes");
}
