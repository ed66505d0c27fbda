#pragma once
#include <nlohmann/json_fwd.hpp>

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace attune::taxonomy {

/** One training example: the distinct stems of a text and how strongly it speaks for each concept. */
struct ProfileExample {
    std::vector<std::string> stems;
    std::vector<std::pair<std::string, double>> concepts;  ///< concept id, weight (1 = the text is about it)
};

class ConceptProfiles;

/**
 * Learns concept profiles one example at a time, so a build need not hold every example: keeps
 * only per-stem and per-concept sums. Learners fed with parts of the examples can be merged.
 */
class ProfileLearner {
public:
    /** Counts one example; its stems need not be distinct. */
    void add(const ProfileExample& example);
    /** Adds the sums of `other` (examples it saw count as seen here after this one's). */
    void merge(const ProfileLearner& other);
    /** The profiles of every example added, as if `excluded` stems had been left out of each. */
    ConceptProfiles finish(const std::set<std::string>& excluded = {}) const;

private:
    std::uint32_t stem_id(const std::string& stem);
    std::uint32_t concept_id(const std::string& id);

    std::vector<std::string> m_concepts;  ///< in order of first appearance
    std::unordered_map<std::string, std::uint32_t> m_concept_index;
    std::vector<std::string> m_stems;
    std::unordered_map<std::string, std::uint32_t> m_stem_index;
    std::vector<double> m_df;                   ///< by stem id: examples that contain the stem
    std::vector<double> m_mass;                 ///< by concept id: summed example weights
    std::vector<std::vector<double>> m_counts;  ///< by concept id, then stem id (dense: vocabulary-sized)
    double m_examples = 0;
    std::vector<std::uint32_t> m_distinct;      ///< scratch
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
    friend class ProfileLearner;
    std::vector<std::string> m_concepts;
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, float>>> m_terms;
};

}  // namespace attune::taxonomy
