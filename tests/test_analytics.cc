#include "analytics/audit.h"
#include "analytics/audit_render.h"
#include "analytics/query_log.h"
#include "analytics/redact.h"
#include "errors.h"
#include "index_builder.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using namespace attune;
using attune::test::TempDir;
namespace fs = std::filesystem;

namespace {

analytics::QueryLogEntry entry(const std::string& hour, const std::string& query, std::vector<std::string> concepts = {},
                               std::size_t results = 3) {
    analytics::QueryLogEntry e;
    e.hour = hour;
    e.query = query;
    e.concepts = std::move(concepts);
    e.articles = results;
    return e;
}

std::string hour(int day, int h) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "2026-11-%02dT%02d", day, h);
    return buf;
}

/** Builds `corpus_dir` into `db`; returns the build's errors. */
std::vector<std::string> build(const std::string& corpus_dir, const std::string& db) {
    indexer::ReadOptions opts;
    opts.corpus_dir = corpus_dir;
    const indexer::Corpus corpus = indexer::read_corpus(opts);
    indexer::IndexLock lock(db);
    indexer::build_index(corpus, db, nullptr);
    return corpus.errors;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

TEST_CASE("redaction replaces personal data with placeholders and keeps the concern", "[unit]") {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"email me at jane.doe+x@mail.example.org please", "email me at [email] please"},
        {"Call 555-867-5309 anytime", "call [phone] anytime"},
        {"my number is (416) 555 0199.", "my number is [phone]."},
        {"+44 20 7946 0958 is my mobile", "[phone] is my mobile"},
        {"see https://example.com/my-story?id=7 for more", "see [url] for more"},
        {"my blog www.sadthoughts.net", "my blog [url]"},
        {"read myjournal.com/today", "read [url]"},
        {"my 15 year old has panic attacks", "my [number] year old has panic attacks"},
        {"2 kids, married 12 years", "[number] kids, married [number] years"},
        {"My name is Sarah and I can't sleep", "my name is [name] and i can't sleep"},
        {"my name is sarah i feel low", "my name is [name] i feel low"},
        {"Hi, my name's Tom Baker, I drink too much", "hi, my name's [name] [name], i drink too much"},
        {"call me Jo. I panic at work", "call me [name]. i panic at work"},
        {"my son named Leo won't talk to me", "my son named [name] won't talk to me"},
        {"I called the police", "i called the police"},
        {"I'm called Ana", "i'm called [name]"},
        {"Worried   about\tmy   marriage", "worried about my marriage"},
        {"ANXIÉTÉ et peur", "anxiété et peur"},
        {"", ""},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK(analytics::redact_query(c.in) == c.out);
    }
    // Hostile input never throws and never echoes the digits.
    const std::string hostile = std::string(5000, '9') + "@@" + std::string(300, '.') + "\xff\xfe" + "my name is";
    std::string redacted;
    REQUIRE_NOTHROW(redacted = analytics::redact_query(hostile));
    CHECK(redacted.find("99") == std::string::npos);
}

TEST_CASE("a log entry round-trips and a bad line names the field", "[unit]") {
    analytics::QueryLogEntry e = entry("2026-11-23T14", "worry at night", {"anxiety", "sleep"}, 4);
    e.unanswered = {"sleep"};
    const auto back = analytics::QueryLogEntry::from_line(e.to_line());
    CHECK(back.hour == e.hour);
    CHECK(back.query == e.query);
    CHECK(back.concepts == e.concepts);
    CHECK(back.unanswered == e.unanswered);
    CHECK(back.articles == 4);

    analytics::QueryLogEntry crisis = e;
    crisis.crisis = true;
    CHECK(crisis.to_line().find("worry") == std::string::npos);

    CHECK_THROWS_WITH(analytics::QueryLogEntry::from_line(R"({"hour":"2026-11-23 14:05"})"), Catch::Contains("hour"));
    CHECK_THROWS_WITH(analytics::QueryLogEntry::from_line(R"({"hour":"2026-11-23T14","articles":-1})"), Catch::Contains("articles"));
    CHECK_THROWS_WITH(analytics::QueryLogEntry::from_line("{not json"), Catch::Contains("JSON"));

    TempDir dir;
    const std::string log = dir.write("q.jsonl", e.to_line() + "\n{torn line\n" + e.to_line() + "\n");
    std::vector<std::string> skipped;
    CHECK(analytics::read_query_log(log, &skipped).size() == 2);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].find("q.jsonl:2:") != std::string::npos);
}

TEST_CASE("the query log keeps entries for the retention period and prunes at start and daily", "[unit]") {
    using namespace std::chrono;
    TempDir dir;
    const auto now = system_clock::now();
    const std::string path = dir.file("q.jsonl");
    {
        std::ofstream out(path);
        out << entry(analytics::hour_of(now - hours(24 * 40)), "old one").to_line() << "\n"
            << entry(analytics::hour_of(now - hours(24 * 29)), "recent one").to_line() << "\n"
            << "{torn\n";
    }
    analytics::QueryLog log(path, 30);
    auto kept = lines_of(path);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].find("recent one") != std::string::npos);
    CHECK((fs::status(path).permissions() & fs::perms::others_read) == fs::perms::none);

    // The first write of a later day prunes what has aged out since.
    log.record(entry(analytics::hour_of(now + hours(24 * 2)), "two days later"), now + hours(24 * 2));
    kept = lines_of(path);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].find("two days later") != std::string::npos);
    CHECK_THROWS_AS(analytics::QueryLog(path, 0), UsageError);
}

TEST_CASE("a query's text shows in the audit only when five distinct hours recorded it", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    std::vector<analytics::QueryLogEntry> log;
    for (int i = 0; i < 20; ++i) log.push_back(entry(hour(20, 9), "worry at night", {"anxiety"}));  // many searches, one hour
    for (int h = 0; h < 4; ++h) log.push_back(entry(hour(21, h), "panic on the bus", {"panic"}));
    for (int h = 0; h < 5; ++h) log.push_back(entry(hour(22, h), "low mood", {"depression"}));
    for (int h = 0; h < 6; ++h) log.push_back(entry(hour(23, h), "zorblax", {}, 0));
    const auto report = analytics::run_audit(svc, &log, {});
    std::vector<std::string> shown;
    for (const auto& t : report.queries.top) shown.push_back(t.query);
    CHECK(shown == std::vector<std::string>{"zorblax", "low mood"});
    CHECK(report.queries.hidden_queries == 2);
    CHECK(report.queries.searches == 35);
    const std::string json = analytics::to_json(report).dump();
    CHECK(json.find("worry at night") == std::string::npos);
    CHECK(json.find("panic on the bus") == std::string::npos);
    // Zero-result searches are grouped; the concept-less group shows the text that passed the rule.
    REQUIRE(!report.queries.zero_by_concept.empty());
    CHECK(report.queries.zero_by_concept[0].concept_id.empty());
    CHECK(report.queries.zero_by_concept[0].searches == 6);
    CHECK(report.queries.zero_by_concept[0].queries == std::vector<std::string>{"zorblax"});
    CHECK(report.queries.demand.at("2026-11-20").at("anxiety") == 20);
}

TEST_CASE("audit coverage counts agree with a naive count over the bundled corpus", "[integration]") {
    TempDir dir;
    const std::string corpus_dir = std::string(ATTUNE_SOURCE_DIR) + "/corpus";
    REQUIRE(build(corpus_dir, dir.path()).empty());
    service::SearchService svc(dir.path());
    const auto report = analytics::run_audit(svc, nullptr, {});

    indexer::ReadOptions opts;
    opts.corpus_dir = corpus_dir;
    const auto corpus = indexer::read_corpus(opts);
    std::map<std::string, std::size_t> articles, clinicians, accepting;
    std::size_t untagged = 0;
    for (const auto& a : corpus.articles) {
        for (const auto& c : a.article.concerns) ++articles[c];
        for (const auto& c : a.article.approaches) ++articles[c];
        if (a.article.concerns.empty() && a.article.approaches.empty()) ++untagged;
    }
    for (const auto& c : corpus.clinicians) {
        std::vector<std::string> tags = c.clinician.concerns;
        tags.insert(tags.end(), c.clinician.approaches.begin(), c.clinician.approaches.end());
        for (const auto& t : tags) {
            ++clinicians[t];
            if (c.clinician.accepting_new_clients) ++accepting[t];
        }
    }
    REQUIRE(report.concepts.size() == corpus.taxonomy.concepts().size());
    for (const auto& c : report.concepts) {
        INFO(c.def->id);
        CHECK(c.articles == articles[c.def->id]);
        CHECK(c.clinicians == clinicians[c.def->id]);
        CHECK(c.accepting == accepting[c.def->id]);
        CHECK(c.status == (c.articles == 0 ? "gap" : c.articles == 1 || c.accepting == 0 ? "thin" : "covered"));
    }
    CHECK(report.untagged_articles.size() == untagged);
    CHECK(report.articles == corpus.articles.size());
}

TEST_CASE("the audit finds untagged and stale and near-duplicate articles with broken references and suggested tags", "[integration]") {
    TempDir dir;
    const std::string corpus_dir = dir.file("corpus");
    fs::copy(test::test_corpus(), corpus_dir, fs::copy_options::recursive);
    const std::string body =
        "Worry can fill a whole evening. Anxiety shows up as a racing heart, as constant worry about the "
        "future, and as trouble sleeping. Many people with anxiety feel nervous before work and worried "
        "after it. Therapy with cognitive behavioral therapy helps you notice anxious thoughts.\n";
    auto article = [&](const std::string& id, const std::string& tags, const std::string& updated,
                       const std::string& author, const std::string& text) {
        dir.write("corpus/articles/" + id + ".md",
                  "---\nid: " + id + "\ntitle: Notes on " + id + "\nkind: guide\nsummary: A guide.\n" + tags +
                      "url: https://attune.example/learn/" + id + "\nupdated: " + updated + "\n" +
                      (author.empty() ? "" : "author: " + author + "\n") + "---\n# Notes\n\n" + text);
    };
    article("evening-worry", "concerns: [anxiety]\n", "2026-10-01", "", body + body);
    article("evening-worry-copy", "concerns: [anxiety]\n", "2026-10-02", "", body + body + "One more line.\n");
    article("untagged-note", "", "2026-10-01", "",
            "Before exams I can't stop worrying. The anxiety builds all week: I feel on edge in class, "
            "anxious at night, and I worry all the time until the results arrive.\n");
    article("old-note", "concerns: [depression]\n", "2023-01-01", "", "Low mood and sadness for weeks.\n");
    article("ghost-author", "concerns: [depression]\n", "2026-10-01", "nobody-here", "Low mood.\n");
    const auto errors = build(corpus_dir, dir.file("db"));
    REQUIRE(errors.size() == 1);

    service::SearchService svc(dir.file("db"));
    analytics::AuditOptions options;
    options.today = "2026-11-23";
    const auto r = analytics::run_audit(svc, nullptr, options);

    REQUIRE(r.untagged_articles.size() == 1);
    CHECK(r.untagged_articles[0].first == "untagged-note");
    std::vector<std::string> stale;
    for (const auto& s : r.stale) stale.push_back(s.id);
    CHECK(std::find(stale.begin(), stale.end(), "old-note") != stale.end());
    CHECK(std::find(stale.begin(), stale.end(), "evening-worry") == stale.end());
    for (const auto& d : r.near_duplicates) UNSCOPED_INFO(d.a << " ~ " << d.b << " " << d.similarity);
    REQUIRE(r.near_duplicates.size() == 1);
    CHECK(r.near_duplicates[0].a == "evening-worry");
    CHECK(r.near_duplicates[0].b == "evening-worry-copy");
    REQUIRE(r.broken_references.size() == 1);
    CHECK(r.broken_references[0].find("ghost-author") != std::string::npos);
    CHECK(r.broken_references[0].find("nobody-here") != std::string::npos);
    // The untagged note talks about anxiety in several phrases: suggested, with the evidence.
    const auto s = std::find_if(r.suggestions.begin(), r.suggestions.end(),
                                [](const auto& t) { return t.article == "untagged-note" && t.concept_id == "anxiety"; });
    REQUIRE(s != r.suggestions.end());
    CHECK(s->hits >= 3);
    CHECK(s->phrases.size() >= 2);
    // Nothing is suggested that the article already carries.
    for (const auto& t : r.suggestions) CHECK_FALSE((t.article == "evening-worry" && t.concept_id == "anxiety"));
    // fear-of-abandonment has no article in the test corpus: a gap.
    CHECK(std::find(r.no_article.begin(), r.no_article.end(), "fear-of-abandonment") != r.no_article.end());
}

TEST_CASE("the audit page is self-contained and the CSV has one row per concept", "[integration]") {
    TempDir dir;
    test::build_test_index(dir.file("db"));
    const auto html = test::run_attune({"audit", "--db", dir.file("db"), "--format", "html"});
    REQUIRE(html.status == 0);
    CHECK(html.out.find("<svg") != std::string::npos);
    CHECK(html.out.find("<script") == std::string::npos);
    CHECK(html.out.find("src=") == std::string::npos);
    CHECK(html.out.find("href=") == std::string::npos);
    const auto csv = test::run_attune({"audit", "--db", dir.file("db"), "--format", "csv"});
    REQUIRE(csv.status == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 7);  // header + 7 test concepts
    const auto bad = test::run_attune({"audit", "--db", dir.file("db"), "--queries", dir.file("missing.jsonl")});
    CHECK(bad.status == 1);
    CHECK(bad.err.find("missing.jsonl") != std::string::npos);
}
