#pragma once
#include "article_loader.h"
#include "clinician_loader.h"
#include "taxonomy/crisis.h"
#include "taxonomy/taxonomy.h"

#include <string>
#include <vector>

namespace attune::indexer {

struct ReadOptions {
    std::string corpus_dir;                ///< reads articles/*.md and clinicians/*.json
    std::vector<std::string> jsonl_files;  ///< instead of, or besides, corpus_dir
    std::string taxonomy_path;             ///< default: corpus_dir/taxonomy.yaml
    std::string crisis_path;               ///< default: beside the taxonomy
    bool strict = false;                   ///< throw at the first bad document
};

/** Everything a build needs, validated. Bad documents are left out and described in `errors`. */
struct Corpus {
    taxonomy::Taxonomy taxonomy;
    taxonomy::CrisisResources crisis;
    std::vector<LoadedArticle> articles;
    std::vector<LoadedClinician> clinicians;
    std::vector<std::string> errors;  ///< "path:line: field: message", one per rejected document
};

/** Reads and validates a corpus. Taxonomy or crisis file errors throw InputError. */
Corpus read_corpus(const ReadOptions& options);

}  // namespace attune::indexer
