#include "errors.h"
#include "index_builder.h"
#include "service/search_service.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

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

TEST_CASE("index --update applies only changed and new and deleted documents to the live generation", "[integration]") {
    TempDir dir;
    const std::string corpus = dir.file("corpus");
    std::filesystem::copy(test::test_corpus(), corpus, std::filesystem::copy_options::recursive);
    const std::string db = dir.file("db");
    REQUIRE(test::run_attune({"index", "--corpus", corpus, "--db", db}).status == 0);
    const std::string generation = indexer::live_generation(db);

    // Nothing changed: nothing applied.
    auto same = test::run_attune({"index", "--update", "--corpus", corpus, "--db", db});
    REQUIRE(same.status == 0);
    CHECK(same.err.find("0 added, 0 changed, 0 removed, 6 unchanged") != std::string::npos);

    // One clinician edited, one article deleted, one article added.
    std::string ana;
    {
        std::ifstream in(corpus + "/clinicians/ana-test.json");
        ana.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string old_bio = "Sessions are practical and warm.";
    ana.replace(ana.find(old_bio), old_bio.size(), "Sessions now include weekend hours.");
    dir.write("corpus/clinicians/ana-test.json", ana);
    std::filesystem::remove(corpus + "/articles/mood.md");
    dir.write("corpus/articles/sleep.md",
              "---\nid: sleep-guide\ntitle: Sleeping Again\nkind: guide\nsummary: Nights without rest.\n"
              "concerns: [anxiety]\nurl: https://attune.example/learn/sleep-guide\nupdated: 2026-11-01\n---\n"
              "# Sleeping Again\n\nLying awake with worry is common.\n");
    auto up = test::run_attune({"index", "--update", "--corpus", corpus, "--db", db});
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(up.err.find("1 added, 1 changed, 1 removed, 4 unchanged") != std::string::npos);
    CHECK(indexer::live_generation(db) == generation);  // updated in place, no new generation

    service::SearchService svc(db);
    CHECK(svc.find_document("sleep-guide"));
    CHECK_FALSE(svc.find_document("low-mood"));
    CHECK((*svc.find_document("ana-test"))["bio"].get<std::string>().find("weekend hours") != std::string::npos);
    CHECK(svc.database().get_doccount() == 6);
    CHECK(svc.search(request("weekend hours")).clinicians.size() == 1);

    // A taxonomy change cannot be applied in place: a new generation is built instead.
    std::string tax;
    {
        std::ifstream in(corpus + "/taxonomy.yaml");
        tax.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string old_text = "Worry that is hard to switch off.";
    tax.replace(tax.find(old_text), old_text.size(), "Worry that will not switch off.");
    dir.write("corpus/taxonomy.yaml", tax);
    auto rebuilt = test::run_attune({"index", "--update", "--corpus", corpus, "--db", db});
    INFO(rebuilt.err);
    REQUIRE(rebuilt.status == 0);
    CHECK(rebuilt.err.find("the taxonomy changed") != std::string::npos);
    CHECK(indexer::live_generation(db) != generation);
}
