// Target (1): a Markdown article with YAML front matter, as `attune index` reads articles/*.md.
#include "article_loader.h"
#include "errors.h"
#include "front_matter.h"
#include "fuzz_support.h"
#include "taxonomy/taxonomy_yaml.h"

using namespace attune;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::corpus_taxonomy();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);
    // The Markdown renderer alone, on any bytes (a JSONL article's body goes straight to it).
    (void)indexer::markdown_to_text(text);
    try {
        taxonomy::check_file_text(text, "fuzz.md");  // what read_text_file checks before parsing
        const indexer::LoadedArticle loaded = indexer::parse_article_markdown(text, "fuzz.md");
        fuzz::index_like_the_builder(loaded.article);
    } catch (const InputError&) {
    }
    return 0;
}
