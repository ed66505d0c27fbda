#include "service/recommend.h"

#include "schema/document.h"
#include "schema/prefixes.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace attune::service {
namespace {

namespace p = schema::prefix;

constexpr double kAuthorWeight = 1000.0;   // the author leads whatever else matches
constexpr double kAcceptingWeight = 50.0;  // accepting new clients comes before not accepting
constexpr Xapian::termcount kLikeTerms = 25;

Xapian::Query fixed(double weight, const std::string& term) {
    auto* source = new Xapian::FixedWeightPostingSource(weight);
    return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(source->release()), Xapian::Query(term));
}

std::vector<std::string> list_of(const nlohmann::json& record, const char* field) {
    return record.value(field, std::vector<std::string>{});
}

// Words of the document body only (lowercase "Z" terms), for more-like-this.
class WordsOnly : public Xapian::ExpandDecider {
public:
    bool operator()(const std::string& term) const override {
        return term.size() > 3 && term[0] == 'Z' && term[1] >= 'a' && term[1] <= 'z';
    }
};

}  // namespace

nlohmann::json to_json(const Related& r) {
    auto list = [](const std::vector<Recommendation>& recs) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& x : recs)
            arr.push_back({{"type", x.type}, {"id", x.id}, {"label", x.label}, {"url", x.url},
                           {"score", std::round(x.score * 1000.0) / 1000.0}, {"why", x.why}});
        return arr;
    };
    nlohmann::json out = {{"id", r.id}, {"type", r.type}};
    if (r.type == "article") {
        out["clinicians"] = list(r.clinicians);
        out["related"] = list(r.articles);
    } else {
        out["articles"] = list(r.articles);
    }
    return out;
}

Xapian::Query Recommender::concept_query(const nlohmann::json& record) const {
    std::vector<Xapian::Query> parts;
    for (const auto& id : list_of(record, "concerns")) parts.emplace_back(p::kConcern + id);
    for (const auto& id : list_of(record, "approaches")) parts.emplace_back(p::kApproach + id);
    if (parts.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

std::vector<std::string> Recommender::shared_labels(const nlohmann::json& a, const nlohmann::json& b) const {
    std::vector<std::string> out;
    for (const char* field : {"concerns", "approaches"}) {
        const auto mine = list_of(a, field);
        for (const auto& id : list_of(b, field))
            if (std::find(mine.begin(), mine.end(), id) != mine.end())
                if (const auto* def = m_taxonomy.find(id)) out.push_back(def->label);
    }
    return out;
}

namespace {

std::string join_labels(const std::vector<std::string>& labels) {
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) out += (i ? ", " : "") + labels[i];
    return out;
}

template <typename Fn>
std::vector<Recommendation> collect(Xapian::Database& db, const Xapian::Query& query, std::size_t limit, Fn&& describe) {
    std::vector<Recommendation> out;
    if (query.empty()) return out;
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const nlohmann::json rec = schema::decode_record(it.get_document().get_data());
        Recommendation r;
        r.type = rec.value("type", "");
        r.id = rec.value("id", "");
        r.label = r.type == "article" ? rec.value("title", "") : rec.value("name", "");
        r.url = rec.value("url", "");
        r.score = it.get_weight();
        describe(rec, r);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

std::vector<Recommendation> Recommender::clinicians_for(const nlohmann::json& article, std::size_t limit) {
    Xapian::Query concepts = concept_query(article);
    if (concepts.empty()) return {};
    const std::string author = article.value("author", "");
    std::vector<Xapian::Query> parts{concepts, fixed(kAcceptingWeight, std::string(p::kAccepting) + "yes")};
    if (!author.empty()) parts.push_back(fixed(kAuthorWeight, p::kId + author));
    // Only clinicians who share a concept (or wrote it) qualify; the fixed weights only order them.
    Xapian::Query qualifies = author.empty() ? concepts : Xapian::Query(Xapian::Query::OP_OR, concepts, Xapian::Query(p::kId + author));
    Xapian::Query ranked(Xapian::Query::OP_OR, parts.begin(), parts.end());
    Xapian::Query query(Xapian::Query::OP_FILTER,
                        Xapian::Query(Xapian::Query::OP_AND, qualifies, ranked),
                        Xapian::Query(std::string(p::kType) + "clinician"));
    return collect(m_db, query, limit, [&](const nlohmann::json& rec, Recommendation& r) {
        if (r.id == author) r.why.push_back("wrote this article");
        const auto shared = shared_labels(article, rec);
        if (!shared.empty()) r.why.push_back("works with " + join_labels(shared));
        r.why.push_back(rec.value("accepting_new_clients", false) ? "accepting new clients" : "not accepting new clients");
    });
}

std::vector<Recommendation> Recommender::articles_like(Xapian::docid doc, const nlohmann::json& article, std::size_t limit) {
    Xapian::RSet rset;
    rset.add_document(doc);
    Xapian::Enquire enquire(m_db);
    enquire.set_query(Xapian::Query(p::kId + article.value("id", "")));
    WordsOnly decider;
    const Xapian::ESet eset = enquire.get_eset(kLikeTerms, rset, &decider);
    std::vector<Xapian::Query> like(eset.begin(), eset.end());
    std::vector<Xapian::Query> parts;
    if (!like.empty()) parts.emplace_back(Xapian::Query::OP_ELITE_SET, like.begin(), like.end(), 15);
    const Xapian::Query concepts = concept_query(article);
    if (!concepts.empty()) parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, concepts, 2.0);
    if (parts.empty()) return {};
    Xapian::Query query(Xapian::Query::OP_AND_NOT,
                        Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()),
                                      Xapian::Query(std::string(p::kType) + "article")),
                        Xapian::Query(p::kId + article.value("id", "")));
    return collect(m_db, query, limit, [&](const nlohmann::json& rec, Recommendation& r) {
        const auto shared = shared_labels(article, rec);
        r.why.push_back(shared.empty() ? "similar wording" : "also about " + join_labels(shared));
    });
}

std::vector<Recommendation> Recommender::articles_for(const nlohmann::json& clinician, std::size_t limit) {
    const std::string id = clinician.value("id", "");
    const Xapian::Query wrote(p::kAuthor + id);
    Xapian::Query concepts = concept_query(clinician);
    Xapian::Query query = concepts.empty() ? wrote
                                           : Xapian::Query(Xapian::Query::OP_OR, fixed(kAuthorWeight, p::kAuthor + id), concepts);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(std::string(p::kType) + "article"));
    return collect(m_db, query, limit, [&](const nlohmann::json& rec, Recommendation& r) {
        if (rec.value("author", "") == id) r.why.push_back("written by " + clinician.value("name", ""));
        const auto shared = shared_labels(clinician, rec);
        if (!shared.empty()) r.why.push_back("about " + join_labels(shared) + ", which they work with");
    });
}

Related Recommender::related(const std::string& id, std::size_t limit) {
    Related out;
    out.id = id;
    const std::string term = p::kId + id;
    Xapian::PostingIterator post = m_db.postlist_begin(term);
    if (post == m_db.postlist_end(term)) return out;
    const Xapian::docid doc = *post;
    const nlohmann::json record = schema::decode_record(m_db.get_document(doc).get_data());
    out.type = record.value("type", "");
    if (out.type == "article") {
        out.clinicians = clinicians_for(record, limit);
        out.articles = articles_like(doc, record, limit);
    } else {
        out.articles = articles_for(record, limit);
    }
    return out;
}

}  // namespace attune::service
