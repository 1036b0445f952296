// Recursive-descent parser for the watchlist `require` language.
#include "config/require_expression.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace newsalert::config {

std::string_view field_name(Field field) {
  switch (field) {
    case Field::any: return "any";
    case Field::title: return "title";
    case Field::summary: return "summary";
    case Field::content: return "content";
    case Field::body: return "body";
    case Field::categories: return "categories";
  }
  return "any";
}

namespace {

using Kind = RequireNode::Kind;

struct Lexeme {
  enum class Type { end, word, phrase, open, close, comma, colon } type = Type::end;
  std::string text;
  std::size_t begin = 0;
  std::size_t end = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_delimiter(char c) { return is_space(c) || c == '(' || c == ')' || c == ',' || c == '"' || c == ':'; }

std::string shown(const Lexeme& l) {
  switch (l.type) {
    case Lexeme::Type::end: return "the end";
    case Lexeme::Type::phrase: return "\"" + l.text + "\"";
    default: return "'" + l.text + "'";
  }
}

bool keyword(const Lexeme& l, std::string_view lower, std::string_view upper) {
  return l.type == Lexeme::Type::word && (l.text == lower || l.text == upper);
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  RequireNode parse() {
    if (look_.type == Lexeme::Type::end) throw RequireSyntaxError(0, "empty expression");
    RequireNode node = parse_or();
    if (look_.type == Lexeme::Type::close) throw RequireSyntaxError(look_.begin, "unexpected ')'");
    if (look_.type != Lexeme::Type::end)
      throw RequireSyntaxError(look_.begin, "expected 'and', 'or' or 'near/N' before " + shown(look_));
    return node;
  }

 private:
  void advance() {
    std::size_t i = pos_;
    while (i < text_.size() && is_space(text_[i])) ++i;
    look_ = Lexeme{};
    look_.begin = i;
    if (i >= text_.size()) {
      look_.begin = look_.end = pos_;  // "got the end" points just past the last word
      return;
    }
    const char c = text_[i];
    if (c == '(' || c == ')' || c == ',' || c == ':') {
      look_.type = c == '(' ? Lexeme::Type::open : c == ')' ? Lexeme::Type::close
                   : c == ',' ? Lexeme::Type::comma : Lexeme::Type::colon;
      look_.text = std::string(1, c);
      look_.end = pos_ = i + 1;
      return;
    }
    if (c == '"') {
      const std::size_t close = text_.find('"', i + 1);
      if (close == std::string_view::npos) throw RequireSyntaxError(i, "unterminated quoted phrase");
      look_.type = Lexeme::Type::phrase;
      look_.text = std::string(text_.substr(i + 1, close - i - 1));
      if (look_.text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw RequireSyntaxError(i, "empty quoted phrase");
      look_.end = pos_ = close + 1;
      return;
    }
    std::size_t j = i;
    while (j < text_.size() && !is_delimiter(text_[j])) ++j;
    look_.type = Lexeme::Type::word;
    look_.text = std::string(text_.substr(i, j - i));
    look_.end = pos_ = j;
  }

  RequireNode make(Kind kind, std::size_t begin, std::vector<RequireNode> children = {}) {
    RequireNode n;
    n.kind = kind;
    n.begin = begin;
    n.end = last_end_;
    n.children = std::move(children);
    return n;
  }

  Lexeme take() {
    Lexeme l = look_;
    last_end_ = l.end;
    advance();
    return l;
  }

  // A clause that holds others ('(', 'N of (', 'not', 'FIELD:') while its contents are parsed.
  class Level {
   public:
    Level(Parser& parser, std::size_t at) : parser_(parser) {
      parser.check_depth(at, parser.depth_ + 1);
      parser.peak_ = std::max(parser.peak_, ++parser.depth_);
    }
    ~Level() { --parser_.depth_; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;

   private:
    Parser& parser_;
  };

  void check_depth(std::size_t at, int depth) const {
    if (depth > kMaxRequireDepth)
      throw RequireSyntaxError(at, "rule nested deeper than " + std::to_string(kMaxRequireDepth));
  }

  RequireNode parse_or() { return parse_chain(Kind::either, "or", "OR", &Parser::parse_and); }
  RequireNode parse_and() { return parse_chain(Kind::all, "and", "AND", &Parser::parse_unary); }

  // operand (KEYWORD operand)*: one node, or a `kind` node over every operand.
  RequireNode parse_chain(Kind kind, std::string_view lower, std::string_view upper, RequireNode (Parser::*operand)()) {
    const std::size_t begin = look_.begin;
    std::vector<RequireNode> parts;
    parts.push_back((this->*operand)());
    while (keyword(look_, lower, upper)) {
      const Lexeme op = take();
      expect_operand(op);
      parts.push_back((this->*operand)());
    }
    if (parts.size() == 1) return std::move(parts.front());
    return make(kind, begin, std::move(parts));
  }

  RequireNode parse_unary() {
    if (keyword(look_, "not", "NOT")) {
      const Lexeme op = take();
      expect_operand(op);
      const Level level(*this, op.begin);
      std::vector<RequireNode> child;
      child.push_back(parse_unary());
      return make(Kind::negate, op.begin, std::move(child));
    }
    return parse_near();
  }

  // near/N: the distance is part of the keyword so it reads like the search engines analysts know.
  bool at_near(int& distance) {
    if (look_.type != Lexeme::Type::word) return false;
    std::string_view w = look_.text;
    if (!(w.starts_with("near") || w.starts_with("NEAR"))) return false;
    if (w.size() == 4) throw RequireSyntaxError(look_.begin, "'near' needs a distance in words, like near/20");
    if (w[4] != '/') return false;
    if (!parse_int(w.substr(5), distance) || distance < 1 || distance > 1000)
      throw RequireSyntaxError(look_.begin, "'" + look_.text + "': the distance must be a whole number of words from 1 to 1000");
    return true;
  }

  void check_positional(const RequireNode& n) {
    if (n.kind == Kind::negate || n.kind == Kind::at_least)
      throw RequireSyntaxError(n.begin, std::string("near: '") +
                                            (n.kind == Kind::negate ? "not" : "N of") +
                                            "' has no position in the text; use terms, phrases, 'or' or 'and'");
  }

  // A chain nests to the left, so each link puts every operand before it one level deeper: the
  // deepest operand of the chain (peak_) plus its links must stay within the bound.
  RequireNode parse_near() {
    const std::size_t begin = look_.begin;
    const int outer_peak = std::exchange(peak_, depth_);
    RequireNode left = parse_atom();
    int distance = 0;
    int links = 0;
    while (at_near(distance)) {
      check_positional(left);
      const Lexeme op = take();
      expect_operand(op);
      RequireNode right = parse_atom();
      check_positional(right);
      check_depth(op.begin, peak_ + ++links);
      std::vector<RequireNode> pair;
      pair.push_back(std::move(left));
      pair.push_back(std::move(right));
      left = make(Kind::near, begin, std::move(pair));
      left.count = distance;
    }
    peak_ = std::max(outer_peak, peak_ + links);
    return left;
  }

  void expect_operand(const Lexeme& op) {
    const bool missing = look_.type == Lexeme::Type::end || look_.type == Lexeme::Type::close ||
                         look_.type == Lexeme::Type::comma || keyword(look_, "and", "AND") ||
                         keyword(look_, "or", "OR");
    if (missing) throw RequireSyntaxError(look_.begin, "expected a term after '" + op.text + "', got " + shown(look_));
  }

  RequireNode parse_group(std::size_t open_at) {
    RequireNode inner = parse_or();
    if (look_.type != Lexeme::Type::close)
      throw RequireSyntaxError(look_.type == Lexeme::Type::end ? open_at : look_.begin,
                               look_.type == Lexeme::Type::end ? "'(' is never closed"
                                                               : "expected ')' before " + shown(look_));
    take();
    return inner;
  }

  RequireNode parse_atom() {
    const Lexeme l = look_;
    switch (l.type) {
      case Lexeme::Type::end:
        throw RequireSyntaxError(l.begin, "expected a term, got the end");
      case Lexeme::Type::close:
      case Lexeme::Type::comma:
      case Lexeme::Type::colon:
        throw RequireSyntaxError(l.begin, "expected a term, got " + shown(l));
      case Lexeme::Type::open: {
        take();
        const Level level(*this, l.begin);
        if (look_.type == Lexeme::Type::close) throw RequireSyntaxError(look_.begin, "empty parentheses");
        RequireNode inner = parse_group(l.begin);
        inner.begin = l.begin;  // explanations show the parentheses
        inner.end = last_end_;
        return inner;
      }
      case Lexeme::Type::phrase: {
        take();
        RequireNode n = make(Kind::term, l.begin);
        n.text = l.text;
        return n;
      }
      case Lexeme::Type::word:
        break;
    }
    if (keyword(l, "and", "AND") || keyword(l, "or", "OR"))
      throw RequireSyntaxError(l.begin, "expected a term before '" + l.text + "'");
    if (keyword(l, "not", "NOT")) throw RequireSyntaxError(l.begin, "expected a term, got 'not'");
    int distance = 0;
    if (at_near(distance)) throw RequireSyntaxError(l.begin, "expected a term before '" + l.text + "'");
    take();
    if (look_.type == Lexeme::Type::colon && look_.begin == l.end) return parse_scope(l);
    int n = 0;
    if (parse_int(l.text, n) && keyword(look_, "of", "OF")) return parse_count(l, n);
    if (keyword(l, "any", "ANY")) return make(Kind::any_term, l.begin);
    if (keyword(l, "actor", "ACTOR")) return make(Kind::any_actor, l.begin);
    if (keyword(l, "region", "REGION")) return make(Kind::any_region, l.begin);
    if (keyword(l, "of", "OF")) throw RequireSyntaxError(l.begin, "'of' needs a count before it, like 2 of (a, b, c)");
    RequireNode term = make(Kind::term, l.begin);
    term.text = l.text;
    return term;
  }

  RequireNode parse_scope(const Lexeme& name) {
    static constexpr Field kFields[] = {Field::title, Field::summary, Field::content, Field::body, Field::categories};
    Field field = Field::any;
    for (Field f : kFields)
      if (name.text == field_name(f)) field = f;
    if (name.text == "category") field = Field::categories;
    if (field == Field::any)
      throw RequireSyntaxError(name.begin, "unknown field '" + name.text +
                                               "' (fields: title, summary, content, body, categories)");
    const Lexeme colon = take();
    if (look_.type == Lexeme::Type::end || look_.begin != colon.end)
      throw RequireSyntaxError(colon.end, "expected a term or '(' right after '" + name.text + ":'");
    const Level level(*this, name.begin);
    std::vector<RequireNode> child;
    child.push_back(parse_atom());
    RequireNode n = make(Kind::scope, name.begin, std::move(child));
    n.field = field;
    return n;
  }

  RequireNode parse_count(const Lexeme& number, int n) {
    take();  // of
    if (look_.type != Lexeme::Type::open)
      throw RequireSyntaxError(look_.begin, "expected '(' after '" + number.text + " of', like " + number.text +
                                                " of (a, b, c)");
    const std::size_t open_at = take().begin;
    const Level level(*this, number.begin);
    std::vector<RequireNode> parts;
    while (true) {
      if (look_.type == Lexeme::Type::close) throw RequireSyntaxError(look_.begin, "expected a term, got ')'");
      parts.push_back(parse_or());
      if (look_.type == Lexeme::Type::comma) {
        take();
        continue;
      }
      if (look_.type == Lexeme::Type::close) break;
      throw RequireSyntaxError(look_.type == Lexeme::Type::end ? open_at : look_.begin,
                               look_.type == Lexeme::Type::end ? "'(' is never closed"
                                                               : "expected ',' or ')' before " + shown(look_));
    }
    take();
    if (n < 1 || static_cast<std::size_t>(n) > parts.size())
      throw RequireSyntaxError(number.begin, number.text + " of (...): the count must be between 1 and " +
                                                 std::to_string(parts.size()) + ", the number of clauses listed");
    RequireNode node = make(Kind::at_least, number.begin, std::move(parts));
    node.count = n;
    return node;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t last_end_ = 0;
  Lexeme look_;
  int depth_ = 0;   // levels open around the clause being parsed
  int peak_ = 0;    // the deepest level reached since the current near/N chain began
};

bool uses_kind(const RequireNode& n, Kind kind) {
  if (n.kind == kind) return true;
  for (const RequireNode& c : n.children)
    if (uses_kind(c, kind)) return true;
  return false;
}

}  // namespace

RequireExpression RequireExpression::parse(std::string_view text) {
  if (text.size() > kMaxRequireLength)
    throw RequireSyntaxError(0, "rule longer than " + std::to_string(kMaxRequireLength) + " bytes");
  RequireExpression e;
  e.text_ = std::string(text);
  Parser parser(e.text_);
  e.nodes_.push_back(parser.parse());
  return e;
}

bool RequireExpression::uses(RequireNode::Kind keyword) const { return !empty() && uses_kind(root(), keyword); }

}  // namespace newsalert::config
