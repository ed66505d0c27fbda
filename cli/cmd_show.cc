#include "commands.h"

#include "errors.h"
#include "terminal.h"

#include <iostream>

namespace attune::cli {

void setup_show(CLI::App& app, ShowOptions& o) {
    add_db_option(app, o.db);
    app.add_option("id", o.id, "Article or clinician id")->required();
    app.add_flag("--json", o.json, "Print the stored record as JSON");
}

int run_show(const ShowOptions& o) {
    service::SearchService service(o.db.resolved());
    const auto doc = service.find_document(o.id);
    if (!doc) throw UsageError("no article or clinician with id '" + o.id + "'");
    if (o.json) {
        std::cout << doc->dump(2) << "\n";
        return kExitOk;
    }
    const bool tty = stdout_is_tty();
    const auto& d = *doc;
    if (d.value("type", "") == "article") {
        std::cout << bold(d.value("title", ""), tty) << "  [" << d.value("kind", "") << "]\n"
                  << d.value("url", "") << "  updated " << d.value("updated", "") << "\n"
                  << (d.value("author", "").empty() ? "" : "by " + d.value("author", "") + "\n") << "\n"
                  << d.value("summary", "") << "\n\n"
                  << d.value("body", "") << "\n";
    } else {
        std::cout << bold(d.value("name", ""), tty) << ", " << d.value("credentials", "") << " ("
                  << d.value("pronouns", "") << ")" << (d.value("fictional", false) ? "  fictional sample profile" : "")
                  << "\n" << d["location"].value("city", "") << ", " << d["location"].value("region", "") << "  "
                  << (d.value("accepting_new_clients", false) ? "accepting new clients" : "not accepting new clients")
                  << "\n\n" << d.value("bio", "") << "\n";
    }
    return kExitOk;
}

void setup_taxonomy(CLI::App& app, ShowOptions& o) {
    add_db_option(app, o.db);
    app.add_flag("--json", o.json, "Print concepts with counts as JSON");
}

int run_taxonomy(const ShowOptions& o) {
    service::SearchService service(o.db.resolved());
    const auto counts = service.concept_counts();
    if (o.json) {
        std::cout << service::to_json(counts).dump(2) << "\n";
        return kExitOk;
    }
    std::printf("%-28s %-9s %8s %10s\n", "concept", "kind", "articles", "clinicians");
    for (const auto& c : counts)
        std::printf("%-28s %-9s %8u %10u\n", c.def->id.c_str(), std::string(taxonomy::kind_name(c.def->kind)).c_str(),
                    c.articles, c.clinicians);
    return kExitOk;
}

}  // namespace attune::cli

namespace attune::cli {

void setup_related(CLI::App& app, RelatedOptions& o) {
    add_db_option(app, o.db);
    app.add_option("id", o.id, "Article or clinician id")->required();
    app.add_option("--limit", o.limit, "Recommendations per list (1-100)")->check(CLI::Range(1, 100));
    app.add_flag("--json", o.json, "Print the recommendations as JSON");
}

int run_related(const RelatedOptions& o) {
    service::SearchService service(o.db.resolved());
    const service::Related r = service.related(o.id, o.limit);
    if (r.type.empty()) throw UsageError("no article or clinician with id '" + o.id + "'");
    if (o.json) {
        std::cout << service::to_json(r).dump(2) << "\n";
        return kExitOk;
    }
    const bool tty = stdout_is_tty();
    auto print = [&](const char* heading, const std::vector<service::Recommendation>& list) {
        std::cout << bold(heading, tty) << "\n";
        int n = 0;
        for (const auto& x : list) {
            std::string why;
            for (const auto& w : x.why) why += (why.empty() ? "" : "; ") + w;
            std::cout << "  " << ++n << ". " << x.label << "  (" << x.id << ")\n     " << why << "\n";
        }
        if (list.empty()) std::cout << "  none\n";
    };
    if (r.type == "article") {
        print("Clinicians who work with this", r.clinicians);
        print("Related articles", r.articles);
    } else {
        print("Articles by and for this clinician", r.articles);
    }
    return kExitOk;
}

}  // namespace attune::cli
