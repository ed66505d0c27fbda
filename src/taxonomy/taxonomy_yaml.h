#pragma once
#include "taxonomy/taxonomy.h"

#include <cstddef>
#include <string>

namespace attune::taxonomy {

/** Corpus files larger than this are rejected. */
inline constexpr std::size_t kMaxFileBytes = 1024 * 1024;

/** Reads a corpus file: at most 1 MiB of valid UTF-8, else InputError "path:line: ...". */
std::string read_text_file(const std::string& path);

/** Loads and validates corpus/taxonomy.yaml (format in docs/corpus.md). */
Taxonomy load_taxonomy_yaml(const std::string& path);

}  // namespace attune::taxonomy
