#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attune::taxonomy {

enum class ConceptKind { Concern, Approach };

std::string_view kind_name(ConceptKind kind);

/** One concern or approach of the taxonomy. */
struct Concept {
    std::string id;
    ConceptKind kind = ConceptKind::Concern;
    std::string label;
    std::string description;
    std::vector<std::string> broader;
    std::vector<std::string> related;
    std::vector<std::string> phrases;
    std::vector<std::string> crisis_phrases;  ///< phrases that alone signal danger
    bool crisis = false;                      ///< every phrase of the concept signals danger
    int line = 0;                             ///< line in the taxonomy file, for messages
};

/** The validated concept graph. Immutable once built. */
class Taxonomy {
public:
    Taxonomy() = default;
    /** Validates ids and links; throws InputError naming `source` and the concept. */
    Taxonomy(std::vector<Concept> concepts, const std::string& source);

    const std::vector<Concept>& concepts() const { return m_concepts; }
    const Concept* find(std::string_view id) const;
    /** Every concept reachable through `broader`, nearest first, without `id` itself. */
    std::vector<std::string> ancestors(std::string_view id) const;
    /** The known id nearest in edit distance, for "did you mean" in validation messages. */
    std::string closest_id(std::string_view id) const;

    nlohmann::json to_json() const;
    static Taxonomy from_json(const nlohmann::json& j);

private:
    std::vector<Concept> m_concepts;
    std::unordered_map<std::string, std::size_t> m_index;
};

/** Levenshtein distance, used for closest-id suggestions. */
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace attune::taxonomy
