#pragma once
#include "service/search_service.h"

#include <httplib.h>

#include <stdexcept>
#include <string>

namespace attune::server {

/** A request parameter that cannot be used; becomes a 400 naming the parameter. */
class ParamError : public std::runtime_error {
public:
    ParamError(std::string param, const std::string& message) : std::runtime_error(message), m_param(std::move(param)) {}
    const std::string& param() const { return m_param; }

private:
    std::string m_param;
};

inline constexpr std::size_t kMaxSearchChars = 1000;
inline constexpr std::size_t kMaxSuggestChars = 200;

/** Reads /api/search parameters into a request; ParamError on the first bad one. */
service::SearchRequest parse_search_params(const httplib::Params& params);

/** The `q` of /api/suggest, checked for length; ParamError when missing or too long. */
std::string parse_suggest_query(const httplib::Params& params);

/** Reads a POST /api/match JSON body; ParamError naming the field on the first bad one. */
service::MatchRequest parse_match_body(const std::string& body);

/** A positive integer parameter within [min, max], or `fallback` when absent. */
std::size_t integer_param(const httplib::Params& params, const char* name, std::size_t fallback, std::size_t min,
                          std::size_t max);

}  // namespace attune::server
