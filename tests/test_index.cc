#include "errors.h"
#include "index_builder.h"
#include "service/search_service.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace attune;
using attune::test::TempDir;

namespace {

std::vector<std::string> article_ids(const results::SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& a : r.articles) out.push_back(a.record.id);
    return out;
}

std::vector<std::string> clinician_ids(const results::SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& c : r.clinicians) out.push_back(c.record.id);
    std::sort(out.begin(), out.end());
    return out;
}

service::SearchRequest request(const std::string& q) {
    service::SearchRequest r;
    r.query = q;
    return r;
}

std::size_t generation_dirs(const std::string& db) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(db))
        if (e.is_directory() && e.path().filename().string().rfind("gen-", 0) == 0) ++n;
    return n;
}

}  // namespace

TEST_CASE("an indexed corpus round-trips: records, types and counts", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    CHECK(svc.database().get_doccount() == 6);
    const auto doc = svc.find_document("ana-test");
    REQUIRE(doc);
    CHECK((*doc)["languages"] == nlohmann::json({"English", "Spanish"}));
    CHECK_FALSE(svc.find_document("nobody"));

    auto r = svc.search(request("worry"));
    CHECK_FALSE(r.articles.empty());
    CHECK_FALSE(r.clinicians.empty());
    auto only_articles = request("worry");
    only_articles.type = service::ResultType::Article;
    CHECK(svc.search(only_articles).clinicians.empty());
}

TEST_CASE("a word in the title outranks the same word in the body", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto req = request("worry");
    req.baseline = true;  // words only, so the field weights alone decide
    const auto ids = article_ids(svc.search(req));
    REQUIRE(ids.size() >= 2);
    CHECK(ids.front() == "worry-guide");
    CHECK(std::find(ids.begin(), ids.end(), "low-mood") != ids.end());
}

TEST_CASE("filters restrict clinicians and combine with AND across fields", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto with = [&](auto set) {
        service::SearchRequest r;
        r.type = service::ResultType::Clinician;
        set(r.filters);
        return clinician_ids(svc.search(r));
    };
    using V = std::vector<std::string>;
    CHECK(with([](auto& f) { f.languages = {"Spanish"}; }) == V{"ana-test"});
    CHECK(with([](auto& f) { f.languages = {"FRENCH"}; }) == V{"ben-test"});
    CHECK(with([](auto& f) { f.accepting_only = true; }) == V{"ana-test", "cara-test"});
    CHECK(with([](auto& f) { f.populations = {"couples"}; }) == V{"ben-test"});
    CHECK(with([](auto& f) { f.formats = {"telehealth"}; }) == V{"ana-test", "cara-test"});
    CHECK(with([](auto& f) { f.formats = {"telehealth"}; f.populations = {"older-adults"}; }) == V{"cara-test"});
    // A broader concept includes documents tagged with its narrower ones (panic is under anxiety).
    service::SearchRequest r;
    r.type = service::ResultType::Article;
    r.filters.concerns = {"anxiety"};
    auto ids = article_ids(svc.search(r));
    std::sort(ids.begin(), ids.end());
    CHECK(ids == V{"panic-guide", "worry-guide"});
}

TEST_CASE("a concept found in the query lifts documents tagged with it", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    const auto r = svc.search(request("my heart racing"));
    REQUIRE_FALSE(r.detection.concepts.empty());
    CHECK(r.detection.concepts.front().id == "panic");
    REQUIRE_FALSE(r.articles.empty());
    CHECK(r.articles.front().record.id == "panic-guide");
    CHECK_FALSE(r.articles.front().why.empty());
    CHECK(r.articles.front().why.front().rfind("about Panic attacks", 0) == 0);
}

TEST_CASE("crisis queries carry the corpus crisis resources", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    const auto r = svc.search(request("some days I want to die"));
    REQUIRE(r.crisis);
    CHECK(r.crisis->message == "Test crisis message.");
    REQUIRE(r.crisis->resources.size() == 1);
    CHECK(r.crisis->resources[0].name == "Test Lifeline");
    CHECK_FALSE(svc.search(request("worry")).crisis);
}

TEST_CASE("a failed build leaves the previous index serving, and the next build cleans up", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    const std::string live = indexer::live_generation(dir.path());
    indexer::ReadOptions opts;
    opts.corpus_dir = test::test_corpus();
    const auto corpus = indexer::read_corpus(opts);
    // A build that dies half-way (here: an exception from the progress callback).
    CHECK_THROWS(indexer::build_index(corpus, dir.path(), [](std::size_t, std::size_t) { throw std::runtime_error("killed"); }));
    CHECK(indexer::live_generation(dir.path()) == live);
    {
        service::SearchService svc(dir.path());
        CHECK(svc.database().get_doccount() == 6);
        CHECK(svc.generation() == live);
    }
    CHECK(generation_dirs(dir.path()) == 2);  // the live one and the abandoned one
    test::build_test_index(dir.path());
    test::build_test_index(dir.path());
    CHECK(generation_dirs(dir.path()) == 2);  // the live one and its predecessor
    CHECK(indexer::live_generation(dir.path()) != live);
}

TEST_CASE("a second build while one holds the lock fails with IndexLockedError", "[integration]") {
    TempDir dir;
    indexer::IndexLock first(dir.path());
    CHECK_THROWS_AS(indexer::IndexLock(dir.path()), IndexLockedError);
}

TEST_CASE("opening a missing index says how to build one", "[integration]") {
    TempDir dir;
    try {
        service::SearchService svc(dir.file("nothing"));
        FAIL("expected IndexError");
    } catch (const IndexError& e) {
        CHECK(std::string(e.what()).find("attune index --corpus") != std::string::npos);
    }
}

TEST_CASE("an article recommends its author first, then accepting clinicians who share its concepts", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto ids = [](const std::vector<service::Recommendation>& list) {
        std::vector<std::string> out;
        for (const auto& r : list) out.push_back(r.id);
        return out;
    };
    using V = std::vector<std::string>;
    const auto worry = svc.related("worry-guide", 5);
    CHECK(worry.type == "article");
    CHECK(ids(worry.clinicians) == V{"ana-test"});
    REQUIRE_FALSE(worry.clinicians.empty());
    CHECK(worry.clinicians[0].why.front() == "wrote this article");
    // Both list depression; the one accepting new clients comes first.
    CHECK(ids(svc.related("low-mood", 5).clinicians) == V{"cara-test", "ben-test"});
    // Related articles share a concept (CBT) or wording, never the article itself.
    const auto panic = svc.related("panic-guide", 5);
    REQUIRE_FALSE(panic.articles.empty());
    CHECK(panic.articles.front().id == "worry-guide");
    const auto related_ids = ids(panic.articles);
    CHECK(std::find(related_ids.begin(), related_ids.end(), "panic-guide") == related_ids.end());
    // A clinician: the articles they wrote, then articles on what they treat.
    const auto ana = svc.related("ana-test", 5);
    CHECK(ana.type == "clinician");
    CHECK(ids(ana.articles) == V{"worry-guide", "panic-guide"});
    CHECK(svc.related("nobody", 5).type.empty());
}
