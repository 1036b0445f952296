// Maps request paths to the embedded console files, typed by extension and tagged by digest.
#include "console/console.hpp"

#include <map>
#include <string>

namespace newsalert::console {

namespace {

std::string_view type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

struct Table {
  std::map<std::string, Asset, std::less<>> by_path;
  std::map<std::string, std::string, std::less<>> etags;   // owns the quoted digests

  Table() {
    for (std::size_t i = 0; i < detail::kFileCount; ++i) {
      const auto& file = detail::kFiles[i];
      const std::string path = file.name == "index.html" ? "/" : "/console/" + std::string(file.name);
      const std::string& etag = etags[path] = "\"" + std::string(file.sha256.substr(0, 32)) + "\"";
      by_path[path] = Asset{type_of(file.name), file.body, etag};
    }
  }
};

}  // namespace

const Asset* find_asset(std::string_view path) {
  static const Table table;
  const auto found = table.by_path.find(path);
  return found == table.by_path.end() ? nullptr : &found->second;
}

}  // namespace newsalert::console
