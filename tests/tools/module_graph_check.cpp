// Checks that the module diagram of docs/architecture.md is the CMake target graph: the mermaid
// block under "## Modules and dependencies" must have exactly the edges of the transitive
// reduction of the graph CMake wrote (cmake/module_graph.cmake), that is every direct link
// of one product target to another except those already implied by a longer path. So the
// diagram shows every dependency and no redundant arrow, and it cannot drift from the build.
// Prints each difference and exits 1, or exits 0. Usage: module_graph_check GRAPH DOC
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using Graph = std::map<std::string, std::set<std::string>>;
using Edges = std::set<std::pair<std::string, std::string>>;

// "target: dep dep" lines.
Graph read_cmake_graph(const std::string& path) {
    Graph graph;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::set<std::string>& deps = graph[line.substr(0, colon)];
        std::istringstream rest(line.substr(colon + 1));
        std::string dep;
        while (rest >> dep) deps.insert(dep);
    }
    return graph;
}

// The edges of the first mermaid block after the "## Modules and dependencies" heading:
// "a --> b" and "a --> b & c" lines; other lines (flowchart, subgraph, end, %% comments) are
// layout.
Edges read_diagram(const std::string& path, std::set<std::string>& nodes) {
    std::ifstream in(path);
    std::string line;
    bool section = false;
    bool block = false;
    Edges edges;
    static const std::regex edge(R"(^\s*([A-Za-z0-9_]+)\s*-->\s*(.+?)\s*$)");
    static const std::regex node(R"(^\s*([A-Za-z0-9_]+)\s*$)");
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) section = line == "## Modules and dependencies";
        if (!section) continue;
        if (!block) {
            block = line.rfind("```mermaid", 0) == 0;
            continue;
        }
        if (line.rfind("```", 0) == 0) break;
        std::smatch m;
        if (std::regex_match(line, m, edge)) {
            nodes.insert(m[1].str());
            std::istringstream targets(m[2].str());
            std::string target;
            while (std::getline(targets, target, '&')) {
                const auto first = target.find_first_not_of(' ');
                const auto last = target.find_last_not_of(' ');
                target = target.substr(first, last - first + 1);
                nodes.insert(target);
                edges.insert({m[1].str(), target});
            }
        } else if (std::regex_match(line, m, node)) {
            if (m[1].str() != "end") nodes.insert(m[1].str());
        }
    }
    return edges;
}

void reach(const Graph& graph, const std::string& from, std::set<std::string>& seen) {
    const auto it = graph.find(from);
    if (it == graph.end()) return;
    for (const std::string& next : it->second) {
        if (seen.insert(next).second) reach(graph, next, seen);
    }
}

// u -> v stays unless v is reachable from another direct dependency of u.
Edges transitive_reduction(const Graph& graph) {
    Edges edges;
    for (const auto& [from, deps] : graph) {
        for (const std::string& to : deps) {
            bool implied = false;
            for (const std::string& other : deps) {
                if (other == to) continue;
                std::set<std::string> seen;
                reach(graph, other, seen);
                implied = implied || seen.count(to) > 0;
            }
            if (!implied) edges.insert({from, to});
        }
    }
    return edges;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: module_graph_check GRAPH DOC\n");
        return 2;
    }
    const Graph graph = read_cmake_graph(argv[1]);
    if (graph.empty()) {
        std::fprintf(stderr, "architecture: no module graph in %s\n", argv[1]);
        return 1;
    }
    std::set<std::string> nodes;
    const Edges drawn = read_diagram(argv[2], nodes);
    const Edges built = transitive_reduction(graph);
    int differences = 0;
    for (const auto& [from, to] : built) {
        if (drawn.count({from, to}) > 0) continue;
        std::fprintf(stderr, "architecture: CMake has %s --> %s; the diagram does not\n",
                     from.c_str(), to.c_str());
        ++differences;
    }
    for (const auto& [from, to] : drawn) {
        if (built.count({from, to}) > 0) continue;
        std::fprintf(stderr, "architecture: the diagram has %s --> %s; CMake %s\n", from.c_str(),
                     to.c_str(),
                     graph.count(from) > 0 && graph.at(from).count(to) > 0
                         ? "has it only as a shortcut of a longer path"
                         : "does not");
        ++differences;
    }
    for (const auto& [target, deps] : graph) {
        if (nodes.count(target) > 0) continue;
        std::fprintf(stderr, "architecture: the diagram has no node %s\n", target.c_str());
        ++differences;
    }
    if (differences > 0) {
        std::fprintf(stderr, "architecture: %d differences between %s and the CMake targets\n",
                     differences, argv[2]);
        return 1;
    }
    std::printf("architecture: the diagram has the %zu edges of the %zu CMake targets\n",
                built.size(), graph.size());
    return 0;
}
