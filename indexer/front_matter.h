#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace attune::indexer {

/** A Markdown file split into its YAML front matter and body. */
struct FrontMatterSplit {
    std::string yaml;
    int yaml_first_line = 2;  ///< file line of the YAML's first line
    std::string body;
};

/** Splits "---\nyaml\n---\nbody"; InputError "path:1: front matter: ..." when there is none. */
FrontMatterSplit split_front_matter(std::string_view text, const std::string& path);

/** Markdown rendered to plain text with md4c: headings (level 2 and below) apart from the body. */
struct MarkdownText {
    std::string title;  ///< the first level-1 heading, if any
    std::vector<std::string> headings;
    std::string body;
};

MarkdownText markdown_to_text(std::string_view markdown);

}  // namespace attune::indexer
