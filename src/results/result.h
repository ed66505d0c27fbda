#pragma once
#include "query/concept_detector.h"
#include "query/query_builder.h"
#include "schema/records.h"
#include "taxonomy/crisis.h"
#include "taxonomy/taxonomy.h"

#include <nlohmann/json_fwd.hpp>
#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attune::results {

struct ArticleHit {
    schema::Article record;
    double score = 0;
    std::string snippet;  ///< HTML-escaped text with <mark> around matched words
    std::vector<std::string> why;
};

struct ClinicianHit {
    schema::Clinician record;
    double score = 0;
    std::string snippet;
    std::vector<std::string> why;
};

/** Shown first when a query suggests someone may be in danger. */
struct CrisisNotice {
    std::string message;
    std::vector<std::string> concepts;
    std::vector<std::string> matched;
    std::vector<taxonomy::CrisisResource> resources;
};

/** Facet name -> value -> number of matching documents. */
using FacetCounts = std::map<std::string, std::map<std::string, Xapian::doccount>>;

struct SearchResponse {
    std::string query;
    query::Detection detection;
    std::optional<CrisisNotice> crisis;
    std::optional<std::string> suggestion;
    std::vector<ArticleHit> articles;
    std::vector<ClinicianHit> clinicians;
    Xapian::doccount total_articles = 0;
    Xapian::doccount total_clinicians = 0;
    double took_ms = 0;
    std::string explain;  ///< the Xapian query, when asked for
    std::optional<FacetCounts> facets;  ///< when asked for
};

/** The `concepts` list of the JSON contract. */
nlohmann::json concepts_json(const query::Detection& detection);

/** The `crisis` object of the JSON contract, or null. */
nlohmann::json crisis_json(const std::optional<CrisisNotice>& crisis);

/** The JSON contract of docs/api.md, shared by the CLI and HTTP. */
nlohmann::json to_json(const SearchResponse& r);

/** Everything needed to say why one document matched. */
struct WhyContext {
    const taxonomy::Taxonomy& taxonomy;
    const query::Detection& detection;
    const std::vector<std::string>& user_stems;
    const std::map<std::string, std::string>& display;  ///< stem -> word to show
    const std::vector<query::TextConstraint>& constraints;
};

/**
 * The terms explain_match() looks for in each result, sorted; built once per query from its
 * distinct terms (Query::get_unique_terms) and the words of the detected concepts' phrases
 * (QueryPlan::related_terms).
 */
class WhyTerms {
public:
    WhyTerms(const WhyContext& ctx, std::vector<std::string> query_terms);
    const std::vector<std::string>& wanted() const { return m_wanted; }
    const std::vector<std::string>& query_terms() const { return m_query_terms; }

private:
    std::vector<std::string> m_query_terms;
    std::vector<std::string> m_wanted;
};

/**
 * Reasons in words a person reads: concepts the document is tagged with, concepts its text
 * discusses without the tag (with the taxonomy phrases it uses, from the evidence part of the
 * document data: schema::split_data), constraints it meets, the query's words it contains and the
 * fields they are in. The document's termlist is read once.
 */
std::vector<std::string> explain_match(const WhyContext& ctx, const WhyTerms& terms, const Xapian::Document& doc,
                                       std::string_view evidence);

}  // namespace attune::results
