// Shared setup of the libFuzzer targets: the test corpus, its taxonomy and a scratch directory.
#pragma once
#include "schema/records.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace attune::fuzz {

/** tests/data/corpus, or $ATTUNE_FUZZ_CORPUS when set. */
std::string corpus_dir();

/** The test corpus's taxonomy, loaded once. */
const taxonomy::Taxonomy& corpus_taxonomy();

/** One analyser for the whole run (a fuzzer runs on one thread). */
text::Analyzer& analyzer();

/** A new directory under $TMPDIR (or /tmp), removed with its contents when the process exits normally. */
std::string scratch_dir(const std::string& name);

/**
 * What `attune index` does with a record that passed its loader and the cross-document checks:
 * builds its Xapian document and round-trips it through the stored JSON. Records whose concept ids
 * the taxonomy does not know are left out, as read_corpus rejects them.
 */
void index_like_the_builder(const schema::Article& article);
void index_like_the_builder(const schema::Clinician& clinician);

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace attune::fuzz
