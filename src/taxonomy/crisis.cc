#include "taxonomy/crisis.h"

#include "errors.h"
#include "taxonomy/taxonomy_yaml.h"
#include "taxonomy/yaml_strict.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace attune::taxonomy {

std::vector<CrisisResource> CrisisResources::for_kind(const std::string& country, const std::string& kind) const {
    auto it = countries.find(country);
    if (it == countries.end()) it = countries.find(default_country);
    std::vector<CrisisResource> out;
    if (it == countries.end()) return out;
    for (const CrisisResource& r : it->second)
        if (r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), kind) != r.kinds.end()) out.push_back(r);
    return out;
}

nlohmann::json CrisisResources::to_json() const {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& [country, list] : countries) {
        nlohmann::json arr = nlohmann::json::array();
        for (const CrisisResource& r : list)
            arr.push_back({{"name", r.name}, {"contact", r.contact}, {"url", r.url}, {"kinds", r.kinds}});
        c[country] = arr;
    }
    return {{"message", message}, {"default_country", default_country}, {"countries", c}};
}

CrisisResources CrisisResources::from_json(const nlohmann::json& j) {
    CrisisResources out;
    out.message = j.value("message", "");
    out.default_country = j.value("default_country", "US");
    for (const auto& [country, list] : j.at("countries").items())
        for (const auto& r : list)
            out.countries[country].push_back({r.value("name", ""), r.value("contact", ""), r.value("url", ""),
                                              r.value("kinds", std::vector<std::string>{})});
    return out;
}

CrisisResources load_crisis_yaml(const std::string& path) { return parse_crisis_yaml(read_text_file(path), path); }

CrisisResources parse_crisis_yaml(std::string_view text, const std::string& path) {
    check_file_text(text, path);
    const YAML::Node root = parse_yaml_strict(text, path);
    CrisisResources out;
    // yaml-cpp throws its own exceptions for operator[] on a scalar and for as<>() on the wrong kind
    // of node, so every node's kind is checked before it is read.
    if (!root.IsMap()) throw InputError(path + ":1: expected a mapping with message, default_country and countries");
    auto need = [&](const YAML::Node& map, const char* field) {
        const YAML::Node n = map[field];
        if (!n || !n.IsScalar()) throw InputError(yaml_where(map, path) + ": " + field + ": required text is missing");
        return n.as<std::string>();
    };
    out.message = need(root, "message");
    out.default_country = need(root, "default_country");
    const YAML::Node countries = root["countries"];
    if (!countries || !countries.IsMap()) throw InputError(path + ":1: countries: expected a mapping of country codes");
    for (const auto& entry : countries) {
        if (!entry.first.IsScalar()) throw InputError(yaml_where(entry.first, path) + ": countries: expected a country code");
        const std::string code = entry.first.as<std::string>();
        if (!entry.second.IsSequence())
            throw InputError(yaml_where(entry.second, path) + ": countries." + code + ": expected a list of resources");
        for (const auto& r : entry.second) {
            if (!r.IsMap())
                throw InputError(yaml_where(r, path) + ": countries." + code + ": each resource must be a mapping");
            CrisisResource res{need(r, "name"), need(r, "contact"), "", {}};
            if (const YAML::Node url = r["url"]; url && !url.IsNull()) {
                if (!url.IsScalar()) throw InputError(yaml_where(url, path) + ": url: expected text");
                res.url = url.as<std::string>();
            }
            if (const YAML::Node kinds = r["kinds"]; kinds && !kinds.IsNull()) {
                if (!kinds.IsSequence()) throw InputError(yaml_where(kinds, path) + ": kinds: expected a list of concept ids");
                for (const auto& k : kinds) {
                    if (!k.IsScalar()) throw InputError(yaml_where(k, path) + ": kinds: expected a concept id");
                    res.kinds.push_back(k.as<std::string>());
                }
            }
            out.countries[code].push_back(std::move(res));
        }
    }
    if (!out.countries.count(out.default_country))
        throw InputError(path + ":1: default_country: '" + out.default_country + "' has no resources listed");
    return out;
}

}  // namespace attune::taxonomy
