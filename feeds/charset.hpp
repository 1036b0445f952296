// Bytes to UTF-8: which charset a feed is in (BOM, HTTP Content-Type, XML declaration, <meta>) and the conversion.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::feeds {

struct DecodedDocument {
  std::string text;       // UTF-8, without byte order mark or the C0 control characters XML forbids
  std::string charset;    // the charset the bytes were read as ("utf-8", "windows-1251", ...)
  std::string source;     // where that came from: "bom", "http", "xml", "meta" or "default"
  std::string warning;    // what had to be repaired (invalid bytes, unknown charset, control characters)
};

// The media type of a Content-Type header value, lower-cased and without parameters ("text/xml").
std::string media_type_of(std::string_view content_type);
// The charset parameter of a Content-Type header value, lower-cased, unquoted; empty when absent.
std::string charset_of(std::string_view content_type);

// Precedence: a byte order mark, then the charset parameter of the HTTP Content-Type, then the XML
// declaration, then <meta charset> when the document is HTML, then UTF-8. Legacy charsets go through
// ICU; ISO-8859-1 is read as windows-1252 and GB2312 as GB18030 (the supersets every browser uses);
// a US-ASCII label, or no label at all, is read as UTF-8 when the bytes are valid UTF-8, else as
// windows-1252. Bytes that are invalid in a declared charset become U+FFFD; never fails.
DecodedDocument decode_document(std::string_view bytes, std::string_view content_type);

}  // namespace newsalert::feeds
