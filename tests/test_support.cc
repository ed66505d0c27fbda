#include "test_support.h"

#include "index_builder.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace attune::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    m_path = (fs::temp_directory_path() / ("attune-test-" + std::to_string(rd()) + std::to_string(::getpid()))).string();
    fs::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    const fs::path p = fs::path(m_path) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

std::string test_corpus() { return std::string(ATTUNE_TEST_DATA) + "/corpus"; }

void build_test_index(const std::string& db_dir) {
    indexer::ReadOptions opts;
    opts.corpus_dir = test_corpus();
    const indexer::Corpus corpus = indexer::read_corpus(opts);
    if (!corpus.errors.empty()) throw std::runtime_error("test corpus has errors: " + corpus.errors.front());
    indexer::IndexLock lock(db_dir);
    indexer::build_index(corpus, db_dir, nullptr);
}

namespace {
std::string slurp_fd(int fd) {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
}
}  // namespace

RunResult run_attune(const std::vector<std::string>& args, const std::string& input) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe(in_pipe) || ::pipe(out_pipe) || ::pipe(err_pipe)) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        std::vector<char*> argv;
        std::string bin = ATTUNE_BIN;
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    std::thread writer([&] {
        std::size_t off = 0;
        while (off < input.size()) {
            const ssize_t n = ::write(in_pipe[1], input.data() + off, input.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        ::close(in_pipe[1]);
    });
    RunResult r;
    std::thread err_reader([&] { r.err = slurp_fd(err_pipe[0]); });
    r.out = slurp_fd(out_pipe[0]);
    err_reader.join();
    writer.join();
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace attune::test
