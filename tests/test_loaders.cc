#include "article_loader.h"
#include "clinician_loader.h"
#include "corpus_reader.h"
#include "errors.h"
#include "taxonomy/taxonomy_yaml.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace attune;
using attune::test::TempDir;

namespace {

const char* kArticle = R"(---
id: sample
title: A Sample
kind: guide
summary: Short.
concerns: [anxiety]
url: https://attune.example/learn/sample
updated: 2024-05-02
---
# A Sample

Intro paragraph.

## Section One

Body *text* here.
)";

const char* kClinician = R"({
  "id": "cl-one",
  "name": "One Person",
  "bio": "I help.",
  "concerns": ["anxiety"],
  "populations": ["individuals"],
  "languages": ["English"],
  "location": {"city": "Miami", "country": "US"},
  "formats": ["telehealth"],
  "accepting_new_clients": true
})";

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

std::string article_error(const std::string& text) {
    try {
        indexer::parse_article_markdown(text, "a.md");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

std::string clinician_error(const std::string& text) {
    try {
        indexer::parse_clinician_file(text, "c.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

// Writes a corpus with the test taxonomy and the given files, then reads it.
indexer::Corpus read_with(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files,
                          bool strict = false) {
    std::filesystem::copy_file(test::test_corpus() + "/taxonomy.yaml", dir.file("taxonomy.yaml"));
    for (const auto& [name, text] : files) dir.write(name, text);
    indexer::ReadOptions opts;
    opts.corpus_dir = dir.path();
    opts.strict = strict;
    return indexer::read_corpus(opts);
}

}  // namespace

TEST_CASE("a valid article loads with headings apart from the body", "[unit]") {
    const auto loaded = indexer::parse_article_markdown(kArticle, "a.md");
    const auto& a = loaded.article;
    CHECK(a.id == "sample");
    CHECK(a.updated == "2024-05-02");
    CHECK(a.concerns == std::vector<std::string>{"anxiety"});
    CHECK(a.headings == std::vector<std::string>{"Section One"});
    CHECK(a.body == "Intro paragraph.\n\nBody text here.");
}

TEST_CASE("each invalid article field gets a message with file, line and field", "[unit]") {
    CHECK(article_error(replace(kArticle, "title: A Sample\n", "")) == "a.md:1: title: required field is missing");
    CHECK(article_error(replace(kArticle, "2024-05-02", "2024-13-40")) == "a.md:8: updated: '2024-13-40' is not a date (YYYY-MM-DD)");
    CHECK(article_error(replace(kArticle, "kind: guide", "kind: blog")) ==
          "a.md:4: kind: must be one of approach, concern, guide, faq, not 'blog'");
    CHECK(article_error(replace(kArticle, "concerns: [anxiety]", "concerns: anxiety")) == "a.md:6: concerns: expected a list of ids");
    CHECK(article_error(replace(kArticle, "title: A Sample", "title: &t A Sample\nalias: *t")) ==
          "a.md:3: yaml: anchors (&name) are not allowed");
    CHECK(article_error("no front matter") == "a.md:1: front matter: the file must start with a '---' line");
    CHECK(article_error("---\nid: x\n") == "a.md:1: front matter: no closing '---' line");
}

TEST_CASE("each invalid clinician field gets a message with file, line and field", "[unit]") {
    CHECK(clinician_error(kClinician) == "no error");
    CHECK(clinician_error(replace(kClinician, "\"accepting_new_clients\": true", "\"accepting_new_clients\": \"yes\"")) ==
          "c.json:10: accepting_new_clients: expected true or false");
    CHECK(clinician_error(replace(kClinician, "  \"name\": \"One Person\",\n", "")) == "c.json:1: name: required field is missing");
    CHECK(clinician_error(replace(kClinician, "\"individuals\"", "\"pets\"")) ==
          "c.json:6: populations: unknown value 'pets' (allowed: individuals, couples, families, children, teens, older-adults)");
    CHECK(clinician_error(replace(kClinician, "\"telehealth\"", "\"video\"")) ==
          "c.json:9: formats: unknown value 'video' (allowed: in-person, telehealth)");
    CHECK(clinician_error(replace(kClinician, "\"accepting_new_clients\": true",
                                  "\"accepting_new_clients\": true, \"availability_confirmed\": \"2026-02-30\"")) ==
          "c.json:10: availability_confirmed: '2026-02-30' is not a date (YYYY-MM-DD)");
    CHECK(clinician_error("{\"id\": \"x\",\n\"name\": }") .rfind("c.json:2: json: ", 0) == 0);
}

TEST_CASE("corpus validation rejects duplicates, unknown concepts, bad UTF-8 and huge files, and keeps the rest", "[integration]") {
    TempDir dir;
    const auto corpus = read_with(dir, {
        {"clinicians/one.json", kClinician},
        {"clinicians/two.json", kClinician},
        {"articles/good.md", kArticle},
        {"articles/typo.md", replace(replace(kArticle, "id: sample", "id: typo"), "[anxiety]", "[anxeity]")},
        {"articles/utf8.md", replace(replace(kArticle, "id: sample", "id: utf"), "Intro", "In\xff")},
        {"articles/huge.md", std::string(kArticle) + std::string(1024 * 1024, 'x')},
    });
    REQUIRE(corpus.errors.size() == 4);
    CHECK(corpus.articles.size() == 1);
    CHECK(corpus.clinicians.size() == 1);
    const auto& e = corpus.errors;
    auto any = [&](const std::string& needle) {
        return std::any_of(e.begin(), e.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
    };
    CHECK(any("articles/huge.md: file is larger than 1 MiB"));
    CHECK(any("articles/utf8.md:12: invalid UTF-8 at byte"));
    CHECK(any("clinicians/two.json:2: id: duplicate id 'cl-one' (first defined at " + dir.file("clinicians/one.json") + ":2)"));
    CHECK(any("articles/typo.md:6: concerns: unknown concept id 'anxeity' (did you mean 'anxiety'?)"));
}

TEST_CASE("strict mode stops at the first bad document", "[integration]") {
    TempDir dir;
    CHECK_THROWS_AS(read_with(dir, {{"articles/bad.md", replace(kArticle, "guide", "blog")}}, true), InputError);
}

TEST_CASE("JSONL import names the line of each bad record", "[integration]") {
    TempDir dir;
    std::filesystem::copy_file(test::test_corpus() + "/taxonomy.yaml", dir.file("taxonomy.yaml"));
    const std::string path = dir.write("import.jsonl",
        "{\"type\":\"article\",\"id\":\"j1\",\"title\":\"T\",\"kind\":\"faq\",\"summary\":\"S\",\"url\":\"u\",\"updated\":\"2025-01-01\",\"body\":\"# T\\n\\nHello.\"}\n"
        "\n"
        "{\"type\":\"podcast\",\"id\":\"j2\"}\n"
        "not json\n"
        "{\"type\":\"clinician\",\"id\":\"c1\",\"name\":\"N\",\"bio\":\"B\",\"concerns\":[],\"populations\":[],\"languages\":[],\"location\":{\"country\":\"US\"},\"formats\":[],\"accepting_new_clients\":false}\n");
    indexer::ReadOptions opts;
    opts.jsonl_files = {path};
    opts.taxonomy_path = dir.file("taxonomy.yaml");
    const auto corpus = indexer::read_corpus(opts);
    CHECK(corpus.articles.size() == 1);
    CHECK(corpus.articles[0].article.body == "Hello.");
    CHECK(corpus.clinicians.size() == 1);
    REQUIRE(corpus.errors.size() == 2);
    CHECK(corpus.errors[0] == path + ":3: type: must be \"article\" or \"clinician\"");
    CHECK(corpus.errors[1].rfind(path + ":4: json: ", 0) == 0);
}

TEST_CASE("taxonomy links must name known concepts", "[unit]") {
    TempDir dir;
    const std::string path = dir.write("t.yaml",
        "concepts:\n  - id: a\n    kind: concern\n    label: A\n    description: d\n    broader: [anxeity]\n    phrases: [x]\n");
    try {
        taxonomy::load_taxonomy_yaml(path);
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == path + ":2: broader: unknown concept id 'anxeity' in 'a' (did you mean 'a'?)");
    }
}
