#pragma once
#include "results/result.h"

#include <xapian.h>

#include <map>
#include <string>

namespace attune::service {

using results::FacetCounts;

/**
 * Counts, over the documents a search matches, the concerns, approaches, languages, populations,
 * formats and accepting status they carry. Multi-valued fields (a clinician speaks several
 * languages) are why this reads boolean terms rather than one value slot as ValueCountMatchSpy does.
 */
class FacetSpy : public Xapian::MatchSpy {
public:
    void operator()(const Xapian::Document& doc, double weight) override;

    const FacetCounts& counts() const { return m_counts; }
    Xapian::doccount seen() const { return m_seen; }

private:
    FacetCounts m_counts;
    Xapian::doccount m_seen = 0;
};

/** Adds `from` into `into`. */
void merge_facets(FacetCounts& into, const FacetCounts& from);

}  // namespace attune::service
