// Depth and alias expansion of a YAML document, counted on yaml-cpp's parser events.
#include "config/yaml_bounds.hpp"

#include "config/config.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

namespace newsalert::config {
namespace {

class BoundsChecker final : public YAML::EventHandler {
 public:
  explicit BoundsChecker(const std::string& file) : file_(file) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { add(anchor, 1); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    add(anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

  // Sizes count what aliases inside an anchored node expand to, so the sum over aliases is the
  // number of nodes a walk of the whole document meets through aliases.
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= sizes_.size() || sizes_[anchor] == 0) stop(mark, "alias refers to a node that contains it");
    expanded_ += sizes_[anchor];
    if (expanded_ > kMaxYamlAliasNodes)
      stop(mark, "aliases expand to more than " + std::to_string(kMaxYamlAliasNodes) + " nodes");
    add(YAML::NullAnchor, sizes_[anchor]);
  }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::size_t nodes;
  };

  [[noreturn]] void stop(const YAML::Mark& mark, std::string message) const {
    throw ConfigError({Diagnostic{file_, mark.line + 1, std::move(message), mark.column + 1}});
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= kMaxYamlDepth) stop(mark, "nested deeper than " + std::to_string(kMaxYamlDepth));
    if (anchor != YAML::NullAnchor) record(anchor, 0);   // 0 until it is closed
    open_.push_back(Open{anchor, 1});
  }

  void close() {
    const Open done = open_.back();
    open_.pop_back();
    add(done.anchor, done.nodes);
  }

  void add(YAML::anchor_t anchor, std::size_t nodes) {
    if (anchor != YAML::NullAnchor) record(anchor, nodes);
    if (!open_.empty()) open_.back().nodes += nodes;
  }

  void record(YAML::anchor_t anchor, std::size_t nodes) {
    if (anchor >= sizes_.size()) sizes_.resize(anchor + 1, 0);
    sizes_[anchor] = nodes;
  }

  const std::string& file_;
  std::vector<Open> open_;
  std::vector<std::size_t> sizes_;   // by anchor: the nodes it expands to, 0 while still open
  std::size_t expanded_ = 0;
};

}  // namespace

void check_yaml_bounds(const std::string& yaml_text, const std::string& file) {
  std::istringstream in(yaml_text);
  YAML::Parser parser(in);
  BoundsChecker checker(file);
  parser.HandleNextDocument(checker);   // YAML::Load reads the first document only
}

}  // namespace newsalert::config
