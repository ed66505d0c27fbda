#pragma once
#include "diagnostics.h"
#include "schema/records.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace attune::indexer {

struct LoadedArticle {
    schema::Article article;
    SourceRef source;
};

/** Parses a Markdown article with YAML front matter; InputError "path:line: field: message". */
LoadedArticle parse_article_markdown(std::string_view text, const std::string& path);

/** Parses one JSONL import object of type article (Markdown in `body`). */
LoadedArticle parse_article_json(const nlohmann::json& j, const SourceRef& source);

/** True for a real YYYY-MM-DD calendar date. */
bool valid_date(const std::string& s);

}  // namespace attune::indexer
