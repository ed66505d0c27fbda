#include "test_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

using namespace attune;
using attune::test::run_attune;
using attune::test::TempDir;

namespace {

struct IndexedDir {
    TempDir dir;
    std::string db = dir.file("db");
    IndexedDir() {
        const auto r = run_attune({"index", "--corpus", test::test_corpus(), "--db", db});
        REQUIRE(r.status == 0);
    }
};

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

}  // namespace

TEST_CASE("attune index prints one summary line and exits 0", "[integration]") {
    TempDir dir;
    const auto r = run_attune({"index", "--corpus", test::test_corpus(), "--db", dir.file("db")});
    CHECK(r.status == 0);
    CHECK(r.err.find("indexed 3 articles, 3 clinicians, 0 rejected in ") == 0);
}

TEST_CASE("attune index exits 1 and names the bad file, but still builds the good ones", "[integration]") {
    TempDir dir;
    const std::string corpus = dir.file("corpus");
    std::filesystem::copy(test::test_corpus(), corpus, std::filesystem::copy_options::recursive);
    dir.write("corpus/clinicians/bad.json", "{\"id\": \"bad\"}");
    const auto r = run_attune({"index", "--corpus", corpus, "--db", dir.file("db")});
    CHECK(r.status == 1);
    CHECK(r.err.find(corpus + "/clinicians/bad.json:1: name: required field is missing") != std::string::npos);
    CHECK(r.err.find("1 rejected") != std::string::npos);
    CHECK(run_attune({"search", "--db", dir.file("db"), "worry"}).status == 0);
    // --strict stops before building: the index above stays as it was.
    const auto strict = run_attune({"index", "--strict", "--corpus", corpus, "--db", dir.file("db2")});
    CHECK(strict.status == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("db2/XAPIANDB")));
}

TEST_CASE("search --json prints the documented shape", "[integration]") {
    IndexedDir idx;
    const auto r = run_attune({"search", "--db", idx.db, "--json", "worry", "all", "the", "time"});
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* key : {"query", "concepts", "crisis", "suggestion", "articles", "clinicians", "total", "took_ms"})
        CHECK(j.contains(key));
    CHECK(j["query"] == "worry all the time");
    REQUIRE_FALSE(j["concepts"].empty());
    for (const char* key : {"id", "kind", "label", "score", "matched"}) CHECK(j["concepts"][0].contains(key));
    REQUIRE_FALSE(j["articles"].empty());
    for (const char* key : {"id", "title", "url", "kind", "score", "concerns", "approaches", "snippet", "why"})
        CHECK(j["articles"][0].contains(key));
    REQUIRE_FALSE(j["clinicians"].empty());
    for (const char* key : {"id", "name", "credentials", "url", "score", "concerns", "approaches", "populations",
                            "languages", "formats", "accepting_new_clients", "location", "snippet", "why"})
        CHECK(j["clinicians"][0].contains(key));
    CHECK(j["total"]["articles"].get<int>() >= 1);
}

TEST_CASE("batch mode answers exactly one JSON line per input line, errors included", "[integration]") {
    IndexedDir idx;
    const std::string input = "worry\n\nAND OR NOT\n((((\"\"\" \npanic attack\nabc" + std::string(1, '\0') + "def\n";
    const auto r = run_attune({"search", "--db", idx.db, "--json", "--batch", "-"}, input);
    REQUIRE(r.status == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0]["query"] == "worry");
    CHECK(lines[1].contains("error"));
    CHECK(lines[2].contains("articles"));
    CHECK(lines[3].contains("error"));
    CHECK(lines[4]["concepts"][0]["id"] == "panic");
}

TEST_CASE("exit codes: 1 for usage and bad input, 2 for a missing index", "[integration]") {
    IndexedDir idx;
    CHECK(run_attune({"search", "--db", idx.db}).status == 1);
    CHECK(run_attune({"search", "--db", idx.db, "--limit", "0", "worry"}).status == 1);
    CHECK(run_attune({"search", "--db", idx.db, "--type", "podcast", "worry"}).status == 1);
    CHECK(run_attune({"show", "--db", idx.db, "nobody"}).status == 1);
    CHECK(run_attune({"show", "--db", idx.db, "ana-test"}).status == 0);
    const auto missing = run_attune({"search", "--db", idx.dir.file("none"), "worry"});
    CHECK(missing.status == 2);
    CHECK(missing.err.find("attune index --corpus") != std::string::npos);
}

TEST_CASE("hostile queries never crash the CLI", "[integration]") {
    IndexedDir idx;
    const std::vector<std::string> queries = {
        "((((\"\"\" ", "AND OR NOT", "title:", "anxi*", "*", "\"unclosed", "-", "NEAR/3", "\xff\xfe",
        std::string(10 * 1024, 'a'), std::string(5000, '('), "worry \xe2\x80\x99 ' ` ~ ^ $"};
    for (const auto& q : queries) {
        INFO(q.substr(0, 40));
        const auto r = run_attune({"search", "--db", idx.db, "--json", q});
        CHECK((r.status == 0 || r.status == 1));
        if (r.status == 1) CHECK(r.err.find("query: empty") != std::string::npos);
    }
    const auto star = run_attune({"search", "--db", idx.db, "--json", "wor*"});
    REQUIRE(star.status == 0);
    CHECK_FALSE(nlohmann::json::parse(star.out)["articles"].empty());
}

TEST_CASE("taxonomy lists concepts with document counts", "[integration]") {
    IndexedDir idx;
    const auto r = run_attune({"taxonomy", "--db", idx.db, "--json"});
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    bool found = false;
    for (const auto& c : j["concepts"])
        if (c["id"] == "anxiety") {
            found = true;
            CHECK(c["articles"] == 2);    // worry-guide, and panic-guide through panic's broader link
            CHECK(c["clinicians"] == 1);
        }
    CHECK(found);
}

TEST_CASE("as-you-type: the prefix flag lets the last word be incomplete", "[integration]") {
    IndexedDir idx;
    const auto without = run_attune({"search", "--db", idx.db, "--json", "--type", "article", "wor"});
    REQUIRE(without.status == 0);
    CHECK(nlohmann::json::parse(without.out)["articles"].empty());
    const auto with = run_attune({"search", "--db", idx.db, "--json", "--prefix", "--type", "article", "wor"});
    REQUIRE(with.status == 0);
    const auto j = nlohmann::json::parse(with.out);
    REQUIRE_FALSE(j["articles"].empty());
    CHECK(j["articles"][0]["id"] == "worry-guide");
}

TEST_CASE("explaining a search says which concept, words and fields made each result match", "[integration]") {
    IndexedDir idx;
    const auto r = run_attune({"search", "--db", idx.db, "--explain", "--type", "article", "heart racing on the train"});
    REQUIRE(r.status == 0);
    CHECK(r.out.find("why: about Panic attacks (you wrote \"heart racing\")") != std::string::npos);
    CHECK(r.out.find("why: matches your words: heart (text), racing (text), train (text)") != std::string::npos);
    CHECK(r.out.find("query: Query(") != std::string::npos);
}
