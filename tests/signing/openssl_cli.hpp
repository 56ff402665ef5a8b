// Test helpers for talking to the stock `openssl` command: a temporary folder for the files
// both sides read, running a command with its output captured, and an error assertion.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/result.hpp"

namespace procura::testing {

// A temporary folder for files shared with the openssl command, removed afterwards.
struct Workdir {
    std::filesystem::path dir;
    Workdir() {
        char pattern[] = "/tmp/procura-signing-XXXXXX";
        PROCURA_ASSERT(mkdtemp(pattern) != nullptr);
        dir = pattern;
    }
    ~Workdir() { std::filesystem::remove_all(dir); }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream(path(name), std::ios::binary) << content;
        return path(name);
    }
    std::string read(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
};

struct Run {
    int status = -1;
    std::string output;
};

// Runs a shell command, capturing stdout and stderr together.
inline Run run(const std::string& command) {
    Run r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    PROCURA_ASSERT(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    r.status = pclose(pipe);
    return r;
}

template <class T>
void require_error(const core::Result<T>& r, core::ErrorKind kind, const std::string& code) {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " + code);
    BOOST_TEST((r.error().kind == kind));
    BOOST_TEST(r.error().code == code);
}

}  // namespace procura::testing
