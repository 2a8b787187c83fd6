// Benchmark: 100k-triangle mesh rendered at 1024² and baked into a 2048² atlas, CPU vs CUDA, with a
// parity check of the same run. Prints a table; median of N timed calls after one warm-up.
//   gen3d_bench [repeats=5] [cpu threads=0 (all)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <thread>

#include "../tests/fixtures.h"
#include "backends.h"
#include "gen3d/core.h"

using namespace gen3d;

namespace {

double lastCpuMs = 0;  // median process CPU time (all threads) of the last medianMs

// Median wall time of `repeats` calls after one warm-up (CUDA context, allocations, page faults).
double medianMs(int repeats, const std::function<void()>& fn) {
    fn();
    std::vector<double> wall, cpu;
    for (int i = 0; i < repeats; ++i) {
        const std::clock_t c = std::clock();
        auto a = std::chrono::steady_clock::now();
        fn();
        wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
        cpu.push_back(1000.0 * (std::clock() - c) / CLOCKS_PER_SEC);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    lastCpuMs = cpu[cpu.size() / 2];
    return wall[wall.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const int threads = argc > 2 ? std::max(0, std::atoi(argv[2])) : 0;
    setCpuThreads(threads);
    const BackendInfo info = backendInfo();
    const bool cuda = info.backend == Backend::Cuda;
    std::printf("device: %s | cpu threads: %u | auto backend: %s (%s)\n", cuda ? info.device.c_str() : "-",
                threads ? (unsigned)threads : std::thread::hardware_concurrency(), cuda ? "cuda" : "cpu", info.reason.c_str());

    // 224 × 224 × 2 ≈ 100k triangles, a bumpy head-sized sphere 0.6 m in front of the camera.
    auto mesh = fixtures::sphere(224, 224, 0.1f, 0.1f);
    std::printf("mesh: %zu triangles, %zu vertices\n", mesh.indices.size() / 3, mesh.positions.size() / 3);
    auto tex = fixtures::pattern(1024, 1024);
    ImageView tv{tex.data(), 1024, 1024};
    const Camera cam = fixtures::frontCamera(0.6f, 1800, 1024, 1024);

    RenderParams rp;
    rp.camera = cam;
    rp.width = rp.height = 1024;
    rp.lambert = true;
    BakeParams bp;
    bp.camera = cam;
    bp.atlasWidth = bp.atlasHeight = 2048;

    struct Row {
        const char* what;
        double cpu, gpu;
    };
    std::vector<Row> rows;
    RenderOutput rc, rg;
    BakeOutput bc, bg;
    rp.backend = BackendRequest::Cpu;
    const double renderCpu = medianMs(repeats, [&] { rc = renderTexturedMesh(mesh.view(), &tv, rp); });
    const double renderCpuTime = lastCpuMs;
    bp.backend = BackendRequest::Cpu;
    const double bakeCpu = medianMs(repeats, [&] { bc = bakeProjectedTexture(mesh.view(), tv, nullptr, bp); });
    const double bakeCpuTime = lastCpuMs;
    double renderGpu = -1, bakeGpu = -1, renderKernels = -1, bakeKernels = -1;
    if (cuda) {
        rp.backend = BackendRequest::Auto;
        renderGpu = medianMs(repeats, [&] { rg = renderTexturedMesh(mesh.view(), &tv, rp); });
        renderKernels = gen3d::detail::cudaLastKernelMs();
        bp.backend = BackendRequest::Auto;
        bakeGpu = medianMs(repeats, [&] { bg = bakeProjectedTexture(mesh.view(), tv, nullptr, bp); });
        bakeKernels = gen3d::detail::cudaLastKernelMs();
    }
    const double dilateMs = medianMs(repeats, [&] { dilateAtlas(bc.rgba.data(), bc.weight.data(), 2048, 2048, 8); });
    const double dilateCpuTime = lastCpuMs;

    size_t covered = 0, visible = 0;
    for (int32_t id : rc.triangleId) covered += id >= 0;
    for (float x : bc.weight) visible += x > 0;
    std::printf("render 1024²: %zu covered pixels | bake 2048²: %zu visible texels\n", covered, visible);
    std::printf(
        "| task | CPU call (ms) | CPU time, all threads (ms) | CUDA call (ms) | CUDA kernels (ms) | call speed-up "
        "|\n|---|---|---|---|---|---|\n");
    auto row = [&](const char* what, double c, double ct, double g, double k) {
        if (g > 0)
            std::printf("| %s | %.1f | %.0f | %.2f | %.2f | %.1f× |\n", what, c, ct, g, k, c / g);
        else
            std::printf("| %s | %.1f | %.0f | – | – | – |\n", what, c, ct);
    };
    row("render 100k tris → 1024² (lambert, textured)", renderCpu, renderCpuTime, renderGpu, renderKernels);
    row("bake 100k tris → 2048² atlas (photo 1024²)", bakeCpu, bakeCpuTime, bakeGpu, bakeKernels);
    row("dilate 2048² × 8 px (CPU only)", dilateMs, dilateCpuTime, -1, -1);
    std::printf("call = wall time of a whole call (uploads, kernels, downloads, output allocation); kernels = CUDA\n"
                "events around the kernels; CPU time = process CPU time of the CPU call (robust to a busy machine)\n");

    int failures = 0;
    if (cuda) {
        size_t ids = 0, depths = 0;
        int maxRgb = 0;
        for (size_t i = 0; i < rc.triangleId.size(); ++i) {
            ids += rc.triangleId[i] != rg.triangleId[i];
            depths += !(rc.depth[i] == rg.depth[i]);
            for (int c = 0; c < 4; ++c) maxRgb = std::max(maxRgb, std::abs(rc.rgba[i * 4 + c] - rg.rgba[i * 4 + c]));
        }
        float maxW = 0;
        int maxBake = 0;
        for (size_t i = 0; i < bc.weight.size(); ++i) {
            maxW = std::max(maxW, std::fabs(bc.weight[i] - bg.weight[i]));
            for (int c = 0; c < 4; ++c) maxBake = std::max(maxBake, std::abs(bc.rgba[i * 4 + c] - bg.rgba[i * 4 + c]));
        }
        std::printf("parity render: id mismatches %zu, depth mismatches %zu, max rgba diff %d\n", ids, depths, maxRgb);
        std::printf("parity bake: max weight diff %g, max rgba diff %d\n", maxW, maxBake);
        failures = (ids || depths || maxRgb > 1 || maxW > 1e-5f || maxBake > 1) ? 1 : 0;
    }
    return failures;
}
