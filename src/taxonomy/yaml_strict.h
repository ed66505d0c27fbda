#pragma once
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace attune::taxonomy {

/**
 * Parses YAML text and rejects anchors and aliases (they let a small file expand without bound).
 * Errors are InputError "path:line: message"; `first_line` is the file line of the text's first line.
 */
YAML::Node parse_yaml_strict(std::string_view text, const std::string& path, int first_line = 1);

/** "path:line" for a node, using `first_line` as for parse_yaml_strict. */
std::string yaml_where(const YAML::Node& node, const std::string& path, int first_line = 1);

}  // namespace attune::taxonomy
