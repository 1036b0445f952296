// Finds the element holding a page's article and renders its text: Readability's scoring over the flat Dom.
#pragma once

#include "extract/dom.hpp"

#include <string>
#include <string_view>

namespace newsalert::extract {

// Readability's three passes, each less strict than the one before when the stricter one found too
// little text.
struct ScoringFlags {
  bool strip_unlikely = true;        // drop elements whose class/id/role names furniture before scoring
  bool weight_classes = true;        // class/id hints add to or take from a candidate's score
  bool clean_conditionally = true;   // drop link lists, forms and image galleries inside the article
};

// The article's text (paragraphs separated by "\n\n"), empty when no element holds paragraphs of text.
// A heading that repeats the title (the page's headline above its text) is left out, as Readability does.
std::string score_and_render(const Dom& dom, const ScoringFlags& flags, std::string_view title = {});

// The whole page's visible text (body, without scripts, styles and hidden elements), rendered the same way.
std::string visible_text(const Dom& dom);

}  // namespace newsalert::extract
