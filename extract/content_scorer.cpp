// Readability's candidate scoring, sibling merging and conditional cleaning, as loops over the flat Dom.
#include "extract/content_scorer.hpp"

#include "extract/class_hints.hpp"
#include "extract/text_render.hpp"

#include <algorithm>
#include <cmath>

namespace newsalert::extract {
namespace {

// A paragraph needs this much text (characters) to count towards its ancestors' scores.
constexpr int kMinParagraph = 25;
// Below this much text the next, less strict pass is tried.
constexpr std::size_t kEnoughText = 500;

struct Stats {
  int text = 0;         // characters of text in the subtree (whitespace runs count as one)
  int link_text = 0;    // of which inside <a>
  int commas = 0;
  int own_text = 0;     // text whose nearest block ancestor is this element
  int own_link_text = 0;
  int own_commas = 0;
  int paragraphs = 0, images = 0, list_items = 0, inputs = 0, embeds = 0;
};

// Characters as rendered, and commas (ASCII and the CJK/Arabic forms Readability counts).
void measure(std::string_view s, int& chars, int& commas) {
  bool space = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = true;
      continue;
    }
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: the character is counted once
    if (space && chars > 0) ++chars;
    space = false;
    ++chars;
    if (c == ',') ++commas;
    else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
             static_cast<unsigned char>(s[i + 2]) == 0x8C)
      ++commas;  // U+FF0C fullwidth comma
    else if (c == 0xD8 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x8C)
      ++commas;  // U+060C Arabic comma
  }
}

bool hidden(const Dom& dom, int i) {
  if (dom.has_attribute(i, "hidden")) return true;
  if (dom.attribute(i, "aria-hidden") == "true") return true;
  const std::string_view style = dom.attribute(i, "style");
  if (style.empty()) return false;
  std::string s;
  for (char c : style)
    if (c != ' ') s += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos;
}

// Elements whose content is never article text, whatever their class says.
bool furniture_tag(Tag tag) {
  switch (tag) {
    case Tag::head: case Tag::title: case Tag::meta: case Tag::link: case Tag::nav: case Tag::aside:
    case Tag::footer: case Tag::button: case Tag::select: case Tag::input: case Tag::svg: case Tag::math:
    case Tag::iframe: case Tag::object: case Tag::embed: case Tag::canvas: case Tag::dialog: case Tag::option:
    case Tag::label:
      return true;
    default:
      return false;
  }
}

// Tags whose own text is scored as a paragraph.
bool scored_tag(Tag tag) {
  switch (tag) {
    case Tag::p: case Tag::pre: case Tag::td: case Tag::section: case Tag::h2: case Tag::h3: case Tag::h4:
    case Tag::h5: case Tag::h6: case Tag::div: case Tag::article: case Tag::main: case Tag::blockquote:
    case Tag::center: case Tag::dd:
      return true;
    default:
      return false;
  }
}

int tag_score(Tag tag) {
  switch (tag) {
    case Tag::div: return 5;
    case Tag::pre: case Tag::td: case Tag::blockquote: return 3;
    case Tag::address: case Tag::ol: case Tag::ul: case Tag::dl: case Tag::dd: case Tag::dt: case Tag::li:
    case Tag::form: return -3;
    case Tag::h1: case Tag::h2: case Tag::h3: case Tag::h4: case Tag::h5: case Tag::h6: case Tag::th: return -5;
    default: return 0;
  }
}

class Scorer {
 public:
  Scorer(const Dom& dom, const ScoringFlags& flags, std::string_view title)
      : dom_(dom), flags_(flags), title_(folded(title)), n_(static_cast<std::size_t>(dom.size())), removed_(n_, 0), stats_(n_),
        score_(n_, 0.0), candidate_(n_, 0) {}

  std::string run() {
    if (n_ == 0) return {};
    mark_removed();
    gather_stats();
    score_paragraphs();
    const int top = pick_top();
    if (top < 0) return {};
    return render(top);
  }

 private:
  const DomNode& node(int i) const { return dom_[i]; }
  std::size_t at(int i) const { return static_cast<std::size_t>(i); }
  int weight(int i) const { return flags_.weight_classes ? class_weight(node(i).class_name, node(i).id) : 0; }

  void mark_removed() {
    for (int i = 0; i < dom_.size(); ++i) {
      const DomNode& d = node(i);
      if (d.parent >= 0 && removed_[at(d.parent)]) {
        removed_[at(i)] = 1;
        continue;
      }
      if (d.is_text) continue;
      bool remove = furniture_tag(d.tag) || hidden(dom_, i);
      if (!remove && flags_.strip_unlikely && d.tag != Tag::body && d.tag != Tag::a && d.tag != Tag::html &&
          d.tag != Tag::article && d.tag != Tag::main)
        remove = unlikely_candidate(d.class_name, d.id, dom_.attribute(i, "role"));
      removed_[at(i)] = remove ? 1 : 0;
    }
  }

  // Text, link text and commas per subtree and per element's own paragraph, bottom-up in one reverse loop.
  void gather_stats() {
    std::vector<int> block_of(n_, -1);
    std::vector<char> in_link(n_, 0);
    for (int i = 0; i < dom_.size(); ++i) {
      const DomNode& d = node(i);
      const int parent_block = d.parent >= 0 ? block_of[at(d.parent)] : -1;
      block_of[at(i)] = !d.is_text && is_block(d.tag) ? i : parent_block;
      in_link[at(i)] = (!d.is_text && d.tag == Tag::a) || (d.parent >= 0 && in_link[at(d.parent)]);
    }
    for (int i = dom_.size() - 1; i >= 0; --i) {
      if (removed_[at(i)]) continue;
      const DomNode& d = node(i);
      Stats& s = stats_[at(i)];
      if (d.is_text) {
        measure(d.text, s.text, s.commas);
        if (in_link[at(i)]) s.link_text = s.text;
        if (const int block = block_of[at(i)]; block >= 0) {
          stats_[at(block)].own_text += s.text;
          stats_[at(block)].own_link_text += s.link_text;
          stats_[at(block)].own_commas += s.commas;
        }
      } else {
        s.paragraphs += d.tag == Tag::p;
        s.images += d.tag == Tag::img;
        s.list_items += d.tag == Tag::li;
        s.inputs += d.tag == Tag::input || d.tag == Tag::select || d.tag == Tag::button;
        s.embeds += d.tag == Tag::embed || d.tag == Tag::object || d.tag == Tag::iframe;
      }
      if (d.parent < 0) continue;
      Stats& p = stats_[at(d.parent)];
      p.text += s.text;
      p.link_text += s.link_text;
      p.commas += s.commas;
      p.paragraphs += s.paragraphs;
      p.images += s.images;
      p.list_items += s.list_items;
      p.inputs += s.inputs;
      p.embeds += s.embeds;
    }
  }

  double link_density(int i) const {
    const Stats& s = stats_[at(i)];
    return s.text == 0 ? 0.0 : static_cast<double>(s.link_text) / s.text;
  }

  void init_candidate(int i) {
    if (candidate_[at(i)]) return;
    candidate_[at(i)] = 1;
    candidates_.push_back(i);
    double initial = tag_score(node(i).tag) + weight(i);
    // Markup that says "this is the article" is worth a few paragraphs of text.
    if (node(i).tag == Tag::article) initial += 10;
    if (node(i).tag == Tag::main) initial += 5;
    if (dom_.attribute(i, "itemprop").find("articleBody") != std::string_view::npos) initial += 30;
    score_[at(i)] = initial;
  }

  void score_paragraphs() {
    for (int i = 0; i < dom_.size(); ++i) {
      const DomNode& d = node(i);
      if (d.is_text || removed_[at(i)] || !scored_tag(d.tag)) continue;
      const Stats& s = stats_[at(i)];
      if (s.own_text < kMinParagraph) continue;
      // A paragraph that is all links is a menu or a list of headlines, whatever its tag.
      if (s.own_link_text * 2 > s.own_text) continue;
      const double points = 1.0 + s.own_commas + std::min(s.own_text / 100, 3);
      // Readability hands the points to the paragraph's container: the parent in full, the grandparent
      // half, and up to three more ancestors less; a <div> holding text directly is its own paragraph.
      int ancestor = d.tag == Tag::div || d.tag == Tag::section || d.tag == Tag::article ? i : d.parent;
      for (int level = 0; level < 5 && ancestor > 0; ++level, ancestor = node(ancestor).parent) {
        if (node(ancestor).parent < 0) break;
        init_candidate(ancestor);
        const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
        score_[at(ancestor)] += points / divider;
      }
    }
    for (const int c : candidates_) score_[at(c)] *= 1.0 - link_density(c);
  }

  bool contains(int ancestor, int i) const { return ancestor < i && i < node(ancestor).end; }

  // With no paragraph long enough to score, the body is the article, as in Readability: short pages
  // keep their few words, and a page of furniture alone (all removed above) still comes out empty.
  int body_or_none() {
    for (int i = 0; i < dom_.size(); ++i)
      if (!node(i).is_text && node(i).tag == Tag::body) return removed_[at(i)] ? -1 : i;
    return -1;
  }

  int pick_top() {
    if (candidates_.empty()) return body_or_none();
    std::vector<int> top = candidates_;
    const auto by_score = [&](int a, int b) { return score_[at(a)] > score_[at(b)]; };
    const std::size_t keep = std::min<std::size_t>(5, top.size());
    std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(), by_score);
    top.resize(keep);
    int best = top.front();
    // Several strong candidates under one ancestor are parts of one article split into blocks.
    std::vector<int> alternatives;
    for (std::size_t k = 1; k < top.size(); ++k)
      if (score_[at(top[k])] / score_[at(best)] >= 0.75) alternatives.push_back(top[k]);
    if (alternatives.size() >= 3) {
      for (int parent = node(best).parent; parent > 0 && node(parent).tag != Tag::body; parent = node(parent).parent) {
        const auto within = std::count_if(alternatives.begin(), alternatives.end(), [&](int a) { return contains(parent, a); });
        if (within >= 3) {
          best = parent;
          break;
        }
      }
    }
    init_candidate(best);
    climb_parents(best);
    // A container that wraps nothing but the top candidate is the same block.
    while (node(best).parent > 0 && node(node(best).parent).tag != Tag::body && only_child(best)) best = node(best).parent;
    init_candidate(best);
    return best;
  }

  void climb_parents(int& best) const {
    double last = score_[at(best)];
    const double threshold = last / 3;
    for (int parent = node(best).parent; parent > 0 && node(parent).tag != Tag::body; parent = node(parent).parent) {
      if (!candidate_[at(parent)]) continue;
      const double s = score_[at(parent)];
      if (s < threshold) break;
      if (s > last) {
        best = parent;
        break;
      }
      last = s;
    }
  }

  bool only_child(int i) const {
    const int parent = node(i).parent;
    int elements = 0;
    for (int c = parent + 1; c < node(parent).end; c = node(c).end) {
      if (removed_[at(c)]) continue;
      if (node(c).is_text) {
        if (stats_[at(c)].text > 0) return false;
        continue;
      }
      ++elements;
    }
    return elements == 1;
  }

  // Readability's sibling test: a sibling joins the article when it scores near the top candidate or
  // reads like a paragraph of prose.
  bool joins(int sibling, int top) const {
    if (sibling == top) return true;
    if (removed_[at(sibling)] || node(sibling).is_text) return false;
    const double top_score = score_[at(top)];
    double bonus = 0;
    if (!node(top).class_name.empty() && node(sibling).class_name == node(top).class_name) bonus = top_score * 0.2;
    if (candidate_[at(sibling)] && score_[at(sibling)] + bonus >= std::max(10.0, top_score * 0.2)) return true;
    if (node(sibling).tag != Tag::p) return false;
    const int length = stats_[at(sibling)].text;
    const double density = link_density(sibling);
    if (length > 80) return density < 0.25;
    if (length == 0 || density > 0) return false;
    return prose_end(sibling);
  }

  // The text ends a sentence (". " inside or a final '.'), as a short paragraph of prose does.
  bool prose_end(int i) const {
    for (int c = i + 1; c < node(i).end; ++c) {
      if (!node(c).is_text) continue;
      const std::string_view t = node(c).text;
      if (t.find(". ") != std::string_view::npos) return true;
      const std::size_t last = t.find_last_not_of(" \t\r\n");
      if (last != std::string_view::npos && t[last] == '.') return true;
    }
    return false;
  }

  // Readability's _cleanConditionally: lists of links, forms, galleries and widgets inside the article go.
  bool clean_away(int i) const {
    const Tag tag = node(i).tag;
    if (tag != Tag::form && tag != Tag::fieldset && tag != Tag::table && tag != Tag::ul && tag != Tag::div &&
        tag != Tag::section && tag != Tag::ol)
      return false;
    const Stats& s = stats_[at(i)];
    const int w = weight(i);
    // Readability weighs class names alone here: a list's negative tag score does not make it furniture.
    if (w < 0) return true;
    if (s.commas >= 10) return false;
    const bool list = tag == Tag::ul || tag == Tag::ol;
    const double density = link_density(i);
    const int p = s.paragraphs;
    if (s.images > 1 && static_cast<double>(p) / s.images < 0.5) return true;
    if (!list && s.list_items - 100 > p) return true;
    if (s.inputs > p / 3) return true;
    if (!list && s.text < kMinParagraph && (s.images == 0 || s.images > 2)) return true;
    if (!list && w < 25 && density > 0.2) return true;
    if (w >= 25 && density > 0.5) return true;
    if ((s.embeds == 1 && s.text < 75) || s.embeds > 1) return true;
    return false;
  }

  // Within the article, headings and boxes whose class names furniture, share boxes and empty blocks go.
  bool skip_inside(int i) const {
    if (removed_[at(i)]) return true;
    const DomNode& d = node(i);
    if (d.is_text) return false;
    if ((d.tag == Tag::h1 || d.tag == Tag::h2) && (weight(i) < 0 || repeats_title(i))) return true;
    if (d.tag == Tag::figcaption && weight(i) < 0) return true;
    if (flags_.weight_classes && !d.class_name.empty() && share_box(d.class_name, d.id) && stats_[at(i)].text < 500)
      return true;
    return flags_.clean_conditionally && clean_away(i);
  }

  std::string render(int top) {
    std::vector<char> skip(n_, 0);
    for (int i = 0; i < dom_.size(); ++i) skip[at(i)] = skip_inside(i) ? 1 : 0;
    TextRenderer renderer(dom_);
    const int parent = node(top).parent;
    if (parent < 0 || node(parent).tag == Tag::html) {
      skip[at(top)] = 0;
      renderer.render(top, skip);
      return renderer.finish();
    }
    for (int c = parent + 1; c < node(parent).end; c = node(c).end) {
      if (!joins(c, top)) continue;
      skip[at(c)] = removed_[at(c)];
      renderer.render(c, skip);
    }
    return renderer.finish();
  }

  // Lower-cased with whitespace collapsed, so a heading and a title compare as a reader sees them.
  static std::string folded(std::string_view text) {
    std::string out;
    for (const char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  bool repeats_title(int i) const {
    // Only a heading about as long as the title is rendered to compare, so nested headings cost no more
    // than their text.
    const auto length = static_cast<std::size_t>(stats_[at(i)].text);
    if (title_.empty() || length > title_.size() * 2 || length * 2 < title_.size()) return false;
    TextRenderer renderer(dom_);
    renderer.render(i, removed_);
    return folded(renderer.finish()) == title_;
  }

  const Dom& dom_;
  const ScoringFlags flags_;
  const std::string title_;
  std::size_t n_;
  std::vector<char> removed_;
  std::vector<Stats> stats_;
  std::vector<double> score_;
  std::vector<char> candidate_;
  std::vector<int> candidates_;
};

}  // namespace

std::string score_and_render(const Dom& dom, const ScoringFlags& flags, std::string_view title) {
  std::string best = Scorer(dom, flags, title).run();
  if (best.size() >= kEnoughText) return best;
  // Nothing at all once furniture is gone is a page without an article (a login form, a cookie wall)
  // unless a less strict pass finds an article's worth: a page wrapped whole in a box whose class
  // names furniture. A notice or two of furniture is not turned into text.
  const bool found_nothing = best.empty();
  for (const ScoringFlags& pass : {ScoringFlags{false, flags.weight_classes, flags.clean_conditionally},
                                   ScoringFlags{false, false, flags.clean_conditionally}, ScoringFlags{false, false, false}}) {
    std::string text = Scorer(dom, pass, title).run();
    if (text.size() >= kEnoughText) return text;
    // A short article stays what the strict pass found unless a looser one finds much more: what a
    // looser pass adds to a short page is mostly the furniture the strict one left out.
    if (!found_nothing && text.size() > best.size() * 3 / 2) best = std::move(text);
  }
  return best;
}

std::string visible_text(const Dom& dom) {
  std::vector<char> skip(static_cast<std::size_t>(dom.size()), 0);
  int body = -1;
  for (int i = 0; i < dom.size(); ++i) {
    const DomNode& d = dom[i];
    if (d.parent >= 0 && skip[static_cast<std::size_t>(d.parent)]) {
      skip[static_cast<std::size_t>(i)] = 1;
      continue;
    }
    if (d.is_text) continue;
    if (d.tag == Tag::body && body < 0) body = i;
    skip[static_cast<std::size_t>(i)] = d.tag == Tag::head || d.tag == Tag::title || hidden(dom, i);
  }
  if (body < 0) return {};
  TextRenderer renderer(dom);
  renderer.render(body, skip);
  return renderer.finish();
}

}  // namespace newsalert::extract
