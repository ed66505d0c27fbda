#include "service/index_paths.h"

#include <xapian.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace attune::service {

std::string default_db_path() {
    if (const char* env = std::getenv("ATTUNE_DB"); env && *env) return env;
    return ".attune/index";
}

std::string stub_path(const std::string& db_dir) { return db_dir + "/XAPIANDB"; }

std::string live_generation(const std::string& db_dir) {
    std::ifstream in(stub_path(db_dir));
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string backend, name;
        if (words >> backend >> name) return name;
    }
    return {};
}

std::string live_revision(const std::string& db_dir) {
    if (db_dir.rfind(kShardsPrefix, 0) == 0) return {};
    try {
        const Xapian::Database db(db_dir);
        return db.get_uuid() + "@" + std::to_string(db.get_revision());
    } catch (const Xapian::Error&) {
        return {};
    }
}

}  // namespace attune::service
