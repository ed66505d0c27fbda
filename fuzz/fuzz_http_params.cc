// Target (6): HTTP request parameters. The input is parsed as a query string by cpp-httplib (as the
// server does for every GET) and then read as /api/search and /api/suggest parameters; the same
// bytes are read as a POST /api/match body.
#include "errors.h"
#include "fuzz_support.h"
#include "params.h"

#include <httplib.h>

using namespace attune;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_string(data, size);

    httplib::Params params;
    httplib::detail::parse_query_text(text, params);
    try {
        (void)server::parse_search_params(params);
    } catch (const server::ParamError&) {
    }
    try {
        (void)server::parse_suggest_query(params);
        (void)server::integer_param(params, "limit", 8, 1, 20);
    } catch (const server::ParamError&) {
    }
    try {
        (void)server::integer_param(params, "limit", 5, 1, 100);  // the related-documents routes
    } catch (const server::ParamError&) {
    }

    try {
        (void)server::parse_match_body(text);
    } catch (const server::ParamError&) {
    }
    return 0;
}
