#pragma once
#include "taxonomy/taxonomy.h"

#include <nlohmann/json_fwd.hpp>
#include <xapian.h>

#include <string>
#include <vector>

namespace attune::service {

/** One recommended article or clinician, with the reasons in words. */
struct Recommendation {
    std::string type;  ///< article | clinician
    std::string id;
    std::string label;  ///< title or name
    std::string url;
    double score = 0;
    std::vector<std::string> why;
};

/** What goes with one document: for an article its clinicians and related articles, for a clinician their articles. */
struct Related {
    std::string id;
    std::string type;
    std::vector<Recommendation> clinicians;
    std::vector<Recommendation> articles;
};

nlohmann::json to_json(const Related& r);

/**
 * Recommendations from the concept tags and text of one document:
 * - article -> clinicians who list its concerns and approaches (rarer concepts weigh more), the
 *   author first, then those accepting new clients;
 * - article -> related articles: shared concepts plus Xapian's more-like-this (an ESet of the
 *   article's own words);
 * - clinician -> the articles they wrote, then articles on what they treat.
 */
class Recommender {
public:
    Recommender(Xapian::Database& db, const taxonomy::Taxonomy& taxonomy) : m_db(db), m_taxonomy(taxonomy) {}

    /** UsageError-free: returns nullopt-like empty Related with empty type when `id` is unknown. */
    Related related(const std::string& id, std::size_t limit);

private:
    std::vector<Recommendation> clinicians_for(const nlohmann::json& article, std::size_t limit);
    std::vector<Recommendation> articles_like(Xapian::docid doc, const nlohmann::json& article, std::size_t limit);
    std::vector<Recommendation> articles_for(const nlohmann::json& clinician, std::size_t limit);
    Xapian::Query concept_query(const nlohmann::json& record) const;
    std::vector<std::string> shared_labels(const nlohmann::json& a, const nlohmann::json& b) const;

    Xapian::Database& m_db;
    const taxonomy::Taxonomy& m_taxonomy;
};

}  // namespace attune::service
