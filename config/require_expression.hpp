// The `require` language of a watchlist: a small boolean expression over terms, parsed without
// knowing how terms are matched (that is match/'s job), so config errors carry file:line:column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::config {

// A rule is parsed, compiled, evaluated per article and shown by `match --explain` by walks that
// recurse once per level, so a rule of thousands of nested parentheses or `not`s would overflow the
// stack (of `check`, of the daemon at start or on SIGHUP). Real rules are a few levels deep and a
// few hundred bytes long; these bounds leave room for generated rules and keep every walk a few
// hundred frames deep at most. Levels are opened by '(', 'N of (', 'not', 'FIELD:' and each
// near/N of a chain (a near/1 b near/1 c nests as near(near(a, b), c)).
inline constexpr int kMaxRequireDepth = 64;
// Bounds the clauses of one rule, and so the work of evaluating it for every article and the size
// of its explanation; a page of text.
inline constexpr std::size_t kMaxRequireLength = 8 * 1024;

// The parts of an article a clause may be limited to with `field:`.
enum class Field : std::uint8_t { any, title, summary, content, body, categories };

std::string_view field_name(Field field);

struct RequireNode {
  enum class Kind : std::uint8_t {
    any_term,    // `any`: some actor or region of the watchlist
    any_actor,   // `actor`
    any_region,  // `region`
    term,        // a word or "quoted phrase": an actor, a region, a gazetteer place or plain words
    all,         // a and b and ...
    either,      // a or b or ...
    negate,      // not a
    at_least,    // N of (a, b, ...)
    near,        // a near/N b: an occurrence of each within N words in the same field
    scope,       // field:a
  };
  Kind kind = Kind::term;
  std::string text;            // term: as written, without quotes
  int count = 0;               // at_least: N; near: the largest distance in words
  Field field = Field::any;    // scope
  std::size_t begin = 0;       // byte range in the expression, for messages and explain output
  std::size_t end = 0;
  std::vector<RequireNode> children;
};

// A syntax error at a byte offset of the expression.
class RequireSyntaxError : public std::runtime_error {
 public:
  RequireSyntaxError(std::size_t offset, const std::string& message) : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// Grammar (keywords in lower or upper case; `not` binds loosest of the unary forms):
//   or    := and ('or' and)*
//   and   := unary ('and' unary)*
//   unary := 'not' unary | near
//   near  := atom ('near/'N atom)*
//   atom  := '(' or ')' | N 'of' '(' or (',' or)* ')' | FIELD ':' atom | 'any' | 'actor' | 'region'
//          | WORD | '"' phrase '"'
class RequireExpression {
 public:
  RequireExpression() = default;

  // Throws RequireSyntaxError, also for a rule nested deeper than kMaxRequireDepth or longer
  // than kMaxRequireLength bytes.
  static RequireExpression parse(std::string_view text);

  bool empty() const { return nodes_.empty(); }
  const RequireNode& root() const { return nodes_.front(); }
  const std::string& text() const { return text_; }

  // The source text of a clause, for explanations ("Khamenei near/20 (strike or attack)").
  std::string_view source(const RequireNode& node) const {
    return std::string_view(text_).substr(node.begin, node.end - node.begin);
  }

  // True when some clause is the keyword `actor` / `region` (or `any`, for both).
  bool uses(RequireNode::Kind keyword) const;

 private:
  std::string text_;
  std::vector<RequireNode> nodes_;  // empty, or one root
};

}  // namespace newsalert::config
