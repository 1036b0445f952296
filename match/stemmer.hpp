// The one owner of a Snowball stemmer (libstemmer): stems single folded words of one language.
#pragma once

#include <string>
#include <string_view>

struct sb_stemmer;

namespace newsalert::match {

class Stemmer {
 public:
  // `language` is a Snowball algorithm name ("russian"); throws std::runtime_error if unknown.
  explicit Stemmer(const char* language);
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // The stem of one UTF-8 word. Not thread-safe: one Stemmer per thread.
  std::string stem(std::string_view word);

 private:
  sb_stemmer* stemmer_;
};

}  // namespace newsalert::match
