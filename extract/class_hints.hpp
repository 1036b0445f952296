// What an element's class, id and role say about it: likely article text, likely page furniture, or neither.
#pragma once

#include <string_view>

namespace newsalert::extract {

// +25 per attribute (class, id) naming article text (article, body, content, entry, main, post, story...),
// -25 per attribute naming furniture (comment, meta, footer, sidebar, share, related, promo, cookie...).
int class_weight(std::string_view class_name, std::string_view id);

// Class or id names something that is never the article (comments, menus, banners, cookie notices,
// social widgets), and nothing in it suggests article text; or the role is navigation, a menu, a
// dialog or complementary content.
bool unlikely_candidate(std::string_view class_name, std::string_view id, std::string_view role);

// Class or id names a share or social-buttons box.
bool share_box(std::string_view class_name, std::string_view id);

}  // namespace newsalert::extract
