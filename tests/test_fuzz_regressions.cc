// Regression tests for bugs found by the libFuzzer targets of fuzz/ (docs/reliability.md).
// Each input is the smallest form of what a fuzzer found; before the fix each one crashed the
// process with an exception other than the project's error types, or hung.
#include "article_loader.h"
#include "clinician_loader.h"
#include "corpus_reader.h"
#include "errors.h"
#include "params.h"
#include "taxonomy/crisis.h"
#include "taxonomy/taxonomy_yaml.h"

#include <catch2/catch.hpp>

#include <string>

using namespace attune;

namespace {

// The message of the InputError `fn` throws; fails the test for any other outcome.
template <typename Fn>
std::string input_error(Fn&& fn) {
    try {
        fn();
    } catch (const InputError& e) {
        return e.what();
    }
    FAIL("expected an InputError");
    return "";
}

std::string jsonl_error(const std::string& line) {
    return input_error([&] {
        indexer::Corpus corpus;
        indexer::read_jsonl_line(corpus, "import.jsonl", 3, line);
    });
}

std::string taxonomy_error(const std::string& text) {
    return input_error([&] { taxonomy::parse_taxonomy_yaml(text, "t.yaml"); });
}

std::string crisis_error(const std::string& text) {
    return input_error([&] { taxonomy::parse_crisis_yaml(text, "crisis.yaml"); });
}

std::string article_error(const std::string& text) {
    return input_error([&] { indexer::parse_article_markdown(text, "a.md"); });
}

const char* kCrisisHead = "message: Help is available.\ndefault_country: US\ncountries:\n  US:\n";

}  // namespace

TEST_CASE("fuzz regression: a JSONL line whose type is not a string is rejected, not thrown", "[unit][fuzz]") {
    // nlohmann's value("type", "") threw json::type_error, which stopped the whole import.
    CHECK(jsonl_error(R"({"type": ["article"], "id": "x"})") == "import.jsonl:3: type: must be \"article\" or \"clinician\"");
    CHECK(jsonl_error(R"({"type": 1})") == "import.jsonl:3: type: must be \"article\" or \"clinician\"");
}

TEST_CASE("fuzz regression: a number beyond the range of a double is bad input, not a crash", "[unit][fuzz]") {
    // json::parse throws out_of_range (not parse_error) for "1e999"; nothing caught it.
    const std::string clinician = "{\n  \"id\": \"x\",\n  \"location\": {\"country\": \"US\", \"lat\": 1e999}\n}";
    CHECK(input_error([&] { indexer::parse_clinician_file(clinician, "c.json"); }) ==
          "c.json:3: json: number out of range: 1e999");
    CHECK(jsonl_error(R"({"type": "clinician", "fee": {"min": -1e3080}})") ==
          "import.jsonl:3: json: number out of range: -1e3080");
    try {
        server::parse_match_body(R"({"text": "worry", "max_fee": 1e400})");
        FAIL("expected a ParamError");
    } catch (const server::ParamError& e) {
        CHECK(e.param() == "body");
        CHECK(std::string(e.what()) == "the body has a number out of range");
    }
}

TEST_CASE("fuzz regression: a taxonomy that is not a mapping is rejected with a message", "[unit][fuzz]") {
    // root["concepts"] on a scalar or a list threw YAML::BadSubscript.
    CHECK(taxonomy_error("just a sentence\n") == "t.yaml:1: concepts: expected a list of concepts");
    CHECK(taxonomy_error("- id: anxiety\n") == "t.yaml:1: concepts: expected a list of concepts");
}

TEST_CASE("fuzz regression: a stray comma in YAML is an error, not an endless loop", "[unit][fuzz]") {
    // yaml-cpp 0.7 reports the same empty document forever for a ',' where a value starts.
    CHECK(taxonomy_error(",\n") == "t.yaml:1: yaml: unexpected character (the parser cannot read on)");
    CHECK(taxonomy_error("concepts: []\n---\n,d: x\n") == "t.yaml:3: yaml: unexpected character (the parser cannot read on)");
    CHECK(article_error("---\n,d: low-mood\ntitle: Low Mood\n---\n# Low Mood\n") ==
          "a.md:2: yaml: unexpected character (the parser cannot read on)");
    CHECK(crisis_error(",\n") == "crisis.yaml:1: yaml: unexpected character (the parser cannot read on)");
}

TEST_CASE("fuzz regression: a front matter key that is a list or a mapping is rejected", "[unit][fuzz]") {
    // kv.first.as<std::string>() threw YAML::TypedBadConversion for a complex key.
    CHECK(article_error("---\nid: x\n? [a, b]\n: c\n---\nBody.\n") ==
          "a.md:1: front matter: keys must be plain words, not lists or mappings");
    CHECK(article_error("---\n? {a: b}\n: c\n---\nBody.\n") ==
          "a.md:1: front matter: keys must be plain words, not lists or mappings");
}

TEST_CASE("fuzz regression: crisis.yaml of the wrong shape is rejected with a message", "[unit][fuzz]") {
    // Each of these threw a YAML exception (BadSubscript or TypedBadConversion) instead of InputError.
    CHECK(crisis_error("just text\n") == "crisis.yaml:1: expected a mapping with message, default_country and countries");
    CHECK(crisis_error(std::string(kCrisisHead) + "    - just a name\n") ==
          "crisis.yaml:5: countries.US: each resource must be a mapping");
    CHECK(crisis_error(std::string(kCrisisHead) + "    - {name: A, contact: '988', url: [x]}\n") ==
          "crisis.yaml:5: url: expected text");
    CHECK(crisis_error(std::string(kCrisisHead) + "    - {name: A, contact: '988', kinds: self-harm}\n") ==
          "crisis.yaml:5: kinds: expected a list of concept ids");
    CHECK(crisis_error(std::string(kCrisisHead) + "    - {name: A, contact: '988', kinds: [[self-harm]]}\n") ==
          "crisis.yaml:5: kinds: expected a concept id");
    CHECK(crisis_error("message: m\ndefault_country: US\ncountries:\n  ? [US]\n  : []\n") ==
          "crisis.yaml:4: countries: expected a country code");
    // A well-formed file still loads, and an empty url is no url.
    const auto ok = taxonomy::parse_crisis_yaml(std::string(kCrisisHead) +
                                                    "    - {name: A, contact: '988', url: , kinds: [self-harm]}\n",
                                                "crisis.yaml");
    REQUIRE(ok.countries.at("US").size() == 1);
    CHECK(ok.countries.at("US")[0].url.empty());
    CHECK(ok.countries.at("US")[0].kinds == std::vector<std::string>{"self-harm"});
}

TEST_CASE("fuzz regression: YAML that yaml-cpp would turn into invalid UTF-8 is rejected", "[unit][fuzz]") {
    // A NUL byte in plain text made yaml-cpp read "\0N" as the \N escape, giving the lone byte 0x85;
    // storing the crisis resources as JSON then threw json::type_error.
    CHECK(crisis_error(std::string(kCrisisHead) + "    - name: n\n      contact: " + std::string("\0N", 2)) ==
          "crisis.yaml:6: yaml: control character 0x00 is not allowed");
    CHECK(taxonomy_error("concepts:\n  - id: a\x01\n") == "t.yaml:2: yaml: control character 0x01 is not allowed");
    CHECK(article_error("---\nid: x\ntitle: \x7f\n---\nBody.\n") == "a.md:3: yaml: control character 0x7F is not allowed");
    // yaml-cpp decodes the \N and \_ escapes to single bytes that are not UTF-8.
    CHECK(taxonomy_error("concepts:\n  - id: a\n    label: \"next\\Nline\"\n") ==
          "t.yaml:3: yaml: text that is not valid UTF-8 (from a \\N or \\_ escape? write the character itself)");
    CHECK(article_error("---\ntitle: \"no\\_break\"\n---\nBody.\n") ==
          "a.md:2: yaml: text that is not valid UTF-8 (from a \\N or \\_ escape? write the character itself)");
    // Tabs, line breaks and escapes that do give UTF-8 are fine.
    CHECK_NOTHROW(taxonomy::parse_taxonomy_yaml(
        "concepts:\r\n  - id: a\r\n    kind: concern\r\n    label: \"caf\\xe9\\tbar \\u00e9\"\r\n    description: d\t\r\n", "t.yaml"));
}
