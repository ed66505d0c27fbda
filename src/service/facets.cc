#include "service/facets.h"

#include "schema/prefixes.h"

namespace attune::service {
namespace {

struct Facet {
    const char* prefix;
    const char* name;
};

constexpr Facet kFacets[] = {{schema::prefix::kApproach, "approach"}, {schema::prefix::kConcern, "concern"},
                             {schema::prefix::kFormat, "format"},     {schema::prefix::kLanguage, "language"},
                             {schema::prefix::kAccepting, "accepting"}, {schema::prefix::kPopulation, "population"}};

const std::vector<std::uint32_t> kNone;

}  // namespace

FacetIndex::FacetIndex(const Xapian::Database& db) : m_by_doc(db.get_lastdocid() + 1) {
    for (const Facet& f : kFacets) {
        const std::string prefix = f.prefix;
        for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
            const std::string value = (*t).substr(prefix.size());
            // "XC" is also the start of "XCITY" and "XCTRY"; those are not concern ids.
            if (value.empty() || (value[0] >= 'A' && value[0] <= 'Z')) continue;
            const auto id = static_cast<std::uint32_t>(m_values.size());
            m_values.emplace_back(f.name, value);
            for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p)
                if (*p < m_by_doc.size()) m_by_doc[*p].push_back(id);
        }
    }
}

const std::vector<std::uint32_t>& FacetIndex::values_of(Xapian::docid id) const {
    return id < m_by_doc.size() ? m_by_doc[id] : kNone;
}

void FacetSpy::operator()(const Xapian::Document& doc, double) { count(doc.get_docid()); }

void FacetSpy::count(Xapian::docid id) {
    for (std::uint32_t v : m_index.values_of(id)) ++m_counts[v];
}

void FacetSpy::merge_into(FacetCounts& into) const {
    for (std::size_t v = 0; v < m_counts.size(); ++v)
        if (m_counts[v]) into[m_index.value(static_cast<std::uint32_t>(v)).first][m_index.value(static_cast<std::uint32_t>(v)).second] += m_counts[v];
}

}  // namespace attune::service
