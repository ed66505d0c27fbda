#pragma once
#include "corpus_reader.h"
#include "taxonomy/concept_profiles.h"
#include "text/analyzer.h"

#include <set>
#include <string>

namespace attune::indexer {

/**
 * Learns concept profiles from documents seen one at a time: articles speak strongly for their
 * first concern or approach and less for the rest, clinician bios weakly for each concept they
 * list, and each concept's own label, description and phrases count double. Ancestors get half
 * the weight. Names, places and languages of clinicians are left out of every profile. Keeps sums
 * per stem and concept, not the documents, so memory does not grow with the corpus.
 */
class ProfileTrainer {
public:
    ProfileTrainer(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    void add(const schema::Article& article);
    void add(const schema::Clinician& clinician);
    /** Counts what `other` saw as if this trainer had seen it too. */
    void merge(const ProfileTrainer& other);
    /** Adds the taxonomy's own wording and learns the profiles. */
    taxonomy::ConceptProfiles finish();

private:
    const taxonomy::Taxonomy& m_taxonomy;
    text::Analyzer& m_analyzer;
    taxonomy::ProfileLearner m_learner;
    std::set<std::string> m_incidental;
};

/** The profiles of a corpus held in memory: ProfileTrainer over its articles, then its clinicians. */
taxonomy::ConceptProfiles train_concept_profiles(const Corpus& corpus, text::Analyzer& analyzer);

}  // namespace attune::indexer
