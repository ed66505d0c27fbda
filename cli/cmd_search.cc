#include "commands.h"

#include "errors.h"
#include "terminal.h"

#include <fstream>
#include <iostream>

namespace attune::cli {
namespace {

service::SearchRequest make_request(const SearchOptions& o, std::string query) {
    service::SearchRequest r;
    r.query = std::move(query);
    r.type = o.type == "article" ? service::ResultType::Article
             : o.type == "clinician" ? service::ResultType::Clinician
                                     : service::ResultType::All;
    r.limit = o.limit;
    r.offset = o.offset;
    r.filters.concerns = o.concerns;
    r.filters.approaches = o.approaches;
    r.filters.languages = o.languages;
    r.filters.populations = o.populations;
    r.filters.formats = o.formats;
    r.filters.accepting_only = o.accepting;
    r.explain = o.explain;
    r.prefix = o.prefix;
    r.baseline = o.baseline;
    r.country = o.country;
    return r;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

void print_human(const results::SearchResponse& r, bool explain) {
    const bool tty = stdout_is_tty();
    std::ostream& out = std::cout;
    if (r.crisis) {
        out << bold("If you are in danger or thinking about ending your life:", tty) << "\n  " << r.crisis->message << "\n";
        for (const auto& res : r.crisis->resources)
            out << "  - " << res.name << ": " << res.contact << (res.url.empty() ? "" : " (" + res.url + ")") << "\n";
        out << "\n";
    }
    if (!r.detection.concepts.empty()) {
        std::vector<std::string> labels;
        for (const auto& c : r.detection.concepts) labels.push_back(c.label);
        out << "About: " << join(labels, ", ") << "\n";
    }
    if (r.suggestion) out << "Did you mean: " << *r.suggestion << "\n";
    out << "\n" << bold("Articles", tty) << " (" << r.articles.size() << " of " << r.total_articles << ")\n";
    int n = 0;
    for (const auto& a : r.articles) {
        out << "  " << ++n << ". " << bold(a.record.title, tty) << "  [" << a.record.kind << "]  " << a.record.url << "\n";
        out << "     " << render_snippet(a.snippet, tty) << "\n";
        if (explain) for (const auto& w : a.why) out << "     why: " << w << "\n";
    }
    out << "\n" << bold("Clinicians", tty) << " (" << r.clinicians.size() << " of " << r.total_clinicians << ")\n";
    n = 0;
    for (const auto& h : r.clinicians) {
        const auto& c = h.record;
        std::string place = c.location.city.empty() ? c.location.country : c.location.city + ", " + c.location.region;
        out << "  " << ++n << ". " << bold(c.name, tty) << (c.credentials.empty() ? "" : ", " + c.credentials) << "  "
            << place << " · " << join(c.formats, ", ") << " · "
            << (c.accepting_new_clients ? "accepting new clients" : "not accepting new clients")
            << (c.fictional ? " · fictional sample" : "") << "\n";
        out << "     " << render_snippet(h.snippet, tty) << "\n";
        if (explain) for (const auto& w : h.why) out << "     why: " << w << "\n";
    }
    if (explain && !r.explain.empty()) out << "\nquery: " << r.explain << "\n";
}

int run_batch(service::SearchService& service, const SearchOptions& o) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (o.batch != "-") {
        file.open(o.batch);
        if (!file) throw UsageError("--batch: cannot open " + o.batch);
        in = &file;
    }
    std::string line;
    while (std::getline(*in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        try {
            const auto response = service.search(make_request(o, line));
            if (o.json) std::cout << results::to_json(response).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            else print_human(response, o.explain);
        } catch (const UsageError& e) {
            nlohmann::json err = {{"query", line}, {"error", e.what()}};
            std::cout << err.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        }
    }
    std::cout.flush();
    return kExitOk;
}

}  // namespace

void setup_search(CLI::App& app, SearchOptions& o) {
    add_db_option(app, o.db);
    add_shard_option(app, o.db);
    app.add_option("--type", o.type, "What to return")->check(CLI::IsMember({"all", "article", "clinician"}));
    app.add_option("--limit", o.limit, "Results per list (1-100)")->check(CLI::Range(1, 100));
    app.add_option("--offset", o.offset, "Skip this many results per list");
    app.add_flag("--json", o.json, "One JSON object per query (docs/api.md)");
    app.add_option("--batch", o.batch, "Read one query per line from FILE or - (stdin)");
    app.add_flag("--explain", o.explain, "Show why each result matched and the query built");
    app.add_flag("--prefix", o.prefix, "As-you-type: the last word may be incomplete");
    app.add_flag("--baseline", o.baseline, "Plain BM25 over the text fields, without concepts or boosts");
    app.add_option("--concern", o.concerns, "Only results tagged with this concern id (repeatable)");
    app.add_option("--approach", o.approaches, "Only results tagged with this approach id (repeatable)");
    app.add_option("--language", o.languages, "Only clinicians who speak this language (repeatable)");
    app.add_option("--population", o.populations, "Only clinicians who work with this population (repeatable)")
        ->check(CLI::IsMember({"individuals", "couples", "families", "children", "teens", "older-adults"}));
    app.add_option("--format", o.formats, "Only clinicians offering this format (repeatable)")
        ->check(CLI::IsMember({"in-person", "telehealth"}));
    app.add_flag("--accepting", o.accepting, "Only clinicians accepting new clients");
    app.add_option("--country", o.country, "Country code for crisis resources (default: the corpus default)");
    app.add_option("query", o.words, "The search text");
}

int run_search(const SearchOptions& o) {
    if (!o.batch.empty() && !o.words.empty()) throw UsageError("give either --batch or a query, not both");
    service::SearchService service(o.db.resolved());
    if (!o.batch.empty()) return run_batch(service, o);
    const auto response = service.search(make_request(o, join(o.words, " ")));
    if (o.json) std::cout << results::to_json(response).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else print_human(response, o.explain);
    return kExitOk;
}

}  // namespace attune::cli
