#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace attune::taxonomy {

/** One training example: the distinct stems of a text and how strongly it speaks for each concept. */
struct ProfileExample {
    std::vector<std::string> stems;
    std::vector<std::pair<std::string, double>> concepts;  ///< concept id, weight (1 = the text is about it)
};

/** A concept with its statistical score for a text. */
struct ProfileScore {
    std::string id;
    double score;
    std::vector<std::string> evidence;  ///< the stems that contributed most
};

/**
 * Per-concept term profiles learned at index time from the documents tagged with each concept
 * (and the taxonomy's own wording): how much more often a word occurs in a concept's documents
 * than in the collection (smoothed log odds). Scores texts that no taxonomy phrase matches, so
 * "my wife no longer wants sex" reaches intimacy-sexuality through "sex" and "wants".
 */
class ConceptProfiles {
public:
    static ConceptProfiles learn(const std::vector<ProfileExample>& examples);

    /** Concepts ranked by the summed weights of the given (distinct) stems, strongest first. */
    std::vector<ProfileScore> score(const std::vector<std::string>& stems) const;

    /** The learned log-odds weight of `stem` for concept `id`, or 0 when the profile lacks it. */
    double weight(const std::string& id, const std::string& stem) const;

    bool empty() const { return m_terms.empty(); }
    std::size_t term_count() const { return m_terms.size(); }

    nlohmann::json to_json() const;
    static ConceptProfiles from_json(const nlohmann::json& j);

private:
    std::vector<std::string> m_concepts;
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, float>>> m_terms;
};

}  // namespace attune::taxonomy
