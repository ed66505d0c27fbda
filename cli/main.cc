// attune: the command-line transport. Maps exceptions to exit codes in exactly one place.
#include "commands.h"
#include "errors.h"

#include <iostream>

int main(int argc, char** argv) {
    using namespace attune::cli;
    CLI::App app{"attune: search and matching for therapy content"};
    app.require_subcommand(1);
    IndexOptions index_opts;
    SearchOptions search_opts;
    ShowOptions show_opts, taxonomy_opts;
    EvalOptions eval_opts;
    ServeOptions serve_opts;
    RelatedOptions related_opts;
    MatchOptions match_opts;
    AuditCliOptions audit_opts;
    BenchOptions bench_opts;
    setup_index(*app.add_subcommand("index", "Build the index from a corpus or JSONL files"), index_opts);
    setup_search(*app.add_subcommand("search", "Search articles and clinicians"), search_opts);
    setup_show(*app.add_subcommand("show", "Show one article or clinician by id"), show_opts);
    setup_taxonomy(*app.add_subcommand("taxonomy", "List concepts with document counts"), taxonomy_opts);
    setup_match(*app.add_subcommand("match", "Match an intake note to clinicians, with hard constraints"), match_opts);
    setup_related(*app.add_subcommand("related", "Clinicians and articles that go with an article or clinician"), related_opts);
    setup_audit(*app.add_subcommand("audit", "Coverage audit for content editors: gaps, stale and untagged articles, demand"), audit_opts);
    setup_serve(*app.add_subcommand("serve", "Serve the HTTP JSON API and the search page"), serve_opts);
    setup_eval(*app.add_subcommand("eval", "Relevance of attune and a BM25 baseline on queries/"), eval_opts);
    setup_bench(*app.add_subcommand("bench", "Query latency through the search pipeline, one JSON line per run"), bench_opts);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitInput;
    }
    try {
        if (app.got_subcommand("index")) return run_index(index_opts);
        if (app.got_subcommand("search")) return run_search(search_opts);
        if (app.got_subcommand("show")) return run_show(show_opts);
        if (app.got_subcommand("taxonomy")) return run_taxonomy(taxonomy_opts);
        if (app.got_subcommand("eval")) return run_eval(eval_opts);
        if (app.got_subcommand("serve")) return run_serve(serve_opts);
        if (app.got_subcommand("related")) return run_related(related_opts);
        if (app.got_subcommand("match")) return run_match(match_opts);
        if (app.got_subcommand("audit")) return run_audit(audit_opts);
        if (app.got_subcommand("bench")) return run_bench(bench_opts);
    } catch (const attune::IndexLockedError& e) {
        std::cerr << "attune: " << e.what() << "\n";
        return kExitLocked;
    } catch (const attune::IndexError& e) {
        std::cerr << "attune: " << e.what() << "\n";
        return kExitIndex;
    } catch (const attune::UsageError& e) {
        std::cerr << "attune: " << e.what() << "\n";
        return kExitInput;
    } catch (const attune::InputError& e) {
        std::cerr << "attune: " << e.what() << "\n";
        return kExitInput;
    } catch (const Xapian::DatabaseOpeningError& e) {
        std::cerr << "attune: cannot open the index: " << e.get_msg() << "\n";
        return kExitIndex;
    } catch (const Xapian::Error& e) {
        std::cerr << "attune: index error: " << e.get_description() << "\n";
        return kExitIndex;
    } catch (const std::exception& e) {
        std::cerr << "attune: " << e.what() << "\n";
        return kExitInput;
    }
    return kExitInput;
}
