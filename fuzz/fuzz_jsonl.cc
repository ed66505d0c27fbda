// Target (3): one line of a JSONL import (`attune index --jsonl FILE`), article or clinician.
#include "corpus_reader.h"
#include "errors.h"
#include "fuzz_support.h"

using namespace attune;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::corpus_taxonomy();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string line = fuzz::as_string(data, size);
    // read_jsonl splits the file with getline and skips blank lines; do the same.
    if (const auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
    if (line.find_first_not_of(" \t\r") == std::string::npos) return 0;
    indexer::Corpus corpus;
    try {
        indexer::read_jsonl_line(corpus, "fuzz.jsonl", 1, line);
    } catch (const InputError&) {
        return 0;
    }
    for (const auto& a : corpus.articles) fuzz::index_like_the_builder(a.article);
    for (const auto& c : corpus.clinicians) fuzz::index_like_the_builder(c.clinician);
    return 0;
}
