#include "analytics/audit.h"

#include "errors.h"
#include "schema/document.h"
#include "schema/prefixes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace attune::analytics {
namespace {

std::string utc_today() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

/** Whole months from `from` to `to`, both YYYY-MM-DD; -1 when either is not a date. */
int months_between(const std::string& from, const std::string& to) {
    int y1, m1, d1, y2, m2, d2;
    if (std::sscanf(from.c_str(), "%4d-%2d-%2d", &y1, &m1, &d1) != 3) return -1;
    if (std::sscanf(to.c_str(), "%4d-%2d-%2d", &y2, &m2, &d2) != 3) return -1;
    return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

struct Records {
    std::vector<std::pair<Xapian::docid, schema::Article>> articles;
    std::vector<schema::Clinician> clinicians;
};

Records load_records(Xapian::Database& db) {
    Records out;
    for (const char* type : {"article", "clinician"}) {
        const std::string term = std::string(schema::prefix::kType) + type;
        for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
            const nlohmann::json j = schema::decode_record(db.get_document(*it).get_data());
            if (type[0] == 'a') out.articles.emplace_back(*it, schema::article_from_json(j));
            else out.clinicians.push_back(schema::clinician_from_json(j));
        }
    }
    return out;
}

/** Concepts an article's tags already cover: the tags and everything broader. */
std::unordered_set<std::string> covered_by_tags(const taxonomy::Taxonomy& tax, const schema::Article& a) {
    std::unordered_set<std::string> out;
    for (const auto* list : {&a.concerns, &a.approaches})
        for (const auto& t : *list) {
            out.insert(t);
            for (const auto& anc : tax.ancestors(t)) out.insert(anc);
        }
    return out;
}

/** Concepts the article's text discusses without a tag, with the phrases as evidence. */
std::vector<TagSuggestion> suggest_tags(service::SearchService& svc, const schema::Article& a, const AuditOptions& o) {
    std::string text = a.title + ".\n" + a.summary + ".\n";
    for (const auto& h : a.headings) text += h + ".\n";
    text += a.body;
    const auto& concepts = svc.taxonomy().concepts();
    std::map<std::size_t, TagSuggestion> found;
    std::map<std::size_t, std::size_t> specific;
    for (const auto& m : svc.phrase_matches(text)) {
        if (m.negated) continue;
        TagSuggestion& s = found[m.concept_index];
        ++s.hits;
        if (std::find(s.phrases.begin(), s.phrases.end(), m.phrase) != s.phrases.end()) continue;
        s.phrases.push_back(m.phrase);
        // One common word ("work", "family") says little; a label or a phrase of two words says more.
        if (m.is_label || m.length >= 2) ++specific[m.concept_index];
    }
    const auto tagged = covered_by_tags(svc.taxonomy(), a);
    std::vector<TagSuggestion> out;
    for (auto& [index, s] : found) {
        const std::string& id = concepts[index].id;
        if (tagged.count(id) || s.hits < o.discuss_min_hits || specific[index] < o.discuss_min_phrases) continue;
        s.article = a.id;
        s.title = a.title;
        s.concept_id = id;
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.hits > y.hits; });
    return out;
}

/**
 * Near-duplicate articles: each article's most telling words (Xapian's ESet over the article
 * alone) searched as one query; another article scoring at least `threshold` of the article's own
 * score is a near-duplicate. Each pair is reported once, with the larger of its two scores.
 */
std::vector<NearDuplicate> near_duplicates(Xapian::Database& db, const Records& records, double threshold) {
    struct TextTerms : Xapian::ExpandDecider {
        bool operator()(const std::string& t) const override {
            return t.size() > 2 && t[0] == 'Z' && !std::isupper(static_cast<unsigned char>(t[1]));
        }
    } decider;
    std::unordered_map<Xapian::docid, const schema::Article*> by_docid;
    for (const auto& [did, a] : records.articles) by_docid[did] = &a;
    std::map<std::pair<std::string, std::string>, double> pairs;
    const Xapian::Query articles_only(std::string(schema::prefix::kType) + "article");
    for (const auto& [did, a] : records.articles) {
        Xapian::Enquire enquire(db);
        Xapian::RSet rset;
        rset.add_document(did);
        const Xapian::ESet eset = enquire.get_eset(40, rset, &decider);
        if (eset.empty()) continue;
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                        Xapian::Query(Xapian::Query::OP_OR, eset.begin(), eset.end()), articles_only));
        const Xapian::MSet mset = enquire.get_mset(0, 6);
        double self = 0;
        for (auto m = mset.begin(); m != mset.end(); ++m)
            if (*m == did) self = m.get_weight();
        if (self <= 0) continue;
        for (auto m = mset.begin(); m != mset.end(); ++m) {
            const auto other = by_docid.find(*m);
            if (*m == did || other == by_docid.end()) continue;
            const double sim = std::min(1.0, m.get_weight() / self);
            if (sim < threshold) continue;
            auto key = std::minmax(a.id, other->second->id);
            double& best = pairs[{key.first, key.second}];
            best = std::max(best, sim);
        }
    }
    std::vector<NearDuplicate> out;
    for (const auto& [k, sim] : pairs) out.push_back({k.first, k.second, sim});
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.similarity > y.similarity; });
    return out;
}

std::vector<std::string> broken_references(Xapian::Database& db, const taxonomy::Taxonomy& tax, const Records& r) {
    std::vector<std::string> out;
    // What the build left out (the indexer rejects unknown authors and concepts)...
    const std::string meta = db.get_metadata(schema::meta::kBuildErrors);
    if (!meta.empty()) {
        for (const auto& e : nlohmann::json::parse(meta)) {
            const std::string s = e.is_string() ? e.get<std::string>() : "";
            if (s.find("unknown clinician id") != std::string::npos || s.find("unknown concept id") != std::string::npos)
                out.push_back(s + " (left out of the index)");
        }
    }
    // ...and anything an index from elsewhere still carries.
    std::unordered_set<std::string> clinician_ids;
    for (const auto& c : r.clinicians) clinician_ids.insert(c.id);
    auto check = [&](const std::string& id, const std::vector<std::string>& tags) {
        for (const auto& t : tags)
            if (!tax.find(t)) out.push_back(id + ": concept id '" + t + "' does not exist");
    };
    for (const auto& [did, a] : r.articles) {
        if (!a.author.empty() && !clinician_ids.count(a.author))
            out.push_back(a.id + ": author '" + a.author + "' is not a clinician in the index");
        check(a.id, a.concerns);
        check(a.id, a.approaches);
    }
    for (const auto& c : r.clinicians) check(c.id, c.concerns), check(c.id, c.approaches);
    return out;
}

QueryAnalytics analyse_log(const std::vector<QueryLogEntry>& log, std::vector<ConceptCoverage>& coverage,
                           const AuditOptions& o) {
    QueryAnalytics q;
    q.present = true;
    std::unordered_map<std::string, ConceptCoverage*> by_id;
    for (auto& c : coverage) by_id[c.def->id] = &c;
    struct TextStats {
        std::size_t searches = 0;
        std::set<std::string> hours;
    };
    std::map<std::string, TextStats> texts;
    std::map<std::string, std::pair<std::size_t, std::set<std::string>>> zero;  // concept -> searches, texts
    for (const auto& e : log) {
        ++q.searches;
        if (q.first_hour.empty() || e.hour < q.first_hour) q.first_hour = e.hour;
        q.last_hour = std::max(q.last_hour, e.hour);
        if (e.crisis) ++q.crisis;
        if (e.zero_results()) ++q.zero_results;
        const bool has_text = e.query && !e.query->empty() && !e.crisis;
        if (has_text) {
            auto& t = texts[*e.query];
            ++t.searches;
            t.hours.insert(e.hour);
        }
        for (const auto& id : e.concepts) {
            ++q.demand[e.hour.substr(0, 10)][id];
            const auto it = by_id.find(id);
            if (it == by_id.end()) continue;
            ++it->second->searches;
            if (e.zero_results() || std::find(e.unanswered.begin(), e.unanswered.end(), id) != e.unanswered.end())
                ++it->second->unanswered;
        }
        if (e.zero_results()) {
            const std::vector<std::string> keys = e.concepts.empty() ? std::vector<std::string>{""} : e.concepts;
            for (const auto& k : keys) {
                ++zero[k].first;
                if (has_text) zero[k].second.insert(*e.query);
            }
        }
    }
    auto shown = [&](const std::string& text) { return texts[text].hours.size() >= o.min_query_hours; };
    for (const auto& [text, t] : texts) {
        if (t.hours.size() >= o.min_query_hours) q.top.push_back({text, t.searches, t.hours.size()});
        else ++q.hidden_queries;
    }
    std::sort(q.top.begin(), q.top.end(), [](const auto& a, const auto& b) {
        return a.searches != b.searches ? a.searches > b.searches : a.query < b.query;
    });
    if (q.top.size() > o.top_queries) q.top.resize(o.top_queries);
    for (const auto& [concept_id, z] : zero) {
        ZeroResultGroup g{concept_id, z.first, {}};
        for (const auto& text : z.second)
            if (shown(text)) g.queries.push_back(text);
        q.zero_by_concept.push_back(std::move(g));
    }
    std::sort(q.zero_by_concept.begin(), q.zero_by_concept.end(),
              [](const auto& a, const auto& b) { return a.searches > b.searches; });
    return q;
}

std::string status_of(const ConceptCoverage& c) {
    if (c.articles == 0) return "gap";
    const bool mostly_unanswered = c.searches >= 3 && c.unanswered * 2 > c.searches;
    if (c.articles == 1 || c.accepting == 0 || mostly_unanswered) return "thin";
    return "covered";
}

}  // namespace

std::vector<std::string> audit_rules(const AuditOptions& o) {
    return {
        "gap: no article is tagged with the concept",
        "thin: one article only, or no clinician who treats it accepts new clients, or more than half of "
        "3 or more searches for it returned nothing tagged with it",
        "covered: two or more articles, an accepting clinician, and searches mostly answered",
        "an article discusses a concept when its text holds " + std::to_string(o.discuss_min_hits) +
            " or more of the concept's phrases, " + std::to_string(o.discuss_min_phrases) +
            " or more of them distinct labels or phrases of two words or more",
        "stale: not updated in " + std::to_string(o.stale_months) + " months",
        "near-duplicate: similarity " + std::to_string(static_cast<int>(o.duplicate_threshold * 100)) +
            "% or more (one article's telling words score the other at least that share of itself)",
        "a query's text is shown only when " + std::to_string(o.min_query_hours) +
            " or more distinct hours recorded it; crisis searches are counted, never shown",
    };
}

AuditReport run_audit(service::SearchService& svc, const std::vector<QueryLogEntry>* log, const AuditOptions& options) {
    AuditReport r;
    r.options = options;
    if (r.options.today.empty()) r.options.today = utc_today();
    if (months_between(r.options.today, r.options.today) != 0) throw UsageError("today: expected YYYY-MM-DD");
    r.generation = svc.generation();
    Xapian::Database& db = svc.database();
    const taxonomy::Taxonomy& tax = svc.taxonomy();
    const Records records = load_records(db);
    r.articles = records.articles.size();
    r.clinicians = records.clinicians.size();

    std::unordered_map<std::string, std::size_t> index;
    for (const auto& c : tax.concepts()) {
        index[c.id] = r.concepts.size();
        ConceptCoverage cov;
        cov.def = &c;
        r.concepts.push_back(std::move(cov));
    }
    auto tally = [&](const std::vector<std::string>& tags, auto&& fn) {
        for (const auto& t : tags)
            if (const auto it = index.find(t); it != index.end()) fn(r.concepts[it->second]);
    };
    for (const auto& [did, a] : records.articles) {
        tally(a.concerns, [](ConceptCoverage& c) { ++c.articles; });
        tally(a.approaches, [](ConceptCoverage& c) { ++c.articles; });
        if (a.concerns.empty() && a.approaches.empty()) r.untagged_articles.emplace_back(a.id, a.title);
        for (auto& s : suggest_tags(svc, a, r.options)) {
            r.concepts[index.at(s.concept_id)].untagged.push_back(a.id);
            r.suggestions.push_back(std::move(s));
        }
        const int months = months_between(a.updated, r.options.today);
        if (months < 0 || months >= r.options.stale_months) r.stale.push_back({a.id, a.title, a.updated, months});
    }
    for (const auto& cl : records.clinicians) {
        auto count = [&](ConceptCoverage& c) {
            ++c.clinicians;
            if (cl.accepting_new_clients) ++c.accepting;
        };
        tally(cl.concerns, count);
        tally(cl.approaches, count);
    }
    if (log) r.queries = analyse_log(*log, r.concepts, r.options);
    for (auto& c : r.concepts) {
        c.status = status_of(c);
        if (c.status == "gap") r.no_article.push_back(c.def->id);
        if (c.searches > 0 && c.accepting == 0) r.demand_without_accepting.push_back(c.def->id);
    }
    std::sort(r.stale.begin(), r.stale.end(), [](const auto& a, const auto& b) { return a.months > b.months; });
    r.broken_references = broken_references(db, tax, records);
    r.near_duplicates = near_duplicates(db, records, r.options.duplicate_threshold);
    return r;
}

}  // namespace attune::analytics
