#include "service/search_service.h"

#include "errors.h"
#include "service/index_paths.h"
#include "schema/prefixes.h"
#include "schema/document.h"
#include "schema/records.h"
#include "service/facets.h"
#include "query/spelling.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

namespace attune::service {
namespace {

constexpr std::size_t kMaxQueryBytes = 100 * 1024;
constexpr std::size_t kMaxLimit = 100;
constexpr Xapian::doccount kCheckAtLeast = 1000;
constexpr std::size_t kSnippetLength = 200;

Xapian::Database open_database(const std::string& path) {
    try {
        if (path.rfind(kShardsPrefix, 0) != 0) return Xapian::Database(path);
        // Remote shards served by xapian-tcpsrv, searched as one database.
        Xapian::Database all;
        std::string list = path.substr(std::strlen(kShardsPrefix));
        for (std::size_t start = 0; start <= list.size();) {
            std::size_t end = list.find(',', start);
            if (end == std::string::npos) end = list.size();
            const std::string shard = list.substr(start, end - start);
            const auto colon = shard.rfind(':');
            if (colon == std::string::npos || colon == 0) throw UsageError("--shard: expected HOST:PORT, not '" + shard + "'");
            unsigned port = 0;
            try {
                port = static_cast<unsigned>(std::stoul(shard.substr(colon + 1)));
            } catch (const std::exception&) {
                throw UsageError("--shard: expected HOST:PORT, not '" + shard + "'");
            }
            if (port == 0 || port > 65535) throw UsageError("--shard: port out of range in '" + shard + "'");
            all.add_database(Xapian::Remote::open(shard.substr(0, colon), port, 10000, 2000));
            start = end + 1;
        }
        return all;
    } catch (const Xapian::Error& e) {
        throw IndexError("no readable index at " + path + " (" + e.get_msg() +
                         "); build one with: attune index --corpus corpus --db " + path);
    }
}

// Relevance tuning hook: ATTUNE_WEIGHTS='{"tag_boost": 2.0, ...}' overrides the tuned defaults, so
// `attune eval` can try weights without a rebuild. Unknown keys are an error.
void apply_weight_overrides(query::QueryWeights& q, query::DetectorWeights& d) {
    const char* env = std::getenv("ATTUNE_WEIGHTS");
    if (!env || !*env) return;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(env);
    } catch (const nlohmann::json::exception& e) {
        throw UsageError(std::string("ATTUNE_WEIGHTS: not JSON: ") + e.what());
    }
    const std::map<std::string, double*> doubles = {
        {"tag_boost", &q.tag_boost}, {"phrase_boost", &q.phrase_boost}, {"main_boost", &q.main_boost},
        {"constraint_boost", &q.constraint_boost}, {"title_boost", &q.title_boost},
        {"profile_share", &d.profile_share}, {"profile_saturation", &d.profile_saturation},
        {"profile_min", &d.profile_min}, {"profile_ratio", &d.profile_ratio},
        {"single_word_floor", &d.single_word_floor}, {"single_word_full", &d.single_word_full},
        {"lead_boost", &d.lead_boost}, {"profile_per_token", &d.profile_per_token}};
    const std::map<std::string, std::size_t*> sizes = {
        {"max_phrases", &q.max_phrases}, {"max_concepts", &q.max_concepts}, {"profile_max", &d.profile_max},
        {"lead_tokens", &d.lead_tokens}};
    for (const auto& [key, value] : j.items()) {
        if (auto it = doubles.find(key); it != doubles.end()) *it->second = value.get<double>();
        else if (auto st = sizes.find(key); st != sizes.end()) *st->second = value.get<std::size_t>();
        else throw UsageError("ATTUNE_WEIGHTS: unknown weight '" + key + "'");
    }
}

}  // namespace

SearchService::SearchService(const std::string& db_path)
    : m_db(open_database(db_path)), m_remote(db_path.rfind(kShardsPrefix, 0) == 0) {
    try {
        if (m_db.get_metadata(schema::meta::kSchema) != schema::kSchemaVersion)
            throw IndexError("the index at " + db_path + " was built by another version of attune; rebuild it with: "
                             "attune index --corpus corpus --db " + db_path);
        const std::string tax = m_db.get_metadata(schema::meta::kTaxonomy);
        if (tax.empty()) throw IndexError("the index at " + db_path + " has no taxonomy; rebuild it with attune index");
        m_taxonomy = taxonomy::Taxonomy::from_json(nlohmann::json::parse(tax));
        const std::string crisis = m_db.get_metadata(schema::meta::kCrisis);
        if (!crisis.empty()) m_crisis = taxonomy::CrisisResources::from_json(nlohmann::json::parse(crisis));
        const std::string profiles = m_db.get_metadata(schema::meta::kProfiles);
        if (!profiles.empty()) m_profiles = taxonomy::ConceptProfiles::from_json(nlohmann::json::parse(profiles));
    } catch (const nlohmann::json::exception& e) {
        throw IndexError("the index at " + db_path + " has unreadable metadata (" + e.what() + "); rebuild it");
    } catch (const Xapian::Error& e) {
        throw IndexError("cannot read the index at " + db_path + ": " + e.get_msg());
    }
    m_vocabulary = query::ConstraintVocabulary(m_db);
    m_suggest = SuggestIndex(m_db, m_taxonomy, m_analyzer);
    m_facets = FacetIndex(m_db);
    query::DetectorWeights detector_weights;
    apply_weight_overrides(m_query_weights, detector_weights);
    m_detector = std::make_unique<query::ConceptDetector>(m_taxonomy, m_analyzer, &m_profiles, detector_weights);
    m_builder = std::make_unique<query::QueryBuilder>(m_taxonomy, m_analyzer);
}

std::string SearchService::generation() const { return m_db.get_metadata(schema::meta::kGeneration); }

query::Detection SearchService::detect(const std::string& text) {
    return m_detector->detect(m_analyzer.analyze(text), text);
}

std::vector<taxonomy::PhraseMatch> SearchService::phrase_matches(std::string_view text) {
    return m_detector->matcher().match(m_analyzer.analyze(text));
}

query::QueryPlan SearchService::understand(const SearchRequest& request, results::SearchResponse& out) {
    if (request.query.size() > kMaxQueryBytes) throw UsageError("query: longer than 100 KiB");
    if (request.limit > kMaxLimit) throw UsageError("limit: must be at most 100");
    out.query = request.query;
    auto spelled = request.baseline ? query::SpellingResult{m_analyzer.analyze(request.query), std::nullopt}
                                    : query::correct_spelling(m_db, m_analyzer, m_analyzer.analyze(request.query),
                                                              request.query, request.prefix);
    const auto& tokens = spelled.tokens;
    out.suggestion = std::move(spelled.suggestion);
    if (tokens.empty() && request.filters.empty()) throw UsageError("query: empty (type some words or give a filter)");

    if (!request.baseline) out.detection = m_detector->detect(tokens, request.query);
    if (!out.detection.crisis_concepts.empty()) out.crisis = crisis_notice(out.detection, request.country);

    query::BuildOptions options;
    options.weights = m_query_weights;
    options.prefix_last = request.prefix;
    if (request.baseline) options.weights.title_boost = 0;
    std::vector<query::TextConstraint> constraints;
    if (!request.baseline) constraints = query::find_constraints(tokens, request.query, m_vocabulary);
    query::QueryPlan plan = m_builder->build(tokens, request.query, out.detection, constraints, request.filters, options);
    if (request.explain) out.explain = plan.describe();
    return plan;
}

results::CrisisNotice SearchService::crisis_notice(const query::Detection& detection, const std::string& country) const {
    results::CrisisNotice notice{m_crisis.message, detection.crisis_concepts, detection.crisis_matched, {}};
    for (const std::string& kind : detection.crisis_concepts)
        for (auto& r : m_crisis.for_kind(country, kind)) {
            const bool seen = std::any_of(notice.resources.begin(), notice.resources.end(),
                                          [&](const auto& x) { return x.name == r.name; });
            if (!seen) notice.resources.push_back(std::move(r));
        }
    return notice;
}

results::SearchResponse SearchService::search(const SearchRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    results::SearchResponse out;
    const query::QueryPlan plan = understand(request, out);
    try {
        if (request.type != ResultType::Clinician) run_type("article", plan, request, out);
        if (request.type != ResultType::Article) run_type("clinician", plan, request, out);
    } catch (const Xapian::DatabaseModifiedError&) {
        m_db.reopen();
        out.articles.clear();
        out.clinicians.clear();
        if (request.type != ResultType::Clinician) run_type("article", plan, request, out);
        if (request.type != ResultType::Article) run_type("clinician", plan, request, out);
    }
    out.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return out;
}

std::vector<Xapian::MSet> SearchService::match_sets(const SearchRequest& request) {
    results::SearchResponse out;
    const query::QueryPlan plan = understand(request, out);
    std::vector<Xapian::MSet> sets;
    if (plan.combined.empty()) return sets;
    if (request.type != ResultType::Clinician) sets.push_back(get_mset("article", plan, request, nullptr));
    if (request.type != ResultType::Article) sets.push_back(get_mset("clinician", plan, request, nullptr));
    return sets;
}

Xapian::MSet SearchService::get_mset(const char* type, const query::QueryPlan& plan, const SearchRequest& request,
                                     FacetSpy* spy) {
    Xapian::Enquire enquire(m_db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, plan.combined,
                                    Xapian::Query(std::string(schema::prefix::kType) + type)));
    // xapian-tcpsrv cannot run our MatchSpy (it would have to be registered on the server), so
    // with remote shards the facets count the first kCheckAtLeast matches from a second MSet.
    if (spy && !m_remote) enquire.add_matchspy(spy);
    // Counting facets needs the first kCheckAtLeast matches seen; otherwise Xapian may stop early
    // (the totals are then its estimate), which is most of the cost of a search on a large index.
    const Xapian::doccount check_at_least = request.facets ? kCheckAtLeast : 0;
    Xapian::MSet page = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                         static_cast<Xapian::doccount>(request.limit), check_at_least);
    if (spy && m_remote)
        for (const Xapian::docid id : enquire.get_mset(0, kCheckAtLeast)) spy->count(id);
    return page;
}

void SearchService::run_type(const char* type, const query::QueryPlan& plan, const SearchRequest& request,
                             results::SearchResponse& out) {
    const bool articles = std::string_view(type) == "article";
    if (plan.combined.empty()) return;
    FacetSpy spy(m_facets);
    const Xapian::MSet mset = get_mset(type, plan, request, request.facets ? &spy : nullptr);
    (articles ? out.total_articles : out.total_clinicians) = mset.get_matches_estimated();
    if (request.facets) {
        if (!out.facets) out.facets.emplace();
        spy.merge_into(*out.facets);
    }
    const results::WhyContext why_ctx{m_taxonomy, out.detection, plan.user_stems, plan.display, plan.constraints};
    // No background model: it looks up the frequency of every word of the text, which costs ~1 ms a result.
    const unsigned snippet_flags = 0;
    std::vector<std::string> why_query_terms(plan.combined.get_unique_terms_begin(), plan.combined.get_unique_terms_end());
    why_query_terms.insert(why_query_terms.end(), plan.related_terms.begin(), plan.related_terms.end());
    const results::WhyTerms why_terms(why_ctx, std::move(why_query_terms));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        const std::string stored = doc.get_data();
        const schema::DataParts parts = schema::split_data(stored);
        const nlohmann::json data = nlohmann::json::parse(parts.json);
        if (articles) {
            results::ArticleHit hit{schema::article_from_json(data), it.get_weight(), {}, {}};
            const std::string text(parts.body.empty() ? std::string_view(hit.record.summary) : parts.body);
            hit.snippet = mset.snippet(text, kSnippetLength, m_stemmer, snippet_flags, "<mark>", "</mark>", "…");
            hit.why = results::explain_match(why_ctx, why_terms, doc, parts.evidence);
            out.articles.push_back(std::move(hit));
        } else {
            results::ClinicianHit hit{schema::clinician_from_json(data), it.get_weight(), {}, {}};
            hit.snippet = mset.snippet(hit.record.bio, kSnippetLength, m_stemmer, snippet_flags, "<mark>", "</mark>", "…");
            hit.why = results::explain_match(why_ctx, why_terms, doc, parts.evidence);
            out.clinicians.push_back(std::move(hit));
        }
    }
}

std::vector<Suggestion> SearchService::suggest(const std::string& partial, std::size_t limit) {
    if (partial.size() > kMaxQueryBytes) throw UsageError("q: too long");
    const auto tokens = m_analyzer.analyze(partial);
    if (tokens.empty()) throw UsageError("q: empty (type the start of a word)");
    return m_suggest.suggest(tokens, limit);
}

Related SearchService::related(const std::string& id, std::size_t limit) {
    if (limit == 0 || limit > kMaxLimit) throw UsageError("limit: must be between 1 and 100");
    return Recommender(m_db, m_taxonomy).related(id, limit);
}

std::optional<nlohmann::json> SearchService::find_document(const std::string& id) {
    const std::string term = std::string(schema::prefix::kId) + id;
    Xapian::PostingIterator p = m_db.postlist_begin(term);
    if (p == m_db.postlist_end(term)) return std::nullopt;
    return schema::decode_record(m_db.get_document(*p).get_data());
}

std::vector<ConceptCount> SearchService::concept_counts() {
    std::vector<ConceptCount> out;
    const Xapian::doccount all = m_db.get_doccount();
    for (const auto& c : m_taxonomy.concepts()) {
        const char* prefix = c.kind == taxonomy::ConceptKind::Concern ? schema::prefix::kConcern : schema::prefix::kApproach;
        ConceptCount cc{&c, 0, 0};
        for (const char* type : {"article", "clinician"}) {
            Xapian::Enquire enquire(m_db);
            enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(prefix + c.id),
                                            Xapian::Query(std::string(schema::prefix::kType) + type)));
            const auto n = enquire.get_mset(0, 0, all).get_matches_estimated();
            (std::string_view(type) == "article" ? cc.articles : cc.clinicians) = n;
        }
        out.push_back(cc);
    }
    return out;
}

}  // namespace attune::service

namespace attune::service {

nlohmann::json to_json(const std::vector<ConceptCount>& counts) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : counts)
        arr.push_back({{"id", c.def->id}, {"kind", taxonomy::kind_name(c.def->kind)}, {"label", c.def->label},
                       {"description", c.def->description}, {"broader", c.def->broader}, {"related", c.def->related},
                       {"crisis", c.def->crisis}, {"articles", c.articles}, {"clinicians", c.clinicians}});
    return {{"concepts", arr}};
}

}  // namespace attune::service
