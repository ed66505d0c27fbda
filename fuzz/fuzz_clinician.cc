// Target (2): a clinician profile file, as `attune index` reads clinicians/*.json.
#include "clinician_loader.h"
#include "errors.h"
#include "fuzz_support.h"
#include "taxonomy/taxonomy_yaml.h"

using namespace attune;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::corpus_taxonomy();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);
    try {
        taxonomy::check_file_text(text, "fuzz.json");  // what read_text_file checks before parsing
        const indexer::LoadedClinician loaded = indexer::parse_clinician_file(text, "fuzz.json");
        fuzz::index_like_the_builder(loaded.clinician);
    } catch (const InputError&) {
    }
    return 0;
}
