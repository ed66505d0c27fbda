// Target (4): taxonomy.yaml, then what the index and the search service do with a taxonomy that
// loaded: store it as JSON, read it back, compile its phrases and detect concepts in a sentence.
#include "errors.h"
#include "fuzz_support.h"
#include "query/concept_detector.h"
#include "query/query_builder.h"
#include "taxonomy/taxonomy_yaml.h"

#include <nlohmann/json.hpp>

using namespace attune;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);
    taxonomy::Taxonomy tax;
    try {
        tax = taxonomy::parse_taxonomy_yaml(text, "fuzz.yaml");
    } catch (const InputError&) {
        return 0;
    }
    // The index stores the taxonomy as JSON (strictly encoded) and the service reads it back.
    const taxonomy::Taxonomy stored = taxonomy::Taxonomy::from_json(nlohmann::json::parse(tax.to_json().dump()));
    for (const auto& c : stored.concepts()) (void)stored.ancestors(c.id);
    text::Analyzer& analyzer = fuzz::analyzer();
    const query::ConceptDetector detector(stored, analyzer);
    const query::QueryBuilder builder(stored, analyzer);
    static const std::string sentence =
        "I can't stop worrying and I don't sleep; my teen won't talk to me and I want to die";
    const auto tokens = analyzer.analyze(sentence);
    const query::Detection detection = detector.detect(tokens, sentence);
    (void)builder.build(tokens, sentence, detection, {}, {}, {});
    return 0;
}
