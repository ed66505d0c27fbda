#pragma once
#include "analytics/query_log.h"
#include "service/search_service.h"

#include <map>
#include <string>
#include <vector>

namespace attune::analytics {

/** Thresholds of the coverage audit; the report prints the rules they make. */
struct AuditOptions {
    std::string today;                     ///< YYYY-MM-DD; empty: the current UTC date
    int stale_months = 18;                 ///< an article not updated for this long is stale
    std::size_t min_query_hours = 5;       ///< a query's text shows only when this many distinct hours saw it
    double duplicate_threshold = 0.8;      ///< similarity at which two articles count as near-duplicates
    std::size_t discuss_min_hits = 3;      ///< phrase occurrences for an article to discuss a concept...
    std::size_t discuss_min_phrases = 2;   ///< ...at least this many of them distinct labels or multi-word phrases
    std::size_t top_queries = 20;
};

/** One concept's supply (articles, clinicians) against its demand (searches). */
struct ConceptCoverage {
    const taxonomy::Concept* def = nullptr;
    std::size_t articles = 0;            ///< articles tagged with it
    std::vector<std::string> untagged;   ///< articles that discuss it without the tag
    std::size_t clinicians = 0;
    std::size_t accepting = 0;           ///< clinicians tagged with it who accept new clients
    std::size_t searches = 0;            ///< logged searches that detected it
    std::size_t unanswered = 0;          ///< ...whose results had nothing tagged with it, or nothing at all
    std::string status;                  ///< gap | thin | covered
};

struct TagSuggestion {
    std::string article, title, concept_id;
    std::size_t hits = 0;                ///< phrase occurrences in the article
    std::vector<std::string> phrases;    ///< distinct taxonomy phrases found
};

struct StaleArticle {
    std::string id, title, updated;      ///< `updated` is empty when the article has no date
    int months = 0;
};

struct NearDuplicate {
    std::string a, b;
    double similarity = 0;
};

struct QueryCount {
    std::string query;
    std::size_t searches = 0, hours = 0;
};

struct ZeroResultGroup {
    std::string concept_id;                 ///< empty: searches with no concept detected
    std::size_t searches = 0;
    std::vector<std::string> queries;    ///< texts that pass the minimum-count rule
};

/** What the opt-in search log says, aggregated; texts only under the minimum-count rule. */
struct QueryAnalytics {
    bool present = false;
    std::size_t searches = 0, crisis = 0, zero_results = 0;
    std::size_t hidden_queries = 0;      ///< distinct texts seen in fewer hours than the minimum
    std::string first_hour, last_hour;
    std::vector<QueryCount> top;
    std::vector<ZeroResultGroup> zero_by_concept;
    std::map<std::string, std::map<std::string, std::size_t>> demand;  ///< day -> concept -> searches
    std::vector<std::string> skipped_lines;
};

struct AuditReport {
    AuditOptions options;
    std::string generation;
    std::size_t articles = 0, clinicians = 0;
    std::vector<ConceptCoverage> concepts;
    std::vector<std::string> no_article;                 ///< concept ids with status gap
    std::vector<std::string> demand_without_accepting;   ///< searched-for concepts no accepting clinician treats
    std::vector<std::pair<std::string, std::string>> untagged_articles;  ///< id, title
    std::vector<TagSuggestion> suggestions;
    std::vector<StaleArticle> stale;
    std::vector<std::string> broken_references;
    std::vector<NearDuplicate> near_duplicates;
    QueryAnalytics queries;
};

/** Audits the index's coverage; `log` (may be null) adds demand from the search log. */
AuditReport run_audit(service::SearchService& service, const std::vector<QueryLogEntry>* log,
                      const AuditOptions& options);

/** The status rule and the other thresholds, in words, for every output format. */
std::vector<std::string> audit_rules(const AuditOptions& options);

}  // namespace attune::analytics
