// Iterative 8-neighbour dilation of a baked atlas (CPU on both backends: a few passes over one image
// cost milliseconds).
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
    std::vector<uint8_t> known(n), nextKnown(n);
    for (size_t i = 0; i < n; ++i) known[i] = weight[i] > 0.0f ? 1 : 0;
    std::vector<uint8_t> next(out.rgba);
    const int threads = (int)std::max(1u, std::thread::hardware_concurrency());
    for (int pass = 0; pass < pixels; ++pass) {
        std::atomic<bool> changed{false};
        nextKnown = known;
        detail::parallelFor(height, threads, 16, [&](int64_t y) {
            for (int x = 0; x < width; ++x) {
                const size_t i = (size_t)y * width + x;
                if (known[i]) continue;
                unsigned sum[4] = {0, 0, 0, 0}, count = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int nx = x + dx, ny = (int)y + dy;
                        if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        const size_t j = (size_t)ny * width + nx;
                        if (!known[j]) continue;
                        for (int c = 0; c < 4; ++c) sum[c] += out.rgba[j * 4 + c];
                        ++count;
                    }
                if (!count) continue;
                for (int c = 0; c < 4; ++c) next[i * 4 + c] = (uint8_t)((sum[c] + count / 2) / count);
                nextKnown[i] = 1;
                out.filled[i] = 1;
                changed = true;
            }
        });
        std::memcpy(out.rgba.data(), next.data(), n * 4);
        known.swap(nextKnown);
        if (!changed) break;
    }
    return out;
}

}  // namespace gen3d
