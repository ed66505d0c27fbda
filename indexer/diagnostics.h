#pragma once
#include "errors.h"

#include <map>
#include <string>

namespace attune::indexer {

/** Where a document came from, for messages of the form "path:line: field: message". */
struct SourceRef {
    std::string path;
    int line = 1;                        ///< the document's first line (JSONL: its line)
    std::map<std::string, int> fields;   ///< line of each top-level field, when known

    int line_of(const std::string& field) const;
    std::string where(const std::string& field) const;  ///< "path:line"
    [[noreturn]] void fail(const std::string& field, const std::string& message) const;
};

/** Line (1-based) of a byte offset in text. */
int line_at(const std::string& text, std::size_t offset);

}  // namespace attune::indexer
