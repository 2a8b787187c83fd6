// The C++ tests' one assertion: counts a failure, names the test and line, and leaves the test.
#pragma once

#include <cstdio>
#include <string>

namespace {

int failures = 0;
std::string current;  // the running test's name

}  // namespace

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::printf("  FAIL %s:%d %s: %s\n", __FILE__, __LINE__, current.c_str(), #cond); \
            ++failures;                                                                       \
            return;                                                                           \
        }                                                                                     \
    } while (0)
