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

/**
 * Parses one non-blank line (number `number`, 1-based) of a JSONL import file and adds its article or
 * clinician to `corpus`; InputError "path:line: field: message" when the line cannot be used.
 * Cross-document checks (ids, concepts, authors) are left to read_corpus.
 */
void read_jsonl_line(Corpus& corpus, const std::string& path, int number, const std::string& line);

}  // namespace attune::indexer
