// CPU backend: triangle setup in parallel, then the target is cut into bands of rows; each band is
// rasterized by one thread over the triangles binned to it (no atomics needed), then a per-pixel pass
// resolves colours. Same math as the CUDA kernels (raster_math.h).
#include <algorithm>
#include <cstring>

#include "backends.h"
#include "parallel.h"

namespace gen3d {
namespace detail {
namespace {

constexpr int kBandRows = 16;

// z-buffer keys of all triangles whose setup is valid. perspective=false keys on the id alone.
void rasterKeys(const std::vector<TriSetup>& setups, int width, int height, bool perspective, int threads,
                std::vector<unsigned long long>& keys) {
    keys.assign((size_t)width * height, kEmptyKey);
    const int bands = (height + kBandRows - 1) / kBandRows;
    std::vector<std::vector<uint32_t>> binned(bands);
    for (uint32_t i = 0; i < setups.size(); ++i) {
        const TriSetup& t = setups[i];
        if (!t.valid) continue;
        for (int b = t.y0 / kBandRows; b <= t.y1 / kBandRows; ++b) binned[b].push_back(i);
    }
    parallelFor(bands, threads, 1, [&](int64_t band) {
        const int rowStart = (int)band * kBandRows;
        const int rowEnd = std::min(height, rowStart + kBandRows) - 1;
        for (uint32_t tri : binned[band]) {
            const TriSetup& t = setups[tri];
            const int y0 = std::max(t.y0, rowStart), y1 = std::min(t.y1, rowEnd);
            for (int py = y0; py <= y1; ++py) {
                unsigned long long* row = keys.data() + (size_t)py * width;
                for (int px = t.x0; px <= t.x1; ++px) {
                    long long w[3];
                    if (!covers(t, px, py, w)) continue;
                    unsigned long long key = tri;
                    if (perspective) {
                        float b[3], depth;
                        perspectiveBary(t, w, b, depth);
                        key = depthKey(depth, tri);
                    }
                    if (key < row[px]) row[px] = key;
                }
            }
        }
    });
}

void setupCamera(const MeshArrays& m, const Camera& cam, int width, int height, bool cullBack, float near,
                 int threads, std::vector<TriSetup>& setups) {
    setups.resize(m.triangleCount);
    parallelFor(m.triangleCount, threads, 4096, [&](int64_t i) {
        setupCameraTriangle(m, cam, (uint32_t)i, width, height, cullBack, near, setups[i]);
    });
}

}  // namespace

void cpuRender(const RenderJob& job, RenderOutput& out, int threads) {
    const int W = job.shade.width, H = job.shade.height;
    std::vector<TriSetup> setups;
    setupCamera(job.mesh, job.shade.cam, W, H, job.cullBack, job.near, threads, setups);
    std::vector<unsigned long long> keys;
    rasterKeys(setups, W, H, true, threads, keys);
    out.rgba.resize((size_t)W * H * 4);
    out.depth.resize((size_t)W * H);
    out.triangleId.resize((size_t)W * H);
    parallelFor(H, threads, 8, [&](int64_t py) {
        for (int px = 0; px < W; ++px) {
            const size_t i = (size_t)py * W + px;
            shadePixel(job.mesh, setups.data(), job.shade, px, (int)py, keys[i], &out.rgba[i * 4], out.depth[i],
                       out.triangleId[i]);
        }
    });
    out.backend = Backend::Cpu;
}

void cpuBake(const BakeJob& job, BakeOutput& out, int threads) {
    const BakeTexelArgs& a = job.texel;
    std::vector<TriSetup> setups;
    setupCamera(job.mesh, a.cam, a.photoW, a.photoH, false, a.near, threads, setups);
    std::vector<unsigned long long> photoKeys;
    rasterKeys(setups, a.photoW, a.photoH, true, threads, photoKeys);

    setups.assign(job.mesh.triangleCount, TriSetup{});
    parallelFor(job.mesh.triangleCount, threads, 4096, [&](int64_t i) {
        setupUvTriangle(job.mesh, (uint32_t)i, a.atlasW, a.atlasH, setups[i]);
    });
    std::vector<unsigned long long> uvKeys;
    rasterKeys(setups, a.atlasW, a.atlasH, false, threads, uvKeys);

    BakeTexelArgs args = a;
    args.photoKeys = photoKeys.data();
    out.rgba.resize((size_t)a.atlasW * a.atlasH * 4);
    out.weight.resize((size_t)a.atlasW * a.atlasH);
    parallelFor(a.atlasH, threads, 8, [&](int64_t py) {
        for (int px = 0; px < a.atlasW; ++px) {
            const size_t i = (size_t)py * a.atlasW + px;
            bakeTexel(job.mesh, setups.data(), args, px, (int)py, uvKeys[i], &out.rgba[i * 4], out.weight[i]);
        }
    });
    out.backend = Backend::Cpu;
}

}  // namespace detail
}  // namespace gen3d
