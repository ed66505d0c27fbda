#include "diagnostics.h"

#include <algorithm>

namespace attune::indexer {

int SourceRef::line_of(const std::string& field) const {
    auto it = fields.find(field);
    return it == fields.end() ? line : it->second;
}

std::string SourceRef::where(const std::string& field) const {
    return path + ":" + std::to_string(line_of(field));
}

void SourceRef::fail(const std::string& field, const std::string& message) const {
    throw InputError(where(field) + ": " + field + ": " + message);
}

int line_at(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace attune::indexer
