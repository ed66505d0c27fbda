#pragma once
#include "results/result.h"

#include <xapian.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace attune::service {

using results::FacetCounts;

/**
 * Every document's facet values (concerns, approaches, languages, populations, formats, accepting),
 * read once from the boolean terms' posting lists, so counting facets during a search touches no
 * termlist. Multi-valued fields (a clinician speaks several languages) are why this does not use
 * one value slot per facet as ValueCountMatchSpy would.
 */
class FacetIndex {
public:
    FacetIndex() = default;
    explicit FacetIndex(const Xapian::Database& db);

    const std::vector<std::uint32_t>& values_of(Xapian::docid id) const;
    const std::pair<std::string, std::string>& value(std::uint32_t id) const { return m_values[id]; }
    std::size_t value_count() const { return m_values.size(); }

private:
    std::vector<std::pair<std::string, std::string>> m_values;  ///< id -> (facet, value)
    std::vector<std::vector<std::uint32_t>> m_by_doc;           ///< docid -> value ids
};

/** Counts facet values over the documents a search matches (up to check_at_least). */
class FacetSpy : public Xapian::MatchSpy {
public:
    explicit FacetSpy(const FacetIndex& index) : m_index(index), m_counts(index.value_count(), 0) {}
    void operator()(const Xapian::Document& doc, double weight) override;
    /** Counts one matching document (remote shards cannot run a MatchSpy: see SearchService). */
    void count(Xapian::docid id);

    /** Adds this spy's counts into `into`. */
    void merge_into(FacetCounts& into) const;

private:
    const FacetIndex& m_index;
    std::vector<Xapian::doccount> m_counts;
};

}  // namespace attune::service
