// Stemmer: the only file that includes libstemmer.h.
#include "match/stemmer.hpp"

#include <libstemmer.h>

#include <stdexcept>

namespace newsalert::match {

Stemmer::Stemmer(const char* language) : stemmer_(sb_stemmer_new(language, "UTF_8")) {
  if (stemmer_ == nullptr) throw std::runtime_error(std::string("no Snowball stemmer for ") + language);
}

Stemmer::~Stemmer() { sb_stemmer_delete(stemmer_); }

std::string Stemmer::stem(std::string_view word) {
  const sb_symbol* out = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (out == nullptr) throw std::bad_alloc();
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
}

}  // namespace newsalert::match
