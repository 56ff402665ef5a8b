// Always-on assertions for programming errors. A failed PROCURA_ASSERT means a bug in Procura,
// never bad user input: it prints where it failed and aborts. Expected failures travel as
// core::Result instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define PROCURA_ASSERT(cond)                                                                 \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            std::fprintf(stderr, "procura: assertion failed: %s (%s:%d)\n", #cond, __FILE__, \
                         __LINE__);                                                          \
            std::abort();                                                                    \
        }                                                                                    \
    } while (false)
