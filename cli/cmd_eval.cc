// attune eval: relevance of attune and of a plain-BM25 baseline on the judged queries in queries/.
#include "commands.h"

#include "errors.h"
#include "results/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace attune::cli {
namespace {

struct Topic {
    std::string qid, cls, text;
};

std::vector<Topic> read_topics(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open file");
    std::vector<Topic> topics;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (number == 1 && line.rfind("qid\t", 0) == 0) continue;
        if (line.empty()) continue;
        std::istringstream fields(line);
        Topic t;
        if (!std::getline(fields, t.qid, '\t') || !std::getline(fields, t.cls, '\t') || !std::getline(fields, t.text))
            throw InputError(path + ":" + std::to_string(number) + ": expected qid<TAB>class<TAB>text");
        topics.push_back(std::move(t));
    }
    return topics;
}

results::Qrels read_qrels(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open file");
    results::Qrels qrels;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        std::string qid, iter, doc;
        int grade = 0;
        if (!(fields >> qid >> iter >> doc >> grade)) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            throw InputError(path + ":" + std::to_string(number) + ": expected 'qid 0 docid grade'");
        }
        qrels[qid][doc] = grade;
    }
    return qrels;
}

struct SystemRun {
    std::map<std::string, std::vector<std::pair<std::string, double>>> ranked;  ///< unit -> (doc, score)
};

SystemRun run_system(service::SearchService& svc, const std::vector<Topic>& topics, bool baseline) {
    SystemRun run;
    for (const Topic& t : topics) {
        service::SearchRequest req;
        req.query = t.text;
        req.limit = 20;
        req.baseline = baseline;
        const auto r = svc.search(req);
        for (const auto& a : r.articles) run.ranked[t.qid + ".a"].emplace_back(a.record.id, a.score);
        for (const auto& c : r.clinicians) run.ranked[t.qid + ".c"].emplace_back(c.record.id, c.score);
    }
    return run;
}

/** Hard constraints per topic as `field=value` ("a|b" for alternatives): found in the text, or gold. */
using ConstraintSets = std::map<std::string, std::set<std::string>>;

// queries/constraints.tsv: qid<TAB>field=value;field=value (the requirements each intake states).
ConstraintSets read_gold_constraints(const std::string& path) {
    ConstraintSets gold;
    std::ifstream in(path);
    if (!in) return gold;  // optional
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if ((number == 1 && line.rfind("qid\t", 0) == 0) || line.empty()) continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos) throw InputError(path + ":" + std::to_string(number) + ": expected qid<TAB>constraints");
        auto& set = gold[line.substr(0, tab)];
        std::istringstream items(line.substr(tab + 1));
        std::string item;
        while (std::getline(items, item, ';')) {
            if (item.empty()) continue;
            if (item.find('=') == std::string::npos)
                throw InputError(path + ":" + std::to_string(number) + ": expected field=value, not '" + item + "'");
            set.insert(item);
        }
    }
    return gold;
}

struct ConstraintScore {
    std::size_t found = 0, gold = 0, right = 0, topics = 0, exact = 0;
};

ConstraintScore score_constraints(const ConstraintSets& found, const ConstraintSets& gold) {
    ConstraintScore s;
    for (const auto& [qid, want] : gold) {
        const auto it = found.find(qid);
        const std::set<std::string> got = it == found.end() ? std::set<std::string>{} : it->second;
        ++s.topics;
        s.gold += want.size();
        s.found += got.size();
        for (const auto& c : got) s.right += want.count(c);
        if (got == want) ++s.exact;
    }
    return s;
}

// Intake and constraint topics through `match` (clinicians only), to compare with plain search.
SystemRun run_match(service::SearchService& svc, const std::vector<Topic>& topics, ConstraintSets& parsed) {
    SystemRun run;
    for (const Topic& t : topics) {
        if (t.cls != "intake" && t.cls != "constraint") continue;
        service::MatchRequest req;
        req.text = t.text;
        req.limit = 20;
        req.today = "2026-11-23";  // fixed, so the daily rotation of ties does not move the figures
        const auto r = svc.match(req);
        auto& found = parsed[t.qid];
        for (const auto& h : r.constraints)
            if (h.hard && h.source == "text") found.insert(h.field + "=" + h.value);
        for (const auto* list : {&r.clinicians, &r.near_matches})
            for (const auto& m : *list) run.ranked[t.qid + ".c"].emplace_back(m.record.id, m.score);
    }
    return run;
}

using ClassMetrics = std::map<std::string, std::vector<results::Metrics>>;

ClassMetrics score(const SystemRun& run, const results::Qrels& units, const std::map<std::string, std::string>& unit_class) {
    ClassMetrics out;
    for (const auto& [unit, judged] : units) {
        std::vector<std::string> ids;
        auto it = run.ranked.find(unit);
        if (it != run.ranked.end())
            for (const auto& [id, s] : it->second) ids.push_back(id);
        const auto m = results::evaluate(ids, judged);
        out[unit_class.at(unit)].push_back(m);
        out["all"].push_back(m);
    }
    return out;
}

nlohmann::json metrics_json(const results::Metrics& m, std::size_t units) {
    auto r = [](double v) { return std::round(v * 10000.0) / 10000.0; };
    return {{"ndcg@10", r(m.ndcg10)}, {"mrr@10", r(m.mrr10)}, {"p@5", r(m.p5)}, {"recall@20", r(m.recall20)}, {"units", units}};
}

void write_run(const std::string& path, const SystemRun& run, const results::Qrels& units, const char* tag) {
    std::ofstream out(path);
    if (!out) throw UsageError("--run: cannot write " + path);
    for (const auto& [unit, judged] : units) {
        auto it = run.ranked.find(unit);
        if (it == run.ranked.end()) continue;
        int rank = 0;
        for (const auto& [id, s] : it->second) out << unit << " Q0 " << id << " " << ++rank << " " << s << " " << tag << "\n";
    }
    std::ofstream q(path + ".qrels");
    for (const auto& [unit, judged] : units)
        for (const auto& [id, g] : judged) q << unit << " 0 " << id << " " << g << "\n";
}

}  // namespace

void setup_eval(CLI::App& app, EvalOptions& o) {
    add_db_option(app, o.db);
    app.add_option("--queries", o.queries, "Folder with topics.tsv and qrels.txt")->capture_default_str();
    app.add_option("--run", o.run, "Write the TREC run of attune (or of the baseline with --baseline) to FILE, and FILE.qrels");
    app.add_flag("--baseline", o.baseline, "With --run: write the baseline's run instead of attune's");
    app.add_flag("--json", o.json, "Print the figures as JSON");
}

int run_eval(const EvalOptions& o) {
    const auto topics = read_topics(o.queries + "/topics.tsv");
    const auto qrels = read_qrels(o.queries + "/qrels.txt");
    service::SearchService svc(o.db.resolved());
    // Articles and clinicians are separate result lists, so each topic is judged as two units.
    results::Qrels units;
    std::map<std::string, std::string> unit_class;
    for (const Topic& t : topics) {
        auto it = qrels.find(t.qid);
        if (it == qrels.end()) continue;
        for (const auto& [doc, grade] : it->second) {
            const auto record = svc.find_document(doc);
            if (!record) continue;
            const std::string unit = t.qid + ((*record)["type"] == "article" ? ".a" : ".c");
            units[unit][doc] = grade;
            unit_class[unit] = t.cls;
        }
    }
    std::erase_if(units, [](const auto& u) {
        return std::none_of(u.second.begin(), u.second.end(), [](const auto& d) { return d.second >= results::kRelevantGrade; });
    });
    const SystemRun attune_run = run_system(svc, topics, false);
    ConstraintSets parsed;
    const SystemRun match_run = run_match(svc, topics, parsed);
    const ConstraintScore cs = score_constraints(parsed, read_gold_constraints(o.queries + "/constraints.tsv"));
    auto ratio = [](std::size_t a, std::size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
    results::Qrels match_units;
    for (const auto& [unit, judged] : units)
        if (unit.back() == 'c' && (unit_class[unit] == "intake" || unit_class[unit] == "constraint")) match_units[unit] = judged;
    const ClassMetrics m = score(match_run, match_units, unit_class);
    const ClassMetrics s = score(attune_run, match_units, unit_class);
    const SystemRun baseline_run = run_system(svc, topics, true);
    const ClassMetrics a = score(attune_run, units, unit_class);
    const ClassMetrics b = score(baseline_run, units, unit_class);
    if (!o.run.empty()) write_run(o.run, o.baseline ? baseline_run : attune_run, units, o.baseline ? "baseline" : "attune");

    if (o.json) {
        nlohmann::json out = {{"topics", topics.size()}, {"units", units.size()}};
        for (const auto& [cls, list] : a) {
            out["attune"][cls] = metrics_json(results::mean(list), list.size());
            out["baseline"][cls] = metrics_json(results::mean(b.at(cls)), list.size());
        }
        for (const auto& [cls, list] : m) {
            out["match_clinicians"][cls] = metrics_json(results::mean(list), list.size());
            out["search_clinicians"][cls] = metrics_json(results::mean(s.at(cls)), list.size());
        }
        if (cs.topics)
            out["constraints_found"] = {{"topics", cs.topics}, {"precision", ratio(cs.right, cs.found)},
                                        {"recall", ratio(cs.right, cs.gold)}, {"exact_topics", cs.exact}};
        std::cout << out.dump() << "\n";
        return kExitOk;
    }
    std::printf("%zu topics, %zu judged units (topic x {articles, clinicians}); relevant = grade >= %d\n\n",
                topics.size(), units.size(), results::kRelevantGrade);
    std::printf("%-13s %5s | %-29s | %-29s | %7s\n", "class", "units", "attune  nDCG@10 MRR@10 P@5 R@20",
                "baseline nDCG@10 MRR@10 P@5 R@20", "d nDCG");
    auto row = [&](const std::string& cls) {
        const auto ma = results::mean(a.at(cls));
        const auto mb = results::mean(b.at(cls));
        std::printf("%-13s %5zu | %7.3f %6.3f %5.3f %5.3f    | %7.3f %6.3f %5.3f %5.3f    | %+7.3f\n", cls.c_str(),
                    a.at(cls).size(), ma.ndcg10, ma.mrr10, ma.p5, ma.recall20, mb.ndcg10, mb.mrr10, mb.p5, mb.recall20,
                    ma.ndcg10 - mb.ndcg10);
    };
    for (const auto& [cls, list] : a)
        if (cls != "all") row(cls);
    if (a.count("all")) row("all");
    std::printf("\nclinicians for intake and constraint topics: match vs plain search\n");
    for (const auto& [cls, list] : m) {
        const auto mm = results::mean(list);
        const auto ms = results::mean(s.at(cls));
        std::printf("%-13s %5zu | match nDCG@10 %.3f P@5 %.3f | search nDCG@10 %.3f P@5 %.3f | %+7.3f\n", cls.c_str(),
                    list.size(), mm.ndcg10, mm.p5, ms.ndcg10, ms.p5, mm.ndcg10 - ms.ndcg10);
    }
    if (cs.topics)
        std::printf("\nhard constraints found in the text vs %s/constraints.tsv: precision %.3f (%zu of %zu), "
                    "recall %.3f (%zu of %zu), all right on %zu of %zu topics\n",
                    o.queries.c_str(), ratio(cs.right, cs.found), cs.right, cs.found, ratio(cs.right, cs.gold), cs.right,
                    cs.gold, cs.exact, cs.topics);
    return kExitOk;
}

}  // namespace attune::cli
