// Dilation of a baked atlas by a moving frontier: each pass fills the unknown texels that touch
// known ones with the mean colour of their known 8-neighbours, then only the neighbours of the texels
// just filled are candidates for the next pass — the cost follows the filled band, not the atlas.
// CPU on both backends: it is a few milliseconds next to the bake.
#include <cstring>

#include "gen3d/core.h"
#include "parallel.h"

namespace gen3d {

DilateOutput dilateAtlas(const uint8_t* rgba, const float* weight, int width, int height, int pixels) {
    if (!rgba || !weight) throw InvalidArgument("dilate: rgba and weight are required");
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
        throw InvalidArgument("dilate: width and height must be in 1..16384");
    if (pixels < 0 || pixels > 4096) throw InvalidArgument("dilate: pixels must be in 0..4096");
    const size_t n = (size_t)width * height;
    DilateOutput out;
    out.rgba.assign(rgba, rgba + n * 4);
    out.filled.assign(n, 0);
    std::vector<uint8_t> known(n), queued(n, 0);
    for (size_t i = 0; i < n; ++i) known[i] = weight[i] > 0.0f ? 1 : 0;
    const int threads = detail::cpuThreadCount();

    auto forNeighbours = [&](size_t i, auto&& fn) {
        const int x = (int)(i % width), y = (int)(i / width);
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int nx = x + dx, ny = y + dy;
                if ((dx || dy) && nx >= 0 && ny >= 0 && nx < width && ny < height) fn((size_t)ny * width + nx);
            }
    };

    // First frontier: unknown texels with a known neighbour (rows scanned in parallel, kept in order).
    std::vector<std::vector<uint32_t>> rows(height);
    if (pixels > 0)
        detail::parallelFor(height, threads, 16, [&](int64_t y) {
            for (int x = 0; x < width; ++x) {
                const size_t i = (size_t)y * width + x;
                if (known[i]) continue;
                bool touches = false;
                forNeighbours(i, [&](size_t j) { touches = touches || known[j]; });
                if (touches) rows[y].push_back((uint32_t)i);
            }
        });
    std::vector<uint32_t> frontier;
    for (auto& r : rows) frontier.insert(frontier.end(), r.begin(), r.end());
    for (uint32_t i : frontier) queued[i] = 1;

    std::vector<uint8_t> colours;
    for (int pass = 0; pass < pixels && !frontier.empty(); ++pass) {
        colours.resize(frontier.size() * 4);
        detail::parallelFor((int64_t)frontier.size(), threads, 4096, [&](int64_t k) {
            unsigned sum[4] = {0, 0, 0, 0}, count = 0;
            forNeighbours(frontier[k], [&](size_t j) {
                if (!known[j]) return;
                for (int c = 0; c < 4; ++c) sum[c] += out.rgba[j * 4 + c];
                ++count;
            });
            for (int c = 0; c < 4; ++c) colours[k * 4 + c] = (uint8_t)((sum[c] + count / 2) / count);
        });
        for (size_t k = 0; k < frontier.size(); ++k) {
            const uint32_t i = frontier[k];
            std::memcpy(&out.rgba[(size_t)i * 4], &colours[k * 4], 4);
            known[i] = 1;
            out.filled[i] = 1;
        }
        std::vector<uint32_t> next;
        for (uint32_t i : frontier)
            forNeighbours(i, [&](size_t j) {
                if (!known[j] && !queued[j]) {
                    queued[j] = 1;
                    next.push_back((uint32_t)j);
                }
            });
        frontier.swap(next);
    }
    return out;
}

}  // namespace gen3d
