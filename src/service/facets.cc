#include "service/facets.h"

#include "schema/prefixes.h"

#include <array>

namespace attune::service {
namespace {

struct Facet {
    const char* prefix;
    const char* name;
};

// Sorted by prefix so one pass over the (sorted) termlist with skip_to visits each in turn.
constexpr std::array<Facet, 6> kFacets = {{{schema::prefix::kApproach, "approach"},
                                            {schema::prefix::kConcern, "concern"},
                                            {schema::prefix::kFormat, "format"},
                                            {schema::prefix::kLanguage, "language"},
                                            {schema::prefix::kAccepting, "accepting"},
                                            {schema::prefix::kPopulation, "population"}}};

}  // namespace

void FacetSpy::operator()(const Xapian::Document& doc, double) {
    ++m_seen;
    Xapian::TermIterator it = doc.termlist_begin();
    const Xapian::TermIterator end = doc.termlist_end();
    for (const Facet& f : kFacets) {
        if (it == end) break;
        const std::string prefix = f.prefix;
        it.skip_to(prefix);
        for (; it != end; ++it) {
            const std::string term = *it;
            if (term.compare(0, prefix.size(), prefix) != 0) break;
            const std::string value = term.substr(prefix.size());
            // "XC" is also the start of "XCITY" and "XCTRY"; those are not concern ids.
            if (f.prefix == schema::prefix::kConcern && !value.empty() && value[0] >= 'A' && value[0] <= 'Z') continue;
            ++m_counts[f.name][value];
        }
    }
}

void merge_facets(FacetCounts& into, const FacetCounts& from) {
    for (const auto& [facet, values] : from)
        for (const auto& [value, n] : values) into[facet][value] += n;
}

}  // namespace attune::service
