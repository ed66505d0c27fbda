#include "errors.h"
#include "index_builder.h"
#include "schema/document.h"
#include "schema/prefixes.h"
#include "service/search_service.h"
#include "test_support.h"
#include "text/analyzer.h"

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

// One JSONL line for a clinician or an article of the test taxonomy.
std::string clinician_line(const std::string& id) {
    return "{\"type\":\"clinician\",\"id\":\"" + id + "\",\"name\":\"N " + id + "\",\"bio\":\"I help with worry.\","
           "\"concerns\":[\"anxiety\"],\"populations\":[],\"languages\":[\"English\"],\"location\":{\"country\":\"US\"},"
           "\"formats\":[],\"accepting_new_clients\":true}\n";
}

std::string article_line(const std::string& id, const std::string& author) {
    return "{\"type\":\"article\",\"id\":\"" + id + "\",\"title\":\"On " + id + "\",\"kind\":\"guide\",\"summary\":\"S\","
           "\"url\":\"u\",\"updated\":\"2025-01-01\",\"concerns\":[\"anxiety\"]" +
           (author.empty() ? "" : ",\"author\":\"" + author + "\"") + ",\"body\":\"Worry and sleep.\"}\n";
}

// The id of each document in docid order.
std::vector<std::string> ids_in_docid_order(const std::string& db_dir) {
    Xapian::Database db(db_dir);
    std::vector<std::string> out;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
        out.push_back(db.get_document(*it).get_value(schema::slot::kId));
    return out;
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

TEST_CASE("a document whose text uses a concept's phrase carries its evidence term counted by field", "[unit]") {
    const auto tax = indexer::read_corpus([] {
        indexer::ReadOptions o;
        o.corpus_dir = test::test_corpus();
        return o;
    }()).taxonomy;
    text::Analyzer analyzer;
    schema::DocumentBuilder builder(tax, analyzer);
    schema::Article a;
    a.id = "night-fears";
    a.title = "Panic attacks at night";                 // the label, in the title: 5
    a.kind = "guide";
    a.summary = "Waking with your heart racing.";       // a phrase, in the summary: 3
    a.body = "I never had a panic attack before. Then a panic attack woke me.";  // one negated, one not: 1
    a.url = "https://attune.example/learn/night-fears";
    a.updated = "2026-01-01";
    const auto built = builder.build(a);
    const Xapian::Document& doc = built.document;
    auto wdf = [&](const std::string& term) -> Xapian::termcount {
        auto it = doc.termlist_begin();
        it.skip_to(term);
        return it != doc.termlist_end() && *it == term ? it.get_wdf() : 0;
    };
    CHECK(wdf("XEpanic") == 9);
    CHECK(wdf("XCpanic") == 0);  // evidence is not a tag
    CHECK(wdf("XEdepression") == 0);
    const std::string data = doc.get_data();
    const auto parts = schema::split_data(data);
    CHECK(parts.body == a.body);
    const auto phrases = schema::evidence_phrases(parts.evidence, "panic");
    // The label and "panic attack" have the same words, so they count as one phrase (the label).
    CHECK(phrases == std::vector<std::string>{"Panic attacks", "heart racing"});  // the most used first
    CHECK(schema::decode_record(data)["body"] == a.body);
}

TEST_CASE("a query finds an untagged document through the concept's phrases in its text and says so", "[integration]") {
    TempDir dir;
    const std::string corpus = dir.file("corpus");
    std::filesystem::copy(test::test_corpus(), corpus, std::filesystem::copy_options::recursive);
    dir.write("corpus/articles/commute.md",
              "---\nid: commute-guide\ntitle: The Morning Commute\nkind: guide\nsummary: Getting to work.\n"
              "concerns: [depression]\nurl: https://attune.example/learn/commute-guide\nupdated: 2026-11-01\n---\n"
              "# The Morning Commute\n\nOn a crowded platform my heart was racing and I had to step outside.\n");
    const std::string db = dir.file("db");
    REQUIRE(test::run_attune({"index", "--corpus", corpus, "--db", db}).status == 0);
    service::SearchService svc(db);
    // "scared I'm dying" is a phrase of Panic attacks; the article shares none of its words and is
    // not tagged with panic, so only the evidence of "heart racing" in its text can bring it.
    const auto r = svc.search(request("scared I'm dying"));
    REQUIRE_FALSE(r.detection.concepts.empty());
    CHECK(r.detection.concepts.front().id == "panic");
    const auto ids = article_ids(r);
    const auto hit = std::find(ids.begin(), ids.end(), "commute-guide");
    REQUIRE(hit != ids.end());
    const auto& why = r.articles[static_cast<std::size_t>(hit - ids.begin())].why;
    CHECK(std::find(why.begin(), why.end(), "discusses Panic attacks (uses \"heart racing\")") != why.end());
    CHECK(svc.search(request("scared I'm dying")).articles.front().record.id == "panic-guide");
}

TEST_CASE("a streamed build checks references across the whole input and records what it left out", "[integration]") {
    TempDir dir;
    std::filesystem::copy_file(test::test_corpus() + "/taxonomy.yaml", dir.file("taxonomy.yaml"));
    // The first author is defined after the article; "nobody" never is; "dup" is an article first,
    // then a clinician, which wins as clinicians are checked first.
    const std::string path = dir.write("import.jsonl",
        article_line("early", "later-author") + article_line("orphan", "nobody") + article_line("dup", "") +
        clinician_line("later-author") + clinician_line("dup"));
    const auto run = test::run_attune({"index", "--jsonl", path, "--taxonomy", dir.file("taxonomy.yaml"), "--db", dir.file("db")});
    INFO(run.err);
    CHECK(run.status == 1);
    const std::vector<std::string> expected = {
        path + ":2: author: unknown clinician id 'nobody'",
        path + ":3: id: duplicate id 'dup' (first defined at " + path + ":5)",
    };
    service::SearchService svc(dir.file("db"));
    CHECK(nlohmann::json::parse(svc.database().get_metadata(schema::meta::kBuildErrors)) == nlohmann::json(expected));
    CHECK(ids_in_docid_order(dir.file("db")) == std::vector<std::string>{"early", "later-author", "dup"});
    CHECK((*svc.find_document("dup"))["type"] == "clinician");
    for (const std::string& e : expected) CHECK(run.err.find(e) != std::string::npos);
}

TEST_CASE("a build split across workers gives the documents and profiles of a one-worker build", "[integration]") {
    TempDir dir;
    std::filesystem::copy_file(test::test_corpus() + "/taxonomy.yaml", dir.file("taxonomy.yaml"));
    std::string lines;
    for (int i = 0; i < 40; ++i) {
        lines += clinician_line("c" + std::to_string(i));
        lines += article_line("a" + std::to_string(i), "c" + std::to_string(i / 2));
    }
    indexer::ReadOptions opts;
    opts.jsonl_files = {dir.write("import.jsonl", lines)};
    opts.taxonomy_path = dir.file("taxonomy.yaml");
    const indexer::CorpusScan scan(opts);
    REQUIRE(scan.errors().empty());
    REQUIRE(scan.size() == 80);
    auto build = [&](const std::string& db, std::size_t workers) {
        indexer::IndexLock lock(db);
        indexer::BuildOptions options;
        options.workers = workers;
        const auto stats = indexer::build_index(scan, db, options);
        CHECK(stats.articles == 40);
        CHECK(stats.clinicians == 40);
        CHECK(generation_dirs(db) == 1);  // the parts were merged into the generation and removed
        return Xapian::Database(db);
    };
    const Xapian::Database one = build(dir.file("one"), 1);
    const Xapian::Database three = build(dir.file("three"), 3);
    CHECK(ids_in_docid_order(dir.file("three")) == ids_in_docid_order(dir.file("one")));
    CHECK(three.get_metadata(schema::meta::kProfiles) == one.get_metadata(schema::meta::kProfiles));
    CHECK(three.get_spelling_suggestion("worri") == one.get_spelling_suggestion("worri"));
    for (Xapian::docid d = 1; d <= one.get_doccount(); ++d) CHECK(three.get_document(d).get_data() == one.get_document(d).get_data());
}

TEST_CASE("index --update removes build directories abandoned by killed builds and keeps the live one and its predecessor", "[integration]") {
    TempDir dir;
    const std::string db = dir.file("db");
    REQUIRE(test::run_attune({"index", "--corpus", test::test_corpus(), "--db", db}).status == 0);
    REQUIRE(test::run_attune({"index", "--corpus", test::test_corpus(), "--db", db}).status == 0);
    const std::string live = indexer::live_generation(db);
    REQUIRE(live == "gen-000002");
    // Right after a switch readers may still hold the predecessor: an update keeps it.
    const auto first = test::run_attune({"index", "--update", "--corpus", test::test_corpus(), "--db", db});
    REQUIRE(first.status == 0);
    CHECK(first.err.find("abandoned") == std::string::npos);
    CHECK(std::filesystem::is_directory(db + "/gen-000001"));
    CHECK(generation_dirs(db) == 2);
    // A build killed half-way (an exception from the progress callback stops it as a kill would).
    {
        indexer::ReadOptions opts;
        opts.corpus_dir = test::test_corpus();
        CHECK_THROWS(indexer::build_index(indexer::read_corpus(opts), db, [](std::size_t, std::size_t) { throw std::runtime_error("killed"); }));
    }
    REQUIRE(std::filesystem::is_directory(db + "/gen-000003"));
    const auto up = test::run_attune({"index", "--update", "--corpus", test::test_corpus(), "--db", db});
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(up.err.find("removed 1 abandoned build directory") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db + "/gen-000003"));
    CHECK(indexer::live_generation(db) == live);
    CHECK(std::filesystem::is_directory(db + "/" + live));
    CHECK(service::SearchService(db).database().get_doccount() == 6);
}
