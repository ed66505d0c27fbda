#pragma once
#include "taxonomy/taxonomy.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace attune::taxonomy {

/** Corpus files larger than this are rejected. */
inline constexpr std::size_t kMaxFileBytes = 1024 * 1024;

/** Reads a corpus file: at most 1 MiB of valid UTF-8, else InputError "path:line: ...". */
std::string read_text_file(const std::string& path);

/** The checks of read_text_file on text already read: at most 1 MiB of valid UTF-8, else InputError. */
void check_file_text(std::string_view text, const std::string& path);

/** Loads and validates corpus/taxonomy.yaml (format in docs/corpus.md). */
Taxonomy load_taxonomy_yaml(const std::string& path);

/** load_taxonomy_yaml on the file's text; `path` only names it in messages. */
Taxonomy parse_taxonomy_yaml(std::string_view text, const std::string& path);

}  // namespace attune::taxonomy
