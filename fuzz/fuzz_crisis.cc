// Target (4b): crisis.yaml, the other YAML file of the corpus, then what the index and the search
// service do with it: store it as JSON, read it back and pick resources for a country and a kind.
#include "errors.h"
#include "fuzz_support.h"
#include "taxonomy/crisis.h"

#include <nlohmann/json.hpp>

using namespace attune;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);
    taxonomy::CrisisResources crisis;
    try {
        crisis = taxonomy::parse_crisis_yaml(text, "fuzz.yaml");
    } catch (const InputError&) {
        return 0;
    }
    const taxonomy::CrisisResources stored =
        taxonomy::CrisisResources::from_json(nlohmann::json::parse(crisis.to_json().dump()));
    for (const auto& [country, resources] : stored.countries) {
        (void)stored.for_kind(country, "suicidal-thoughts");
        (void)stored.for_kind(country, "");
    }
    (void)stored.for_kind("ZZ", "self-harm");
    return 0;
}
