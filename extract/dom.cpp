// The one place that includes libgumbo: parsing, the RAII owner of its output, and flattening its tree.
#include "extract/dom.hpp"

#include <gumbo.h>

namespace newsalert::extract {
namespace {

Tag tag_of(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_A: return Tag::a;
    case GUMBO_TAG_ADDRESS: return Tag::address;
    case GUMBO_TAG_ARTICLE: return Tag::article;
    case GUMBO_TAG_ASIDE: return Tag::aside;
    case GUMBO_TAG_BLOCKQUOTE: return Tag::blockquote;
    case GUMBO_TAG_BODY: return Tag::body;
    case GUMBO_TAG_BR: return Tag::br;
    case GUMBO_TAG_BUTTON: return Tag::button;
    case GUMBO_TAG_DD: return Tag::dd;
    case GUMBO_TAG_DIV: return Tag::div;
    case GUMBO_TAG_DL: return Tag::dl;
    case GUMBO_TAG_DT: return Tag::dt;
    case GUMBO_TAG_EMBED: return Tag::embed;
    case GUMBO_TAG_FIELDSET: return Tag::fieldset;
    case GUMBO_TAG_FIGCAPTION: return Tag::figcaption;
    case GUMBO_TAG_FIGURE: return Tag::figure;
    case GUMBO_TAG_FOOTER: return Tag::footer;
    case GUMBO_TAG_FORM: return Tag::form;
    case GUMBO_TAG_H1: return Tag::h1;
    case GUMBO_TAG_H2: return Tag::h2;
    case GUMBO_TAG_H3: return Tag::h3;
    case GUMBO_TAG_H4: return Tag::h4;
    case GUMBO_TAG_H5: return Tag::h5;
    case GUMBO_TAG_H6: return Tag::h6;
    case GUMBO_TAG_HEAD: return Tag::head;
    case GUMBO_TAG_HEADER: return Tag::header;
    case GUMBO_TAG_HR: return Tag::hr;
    case GUMBO_TAG_HTML: return Tag::html;
    case GUMBO_TAG_IFRAME: return Tag::iframe;
    case GUMBO_TAG_IMG: return Tag::img;
    case GUMBO_TAG_INPUT: return Tag::input;
    case GUMBO_TAG_LI: return Tag::li;
    case GUMBO_TAG_LINK: return Tag::link;
    case GUMBO_TAG_MAIN: return Tag::main;
    case GUMBO_TAG_MENU: return Tag::menu;
    case GUMBO_TAG_META: return Tag::meta;
    case GUMBO_TAG_NAV: return Tag::nav;
    case GUMBO_TAG_OBJECT: return Tag::object;
    case GUMBO_TAG_OL: return Tag::ol;
    case GUMBO_TAG_P: return Tag::p;
    case GUMBO_TAG_PRE: return Tag::pre;
    case GUMBO_TAG_SECTION: return Tag::section;
    case GUMBO_TAG_SELECT: return Tag::select;
    case GUMBO_TAG_SVG: return Tag::svg;
    case GUMBO_TAG_TABLE: return Tag::table;
    case GUMBO_TAG_TD: return Tag::td;
    case GUMBO_TAG_TH: return Tag::th;
    case GUMBO_TAG_TIME: return Tag::time;
    case GUMBO_TAG_TITLE: return Tag::title;
    case GUMBO_TAG_TR: return Tag::tr;
    case GUMBO_TAG_UL: return Tag::ul;
    case GUMBO_TAG_MATH: return Tag::math;
    case GUMBO_TAG_CANVAS: return Tag::canvas;
    case GUMBO_TAG_VIDEO: return Tag::video;
    case GUMBO_TAG_AUDIO: return Tag::audio;
    case GUMBO_TAG_SPAN: return Tag::span;
    case GUMBO_TAG_FONT: return Tag::font;
    case GUMBO_TAG_B: return Tag::b;
    case GUMBO_TAG_I: return Tag::i;
    case GUMBO_TAG_EM: return Tag::em;
    case GUMBO_TAG_STRONG: return Tag::strong;
    case GUMBO_TAG_CENTER: return Tag::center;
    case GUMBO_TAG_DETAILS: return Tag::details;
    case GUMBO_TAG_SUMMARY: return Tag::summary;
    case GUMBO_TAG_LABEL: return Tag::label;
    case GUMBO_TAG_OPTION: return Tag::option;
    case GUMBO_TAG_CAPTION: return Tag::caption;
    case GUMBO_TAG_TBODY: return Tag::tbody;
    case GUMBO_TAG_THEAD: return Tag::thead;
    case GUMBO_TAG_TFOOT: return Tag::tfoot;
    default: return Tag::other;
  }
}

std::string_view attribute_of(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr || a->value == nullptr ? std::string_view{} : std::string_view(a->value);
}

}  // namespace

// Owns gumbo's output: destroyed with the options it was parsed with, whatever happens in between.
struct Dom::Parsed {
  GumboOptions options = kGumboDefaultOptions;
  GumboOutput* output = nullptr;
  explicit Parsed(std::string_view html) {
    options.max_errors = 0;  // recording parse errors is a third of gumbo's time, and nothing reads them
    output = gumbo_parse_with_options(&options, html.data(), html.size());
  }
  ~Parsed() {
    if (output != nullptr) gumbo_destroy_output(&options, output);
  }
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;
};

Dom::Dom(std::string_view html) : parsed_(std::make_unique<Parsed>(html)) {
  if (parsed_->output == nullptr || parsed_->output->root == nullptr) return;
  // Pre-order with an explicit stack; each entry is a node and its parent's index.
  std::vector<std::pair<const GumboNode*, int>> stack{{parsed_->output->root, -1}};
  std::vector<int> open;  // indices whose subtree is still being filled
  while (!stack.empty()) {
    const auto [g, parent] = stack.back();
    stack.pop_back();
    while (!open.empty() && open.back() != parent) {
      nodes_[static_cast<std::size_t>(open.back())].end = size();
      open.pop_back();
    }
    DomNode node;
    node.parent = parent;
    if (g->type == GUMBO_NODE_ELEMENT || g->type == GUMBO_NODE_TEMPLATE) {
      node.tag = tag_of(g->v.element.tag);
      node.class_name = attribute_of(g, "class");
      node.id = attribute_of(g, "id");
      const int index = size();
      nodes_.push_back(node);
      handles_.push_back(g);
      open.push_back(index);
      const GumboVector& children = g->v.element.children;
      for (unsigned k = children.length; k > 0; --k)
        stack.emplace_back(static_cast<const GumboNode*>(children.data[k - 1]), index);
    } else if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_WHITESPACE || g->type == GUMBO_NODE_CDATA) {
      node.is_text = true;
      node.text = g->v.text.text == nullptr ? std::string_view{} : std::string_view(g->v.text.text);
      node.end = size() + 1;
      nodes_.push_back(node);
      handles_.push_back(g);
    }
  }
  for (const int index : open) nodes_[static_cast<std::size_t>(index)].end = size();
}

Dom::~Dom() = default;

std::string_view Dom::attribute(int node, const char* name) const {
  return attribute_of(static_cast<const GumboNode*>(handles_[static_cast<std::size_t>(node)]), name);
}

bool Dom::has_attribute(int node, const char* name) const {
  const auto* g = static_cast<const GumboNode*>(handles_[static_cast<std::size_t>(node)]);
  return g->type == GUMBO_NODE_ELEMENT && gumbo_get_attribute(&g->v.element.attributes, name) != nullptr;
}

bool is_heading(Tag tag) { return tag >= Tag::h1 && tag <= Tag::h6; }

bool is_block(Tag tag) {
  switch (tag) {
    case Tag::address: case Tag::article: case Tag::aside: case Tag::blockquote: case Tag::body: case Tag::dd:
    case Tag::div: case Tag::dl: case Tag::dt: case Tag::fieldset: case Tag::figcaption: case Tag::figure:
    case Tag::footer: case Tag::form: case Tag::h1: case Tag::h2: case Tag::h3: case Tag::h4: case Tag::h5:
    case Tag::h6: case Tag::header: case Tag::hr: case Tag::li: case Tag::main: case Tag::menu: case Tag::nav:
    case Tag::ol: case Tag::p: case Tag::pre: case Tag::section: case Tag::table: case Tag::td: case Tag::th:
    case Tag::tr: case Tag::ul: case Tag::center: case Tag::details: case Tag::summary: case Tag::caption:
    case Tag::html:
      return true;
    default:
      return false;
  }
}

}  // namespace newsalert::extract
