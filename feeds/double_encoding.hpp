// Repairs text that was UTF-8, was read as Latin-1/windows-1252 and was encoded as UTF-8 again
// ("verglaÃ§ante" for "verglaçante"), one field at a time.
#pragma once

#include <string>

namespace newsalert::feeds {

// When every character of text is a Latin-1 or windows-1252 character and the bytes those characters
// stand for are valid UTF-8 with at least one multi-byte character, text becomes that UTF-8; true
// when it changed. Genuine Latin-1 text ("café", "SÃO PAULO") never is valid UTF-8 that way, so it
// is left alone.
bool repair_double_encoding(std::string& text);

}  // namespace newsalert::feeds
