#pragma once
#include "corpus_reader.h"

#include <string>

namespace attune::test {

/** A fresh directory under the system temp dir, removed with its contents at scope exit. */
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }
    /** Writes `text` to `name` (creating folders) and returns the full path. */
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::string m_path;
};

/** tests/data/corpus */
std::string test_corpus();

/** Builds the test corpus into `db_dir`. */
void build_test_index(const std::string& db_dir);

/** Result of running the attune binary. */
struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};

/** Runs build/attune with `args` (each passed verbatim, no shell), feeding `input` on stdin. */
RunResult run_attune(const std::vector<std::string>& args, const std::string& input = "");

}  // namespace attune::test
