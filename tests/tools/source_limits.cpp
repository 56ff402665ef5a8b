// Checks the size limits of the house style over the non-test sources (everything but tests/):
// a file has at most 700 lines, a function body at most 80 (lambdas count toward the function
// that holds them). A file that has a reason to exceed one says so in a comment of the form
//   // size-exempt: <function or "file">: <why>
// which this check accepts for that function (or the file) only. Prints every violation and
// exits 1, or prints a summary and exits 0. Usage: source_limits SOURCE_DIR
//
// The scan is lexical, not a parser: comments, string and character literals (raw strings
// too) and preprocessor lines are blanked, then braces are matched. A brace opens a function
// body when it follows a parenthesised header at namespace or class scope that is not a
// namespace, a type, or an initialiser; that holds for code formatted by .clang-format.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::size_t file_lines_max = 700;
constexpr std::size_t function_lines_max = 80;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The text with comments, literals and preprocessor lines replaced by spaces; newlines kept, so
// that offsets map to the same lines.
std::string blank_non_code(const std::string& text) {
    std::string out = text;
    std::size_t i = 0;
    const auto blank = [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to && k < out.size(); ++k) {
            if (out[k] != '\n') out[k] = ' ';
        }
    };
    bool line_start = true;
    while (i < text.size()) {
        const char c = text[i];
        if (line_start && c == '#') {  // a directive, with its continuation lines
            std::size_t end = i;
            while (end < text.size() && !(text[end] == '\n' && text[end - 1] != '\\')) ++end;
            blank(i, end);
            i = end;
            continue;
        }
        if (c == '\n') {
            line_start = true;
            ++i;
            continue;
        }
        if (c != ' ' && c != '\t') line_start = false;
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            const std::size_t end = text.find('\n', i);
            blank(i, end == std::string::npos ? text.size() : end);
            i = end == std::string::npos ? text.size() : end;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const std::size_t end = text.find("*/", i + 2);
            const std::size_t stop = end == std::string::npos ? text.size() : end + 2;
            blank(i, stop);
            i = stop;
        } else if (c == 'R' && i + 1 < text.size() && text[i + 1] == '"' &&
                   (i == 0 || std::isalnum(static_cast<unsigned char>(text[i - 1])) == 0 ||
                    text[i - 1] == '8' || text[i - 1] == 'L' || text[i - 1] == 'u' ||
                    text[i - 1] == 'U') &&
                   text.find('(', i) != std::string::npos) {
            const std::size_t open = text.find('(', i);
            const std::string delimiter = ")" + text.substr(i + 2, open - i - 2) + "\"";
            const std::size_t end = text.find(delimiter, open);
            const std::size_t stop =
                end == std::string::npos ? text.size() : end + delimiter.size();
            blank(i, stop);
            i = stop;
        } else if (c == '"' || c == '\'') {
            std::size_t k = i + 1;
            while (k < text.size() && text[k] != c && text[k] != '\n') k += text[k] == '\\' ? 2 : 1;
            blank(i, k + 1);
            i = k + 1;
        } else {
            ++i;
        }
    }
    return out;
}

enum class Scope { block, function };

struct Function {
    std::string name;
    std::size_t first_line = 0;
    std::size_t lines = 0;
};

// Whether header (the code since the last ';', '{' or '}' at this depth) opens a function.
bool opens_function(const std::string& header) {
    static const std::regex type_or_namespace(
        R"(^\s*(template\s*<.*>\s*)?(namespace|class|struct|union|enum|extern)\b)");
    if (header.find('(') == std::string::npos || header.find(')') == std::string::npos) {
        return false;
    }
    if (std::regex_search(header, type_or_namespace)) return false;
    // "T x = f(...) {" is no function; an '=' before the first '(' makes an initialiser,
    // unless it belongs to an operator's name (operator==).
    const std::size_t paren = header.find('(');
    const std::size_t equals = header.find('=');
    return equals == std::string::npos || equals > paren ||
           header.find("operator") != std::string::npos;
}

// The name before the header's first '(' ("Api::classify", "main").
std::string function_name(const std::string& header) {
    const std::size_t paren = header.find('(');
    if (paren == std::string::npos) return "?";
    std::size_t end = paren;
    while (end > 0 && header[end - 1] == ' ') --end;
    std::size_t begin = end;
    while (begin > 0 &&
           (std::isalnum(static_cast<unsigned char>(header[begin - 1])) != 0 ||
            header[begin - 1] == '_' || header[begin - 1] == ':' || header[begin - 1] == '~')) {
        --begin;
    }
    return header.substr(begin, end - begin);
}

std::vector<Function> functions_of(const std::string& code) {
    std::vector<Function> out;
    std::vector<Scope> scopes;
    std::vector<std::size_t> opened_at;  // line of each open brace
    std::size_t line = 1;
    std::string header;
    std::size_t function_depth = 0;  // scopes.size() of the open function body, 0 if none
    std::string current_name;
    for (const char c : code) {
        if (c == '\n') ++line;
        if (c == '{') {
            const bool in_function = function_depth != 0;
            const bool starts = !in_function && opens_function(header);
            scopes.push_back(starts ? Scope::function : Scope::block);
            opened_at.push_back(line);
            if (starts) {
                function_depth = scopes.size();
                current_name = function_name(header);
            }
            header.clear();
        } else if (c == '}') {
            if (scopes.empty()) continue;  // unbalanced input: not ours to judge
            if (scopes.size() == function_depth) {
                out.push_back({current_name, opened_at.back(), line - opened_at.back() + 1});
                function_depth = 0;
            }
            scopes.pop_back();
            opened_at.pop_back();
            header.clear();
        } else if (c == ';') {
            header.clear();
        } else {
            header += c == '\n' ? ' ' : c;
        }
    }
    return out;
}

// The names given in "// size-exempt: <name>: <why>" comments (with a non-empty why).
std::set<std::string> exemptions_of(const std::string& text) {
    static const std::regex exempt(R"(//\s*size-exempt:\s*([A-Za-z_:~0-9]+)\s*:\s*\S)");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), exempt);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1].str());
    }
    return names;
}

bool is_source(const fs::path& path) {
    return path.extension() == ".cpp" || path.extension() == ".hpp";
}

bool skipped_directory(const std::string& name) {
    return name == "tests" || name == ".git" || name == "node_modules" ||
           name.rfind("build", 0) == 0 || name == "var";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: source_limits SOURCE_DIR\n");
        return 2;
    }
    const fs::path root = argv[1];
    std::vector<std::string> violations;
    std::size_t files = 0;
    std::size_t functions = 0;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        if (it->is_directory() && skipped_directory(it->path().filename().string())) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file() || !is_source(it->path())) continue;
        const std::string text = read_all(it->path());
        const std::string where = fs::relative(it->path(), root).string();
        const std::set<std::string> exempt = exemptions_of(text);
        ++files;
        const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
        if (lines > file_lines_max && exempt.count("file") == 0) {
            violations.push_back(where + ": " + std::to_string(lines) + " lines (at most " +
                                 std::to_string(file_lines_max) + ")");
        }
        for (const Function& f : functions_of(blank_non_code(text))) {
            ++functions;
            if (f.lines <= function_lines_max || exempt.count(f.name) > 0) continue;
            violations.push_back(where + ":" + std::to_string(f.first_line) + ": " + f.name +
                                 " is " + std::to_string(f.lines) + " lines (at most " +
                                 std::to_string(function_lines_max) + ")");
        }
    }
    for (const std::string& v : violations) std::fprintf(stderr, "source limits: %s\n", v.c_str());
    if (!violations.empty()) {
        std::fprintf(stderr,
                     "source limits: %zu over; split them, or say why in a "
                     "'// size-exempt: <name>: <why>' comment\n",
                     violations.size());
        return 1;
    }
    std::printf(
        "source limits: ok (%zu files, %zu functions; files <= %zu lines, functions <= "
        "%zu lines)\n",
        files, functions, file_lines_max, function_lines_max);
    return 0;
}
