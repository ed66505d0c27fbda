// Target (5): the query pipeline. The input is what a visitor types (search, suggest) and what intake
// staff paste (match), run against a small index built once from tests/data/corpus.
#include "corpus_reader.h"
#include "errors.h"
#include "fuzz_support.h"
#include "index_builder.h"
#include "service/search_service.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

using namespace attune;

namespace {

service::SearchService* g_service = nullptr;  // lives for the whole run

std::string dump(const nlohmann::json& j) {
    // As the CLI and HTTP transports print it: invalid UTF-8 in echoed text is replaced, not thrown on.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    indexer::ReadOptions options;
    options.corpus_dir = fuzz::corpus_dir();
    const indexer::Corpus corpus = indexer::read_corpus(options);
    if (!corpus.errors.empty()) throw std::runtime_error("the fuzz corpus has errors: " + corpus.errors.front());
    const std::string db = fuzz::scratch_dir("attune-fuzz-index");
    {
        indexer::IndexLock lock(db);
        indexer::build_index(corpus, db, nullptr);
    }
    g_service = new service::SearchService(db);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);
    service::SearchService& svc = *g_service;

    // Normalise and detect on their own.
    (void)text::fold(text);
    (void)svc.detect(text);

    // A search as the search page asks for it (facets, explain), then as-you-type, then the baseline.
    service::SearchRequest request;
    request.query = text;
    request.explain = true;
    request.facets = true;
    try {
        (void)dump(results::to_json(svc.search(request)));
    } catch (const UsageError&) {
    }
    request.explain = false;
    request.facets = false;
    request.prefix = true;
    request.type = service::ResultType::Article;
    request.filters.concerns = {"anxiety"};
    request.limit = 3;
    request.offset = 1;
    try {
        (void)dump(results::to_json(svc.search(request)));
    } catch (const UsageError&) {
    }
    request = {};
    request.query = text;
    request.baseline = true;
    try {
        (void)dump(results::to_json(svc.search(request)));
    } catch (const UsageError&) {
    }

    try {
        (void)svc.suggest(text, 8);
    } catch (const UsageError&) {
    }

    service::MatchRequest match;
    match.text = text;
    match.today = "2024-06-01";  // fixed, so a run is reproducible
    try {
        (void)dump(service::to_json(svc.match(match)));
    } catch (const UsageError&) {
    }
    return 0;
}
