#pragma once
#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attune::taxonomy {

/** A hotline or service shown to someone who may be in danger. */
struct CrisisResource {
    std::string name;
    std::string contact;
    std::string url;
    std::vector<std::string> kinds;  ///< crisis concept ids (suicidal-thoughts, self-harm, domestic-violence); empty = all
};

/** corpus/crisis.yaml: the message and resources per country. */
struct CrisisResources {
    std::string message;
    std::string default_country;
    std::map<std::string, std::vector<CrisisResource>> countries;

    /** Resources for `country` (falls back to the default country) fitting `kind`. */
    std::vector<CrisisResource> for_kind(const std::string& country, const std::string& kind) const;

    nlohmann::json to_json() const;
    static CrisisResources from_json(const nlohmann::json& j);
};

/** Loads and validates crisis.yaml; InputError "path:line: field: message" on bad input. */
CrisisResources load_crisis_yaml(const std::string& path);

/** load_crisis_yaml on the file's text; `path` only names it in messages. */
CrisisResources parse_crisis_yaml(std::string_view text, const std::string& path);

}  // namespace attune::taxonomy
