#include "commands.h"

#include "analytics/audit_render.h"
#include "errors.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace attune::cli {

void setup_audit(CLI::App& app, AuditCliOptions& o) {
    add_db_option(app, o.db);
    app.add_option("--queries", o.queries, "Search log written by attune serve --query-log, for demand figures");
    app.add_option("--format", o.format, "Output format")->check(CLI::IsMember({"table", "json", "csv", "html"}))->capture_default_str();
    app.add_option("--out", o.out, "Write to FILE instead of standard output");
    app.add_option("--stale-months", o.audit.stale_months, "Articles not updated for this many months are stale")
        ->check(CLI::Range(1, 600))->capture_default_str();
    app.add_option("--min-query-hours", o.audit.min_query_hours,
                   "Show a query's text only when this many distinct hours recorded it")
        ->check(CLI::Range(1, 10000))->capture_default_str();
    app.add_option("--duplicate-threshold", o.audit.duplicate_threshold, "Similarity (0-1) for near-duplicate articles")
        ->check(CLI::Range(0.1, 1.0))->capture_default_str();
    app.add_option("--today", o.audit.today, "Date to age articles against, YYYY-MM-DD (default: today, UTC)");
}

int run_audit(const AuditCliOptions& o) {
    service::SearchService service(o.db.resolved());
    std::vector<analytics::QueryLogEntry> log;
    std::vector<std::string> skipped;
    if (!o.queries.empty()) log = analytics::read_query_log(o.queries, &skipped);
    analytics::AuditReport report = analytics::run_audit(service, o.queries.empty() ? nullptr : &log, o.audit);
    report.queries.skipped_lines = skipped;
    std::string text;
    if (o.format == "json") text = analytics::to_json(report).dump(2) + "\n";
    else if (o.format == "csv") text = analytics::render_csv(report);
    else if (o.format == "html") text = analytics::render_html(report);
    else text = analytics::render_table(report);
    if (o.out.empty()) {
        std::cout << text;
        return kExitOk;
    }
    std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush()) throw UsageError("--out: cannot write " + o.out);
    std::cerr << "attune: wrote the audit to " << o.out << "\n";
    return kExitOk;
}

}  // namespace attune::cli
