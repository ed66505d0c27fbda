#pragma once
#include "corpus_reader.h"
#include "taxonomy/concept_profiles.h"
#include "text/analyzer.h"

namespace attune::indexer {

/**
 * Learns concept profiles from the corpus: articles speak strongly for their first concern or
 * approach and less for the rest, clinician bios weakly for each concept they list, and each
 * concept's own label, description and phrases count double. Ancestors get half the weight.
 */
taxonomy::ConceptProfiles train_concept_profiles(const Corpus& corpus, text::Analyzer& analyzer);

}  // namespace attune::indexer
