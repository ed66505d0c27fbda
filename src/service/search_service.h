#pragma once
#include "query/concept_detector.h"
#include "query/query_builder.h"
#include "results/result.h"
#include "service/facets.h"
#include "service/match.h"
#include "service/recommend.h"
#include "service/suggest.h"
#include "taxonomy/crisis.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attune::service {

enum class ResultType { All, Article, Clinician };

/** One search, as every transport asks for it. */
struct SearchRequest {
    std::string query;
    ResultType type = ResultType::All;
    std::size_t limit = 10;
    std::size_t offset = 0;
    query::Filters filters;  ///< `types` is set from `type`
    bool explain = false;
    bool prefix = false;     ///< as-you-type: the last word may be incomplete
    bool baseline = false;   ///< plain BM25 over the text fields: no concepts, no boosts
    std::string country;     ///< for crisis resources; empty = the corpus default
    bool facets = false;     ///< count concerns, approaches, languages... over the matches
};

/** Concept with the number of documents tagged with it (directly or through narrower concepts). */
struct ConceptCount {
    const taxonomy::Concept* def;
    Xapian::doccount articles;
    Xapian::doccount clinicians;
};

/** Concepts with their document counts as JSON ({"concepts": [...]}), for the CLI and HTTP alike. */
nlohmann::json to_json(const std::vector<ConceptCount>& counts);

/**
 * The one entry point of the core: opens an index and answers searches against it.
 * Not thread-safe (Xapian objects are not): give each thread its own SearchService.
 */
class SearchService {
public:
    /** Opens the index at `db_path`; IndexError with a how-to-build hint when that fails. */
    explicit SearchService(const std::string& db_path);

    /** UsageError for bad requests (empty query without filters, limit out of range). */
    results::SearchResponse search(const SearchRequest& request);

    /** As-you-type completions for a partial query; UsageError when it is empty. */
    std::vector<Suggestion> suggest(const std::string& partial, std::size_t limit);

    /**
     * Intake matching: the clinicians who meet every hard constraint (given, or found in the text
     * and not dropped), ranked by fit, availability, distance and fee; when none does, the closest
     * with what they miss. UsageError names the bad field.
     */
    MatchResponse match(const MatchRequest& request);

    /** Recommendations for an article or clinician; `type` is empty when the id is unknown. */
    Related related(const std::string& id, std::size_t limit);

    /** The stored record of an article or clinician, or nullopt. */
    std::optional<nlohmann::json> find_document(const std::string& id);

    std::vector<ConceptCount> concept_counts();

    const taxonomy::Taxonomy& taxonomy() const { return m_taxonomy; }
    Xapian::Database& database() { return m_db; }
    std::string generation() const;

    /** Analysis and concept detection alone (for tests and benchmarks). */
    query::Detection detect(const std::string& text);

    /** Every taxonomy phrase occurrence in `text`, negated ones included (for the coverage audit). */
    std::vector<taxonomy::PhraseMatch> phrase_matches(std::string_view text);

    /**
     * Everything before matching: spelling, concepts, crisis, constraints and the Xapian query.
     * Fills the query-level fields of `out`; search() is understand() plus matching.
     */
    query::QueryPlan understand(const SearchRequest& request, results::SearchResponse& out);

    /**
     * The match sets alone, for `attune bench --mode core`: understand() and the Xapian get_mset
     * of each requested list (articles first, then clinicians), without records, snippets, `why`
     * or JSON. What search() does beyond this is the cost of building the response.
     */
    std::vector<Xapian::MSet> match_sets(const SearchRequest& request);

private:
    results::CrisisNotice crisis_notice(const query::Detection& detection, const std::string& country) const;
    void run_type(const char* type, const query::QueryPlan& plan, const SearchRequest& request,
                  results::SearchResponse& out);
    Xapian::MSet get_mset(const char* type, const query::QueryPlan& plan, const SearchRequest& request,
                          FacetSpy* spy);

    Xapian::Database m_db;
    bool m_remote = false;  ///< remote shards: no MatchSpy (see get_mset)
    taxonomy::Taxonomy m_taxonomy;
    taxonomy::CrisisResources m_crisis;
    taxonomy::ConceptProfiles m_profiles;
    text::Analyzer m_analyzer;
    std::unique_ptr<query::ConceptDetector> m_detector;
    std::unique_ptr<query::QueryBuilder> m_builder;
    query::QueryWeights m_query_weights;
    query::ConstraintVocabulary m_vocabulary;
    SuggestIndex m_suggest;
    FacetIndex m_facets;
    Xapian::Stem m_stemmer{"english"};
};

}  // namespace attune::service
