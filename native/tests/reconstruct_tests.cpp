// C++ tests of the reconstruction core: prior SDF of a mesh, marching tetrahedra (closed, oriented),
// the silhouette fit of an analytic ellipsoid from the head360 rig starting from a wrong prior (a
// sphere), and CPU-vs-CUDA agreement of the fit when a GPU answers. Exit code 1 on any failure.
//   gen3d_reconstruct_tests [parity-only | bench]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "gen3d/core.h"
#include "gen3d/reconstruct.h"

using namespace gen3d;

namespace {

const float kRadii[3] = {0.08f, 0.11f, 0.10f};

// The head360 rig in metres: 16 views, azimuth k·22.5°, elevation +20°/−5°, 0.6 m, 256 px, f = 280.
Camera rigCamera(int k) {
    const float pi = 3.14159265358979f;
    const float az = k * 22.5f * pi / 180, el = (k % 2 == 0 ? 20.0f : -5.0f) * pi / 180, d = 0.6f;
    const float eye[3] = {d * std::sin(az) * std::cos(el), d * std::sin(el), d * std::cos(az) * std::cos(el)};
    float z[3] = {-eye[0] / d, -eye[1] / d, -eye[2] / d};
    const float up[3] = {0, 1, 0};
    float x[3] = {z[1] * up[2] - z[2] * up[1], z[2] * up[0] - z[0] * up[2], z[0] * up[1] - z[1] * up[0]};
    const float xl = std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    for (float& c : x) c /= xl;
    const float y[3] = {z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]};
    Camera c;
    c.fx = c.fy = 280;
    c.cx = c.cy = 128;
    for (int a = 0; a < 3; ++a) {
        c.R[a] = x[a];
        c.R[3 + a] = y[a];
        c.R[6 + a] = z[a];
    }
    for (int r = 0; r < 3; ++r) c.t[r] = -(c.R[r * 3] * eye[0] + c.R[r * 3 + 1] * eye[1] + c.R[r * 3 + 2] * eye[2]);
    return c;
}

// Exact mask of the ellipsoid: the pixel centre's ray hits it.
std::vector<uint8_t> ellipsoidMask(const Camera& c, int size) {
    std::vector<uint8_t> mask((size_t)size * size, 0);
    float o[3];
    for (int a = 0; a < 3; ++a) o[a] = -(c.R[a] * c.t[0] + c.R[3 + a] * c.t[1] + c.R[6 + a] * c.t[2]);
    for (int py = 0; py < size; ++py)
        for (int px = 0; px < size; ++px) {
            const float u = (px - c.cx) / c.fx, v = (py - c.cy) / c.fy;
            float d[3];
            for (int a = 0; a < 3; ++a) d[a] = c.R[a] * u + c.R[3 + a] * v + c.R[6 + a];
            double A = 0, B = 0, C = -1;
            for (int a = 0; a < 3; ++a) {
                const double r2 = (double)kRadii[a] * kRadii[a];
                A += d[a] * d[a] / r2;
                B += 2 * o[a] * d[a] / r2;
                C += o[a] * o[a] / r2;
            }
            mask[(size_t)py * size + px] = B * B - 4 * A * C >= 0 ? 255 : 0;
        }
    return mask;
}

struct Mesh {
    std::vector<float> p;
    std::vector<uint32_t> i;
    MeshView view() const {
        MeshView m;
        m.positions = p.data();
        m.indices = i.data();
        m.vertexCount = (uint32_t)(p.size() / 3);
        m.triangleCount = (uint32_t)(i.size() / 3);
        return m;
    }
};

// A closed UV sphere (poles shared), CCW from outside.
Mesh sphere(float radius, int rings, int segments) {
    Mesh m;
    const float pi = 3.14159265358979f;
    m.p.insert(m.p.end(), {0, radius, 0});
    for (int r = 1; r < rings; ++r) {
        const float th = pi * r / rings;
        for (int s = 0; s < segments; ++s) {
            const float ph = 2 * pi * s / segments;
            m.p.insert(m.p.end(), {radius * std::sin(th) * std::sin(ph), radius * std::cos(th),
                                   radius * std::sin(th) * std::cos(ph)});
        }
    }
    m.p.insert(m.p.end(), {0, -radius, 0});
    const uint32_t south = (uint32_t)(m.p.size() / 3 - 1);
    auto at = [&](int r, int s) { return (uint32_t)(1 + (r - 1) * segments + (s % segments)); };
    for (int s = 0; s < segments; ++s) m.i.insert(m.i.end(), {0u, at(1, s), at(1, s + 1)});
    for (int r = 1; r < rings - 1; ++r)
        for (int s = 0; s < segments; ++s) {
            m.i.insert(m.i.end(), {at(r, s), at(r + 1, s), at(r + 1, s + 1)});
            m.i.insert(m.i.end(), {at(r, s), at(r + 1, s + 1), at(r, s + 1)});
        }
    for (int s = 0; s < segments; ++s) m.i.insert(m.i.end(), {at(rings - 1, s), south, at(rings - 1, s + 1)});
    return m;
}

// The ellipsoid's unit normal at p (on or near it); returns the first-order distance |f| / |∇f|.
float ellipsoidDistance(const float* p, float normal[3]) {
    double f = -1, g[3];
    for (int a = 0; a < 3; ++a) {
        const double r2 = (double)kRadii[a] * kRadii[a];
        f += p[a] * p[a] / r2;
        g[a] = 2 * p[a] / r2;
    }
    const double gl = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    for (int a = 0; a < 3; ++a) normal[a] = (float)(g[a] / gl);
    return (float)std::fabs(f / gl);
}

struct Quality {
    float chamfer, normalConsistency;
};

// Chamfer (mean of both directions) against the ellipsoid and normal consistency (mean |cos| between
// the mesh's vertex normals and the ellipsoid's normals at the nearest truth sample).
Quality measure(const SurfaceMesh& m) {
    const size_t nv = m.positions.size() / 3;
    std::vector<float> vn(nv * 3, 0.0f);
    for (size_t t = 0; t < m.indices.size() / 3; ++t) {
        const float* a = &m.positions[m.indices[t * 3] * 3];
        const float* b = &m.positions[m.indices[t * 3 + 1] * 3];
        const float* c = &m.positions[m.indices[t * 3 + 2] * 3];
        const float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        const float f[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
        for (int e = 0; e < 3; ++e)
            for (int k = 0; k < 3; ++k) vn[m.indices[t * 3 + e] * 3 + k] += f[k];
    }
    // Truth samples: 4000 points on the ellipsoid (Fibonacci directions scaled onto it).
    std::vector<float> truth;
    const int samples = 4000;
    for (int s = 0; s < samples; ++s) {
        const float y = 1 - 2 * (s + 0.5f) / samples, r = std::sqrt(1 - y * y), ph = s * 2.39996323f;
        float d[3] = {r * std::cos(ph), y, r * std::sin(ph)};
        double q = 0;
        for (int a = 0; a < 3; ++a) q += d[a] * d[a] / ((double)kRadii[a] * kRadii[a]);
        const float k = (float)(1 / std::sqrt(q));
        truth.insert(truth.end(), {d[0] * k, d[1] * k, d[2] * k});
    }
    double toTruth = 0, toMesh = 0, cosSum = 0;
    for (size_t v = 0; v < nv; ++v) {
        const float* p = &m.positions[v * 3];
        float best = 1e30f;
        size_t bi = 0;
        for (size_t s = 0; s < truth.size() / 3; ++s) {
            const float dx = p[0] - truth[s * 3], dy = p[1] - truth[s * 3 + 1], dz = p[2] - truth[s * 3 + 2];
            const float d = dx * dx + dy * dy + dz * dz;
            if (d < best) {
                best = d;
                bi = s;
            }
        }
        float normal[3];
        ellipsoidDistance(&truth[bi * 3], normal);
        // Point-to-surface: project the offset onto the truth normal at the nearest sample.
        const float off[3] = {p[0] - truth[bi * 3], p[1] - truth[bi * 3 + 1], p[2] - truth[bi * 3 + 2]};
        toTruth += std::fabs(off[0] * normal[0] + off[1] * normal[1] + off[2] * normal[2]);
        const float* n = &vn[v * 3];
        const float nl = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (nl > 0) cosSum += (n[0] * normal[0] + n[1] * normal[1] + n[2] * normal[2]) / nl;
    }
    for (size_t s = 0; s < truth.size() / 3; ++s) {
        float best = 1e30f;
        for (size_t v = 0; v < nv; ++v) {
            const float* p = &m.positions[v * 3];
            const float dx = p[0] - truth[s * 3], dy = p[1] - truth[s * 3 + 1], dz = p[2] - truth[s * 3 + 2];
            best = std::min(best, dx * dx + dy * dy + dz * dz);
        }
        toMesh += std::sqrt(best);
    }
    return {(float)(0.5 * (toTruth / nv + toMesh / (truth.size() / 3))), (float)(cosSum / nv)};
}

struct Scene {
    std::vector<std::vector<uint8_t>> masks;
    std::vector<SdfView> views;
    Mesh prior;
};

Scene ellipsoidScene() {
    Scene s;
    for (int k = 0; k < 16; ++k) s.masks.push_back(ellipsoidMask(rigCamera(k), 256));
    for (int k = 0; k < 16; ++k) {
        SdfView v;
        v.camera = rigCamera(k);
        v.width = v.height = 256;
        v.mask = s.masks[(size_t)k].data();
        s.views.push_back(v);
    }
    s.prior = sphere(0.09f, 24, 48);
    return s;
}

void testMeshSdfOfSphere() {
    current = "meshSdf of a sphere";
    const Mesh m = sphere(0.1f, 48, 96);
    const int n = 48;
    const float origin[3] = {-0.15f, -0.15f, -0.15f}, voxel = 0.3f / (n - 1);
    const std::vector<float> phi = meshSdf(m.view(), n, origin, voxel);
    float worst = 0;
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const float p[3] = {origin[0] + i * voxel, origin[1] + j * voxel, origin[2] + k * voxel};
                const float truth = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) - 0.1f;
                if (std::fabs(truth) < 3 * voxel)
                    worst = std::max(worst, std::fabs(phi[((size_t)k * n + j) * n + i] - truth));
            }
    std::printf("  meshSdf near-surface max error %.5f m (voxel %.5f)\n", worst, voxel);
    CHECK(worst < 0.002f);  // the UV sphere's facets are ~1 mm inside the true sphere
}

void testExtractSphere() {
    current = "extractSurface of an analytic sphere";
    SdfGridOut g;
    g.n = 40;
    g.voxel = 0.3f / 39;
    for (float& o : g.origin) o = -0.15f;
    g.phi.resize(40 * 40 * 40);
    for (int k = 0; k < 40; ++k)
        for (int j = 0; j < 40; ++j)
            for (int i = 0; i < 40; ++i) {
                const float p[3] = {-0.15f + i * g.voxel, -0.15f + j * g.voxel, -0.15f + k * g.voxel};
                // Two spheres: the small one must be dropped as a second component.
                const float a = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) - 0.09f;
                const float b = std::sqrt((p[0] - 0.12f) * (p[0] - 0.12f) + (p[1] - 0.12f) * (p[1] - 0.12f) +
                                          (p[2] - 0.12f) * (p[2] - 0.12f)) - 0.015f;
                g.phi[((size_t)k * 40 + j) * 40 + i] = std::min(a, b);
            }
    SurfaceMesh s = extractSurface(g);
    std::printf("  sphere: %zu triangles, %d components, watertight %d\n", s.indices.size() / 3, s.components,
                (int)s.watertight);
    CHECK(s.watertight);
    CHECK(s.components == 2);
    double err = 0, vol = 0;
    for (size_t v = 0; v < s.positions.size() / 3; ++v) {
        const float* p = &s.positions[v * 3];
        err = std::max(err, std::fabs(std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) - 0.09));
    }
    for (size_t t = 0; t < s.indices.size() / 3; ++t) {
        const float* a = &s.positions[s.indices[t * 3] * 3];
        const float* b = &s.positions[s.indices[t * 3 + 1] * 3];
        const float* c = &s.positions[s.indices[t * 3 + 2] * 3];
        vol += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6;
    }
    std::printf("  sphere: max radial error %.5f m, volume %.6f (true %.6f)\n", err, vol, 4.18879 * 0.09 * 0.09 * 0.09);
    CHECK(err < 0.5 * g.voxel);
    CHECK(vol > 0);  // outward orientation
    CHECK(std::fabs(vol / (4.18879 * 0.09 * 0.09 * 0.09) - 1) < 0.03);
}

SdfFitParams fitParams(BackendRequest backend) {
    SdfFitParams p;
    p.resolutions = {32, 64};
    p.steps = {60, 60};
    p.backend = backend;
    return p;
}

void testFitEllipsoidCpu() {
    current = "fit an ellipsoid from 16 silhouettes (CPU, 64³)";
    Scene s = ellipsoidScene();
    const MeshView prior = s.prior.view();
    int calls = 0;
    SdfFitParams p = fitParams(BackendRequest::Cpu);
    p.progress = [&](int step, int total, const SdfLosses&) {
        ++calls;
        return step <= total;
    };
    SdfFitOutput out = fitSdf(s.views.data(), (int)s.views.size(), &prior, p);
    SurfaceMesh m = extractSurface(out.grid);
    const Quality q = measure(m);
    const float diag = 2 * std::sqrt(kRadii[0] * kRadii[0] + kRadii[1] * kRadii[1] + kRadii[2] * kRadii[2]);
    std::printf("  ellipsoid: %.2f s, %d steps, mask loss %.4f → %.4f, eikonal %.4f, %zu triangles, watertight %d\n",
                out.seconds, out.steps, out.initial.mask, out.final.mask, out.final.eikonal, m.indices.size() / 3,
                (int)m.watertight);
    std::printf("  ellipsoid: Chamfer %.5f m = %.3f %% of the diagonal, normal consistency %.4f\n", q.chamfer,
                100 * q.chamfer / diag, q.normalConsistency);
    CHECK(calls == 120 && out.steps == 120 && !out.cancelled);
    CHECK(m.watertight);
    CHECK(q.chamfer <= 0.01f * diag);
    CHECK(q.normalConsistency >= 0.95f);
}

void testCancel() {
    current = "cancel from the progress callback";
    Scene s = ellipsoidScene();
    SdfFitParams p = fitParams(BackendRequest::Cpu);
    p.side = 0.35f;
    p.progress = [](int step, int, const SdfLosses&) { return step < 5; };
    SdfFitOutput out = fitSdf(s.views.data(), (int)s.views.size(), nullptr, p);
    CHECK(out.cancelled && out.steps == 5);
}

void testBadInput() {
    current = "bad input is an InvalidArgument";
    Scene s = ellipsoidScene();
    SdfFitParams p = fitParams(BackendRequest::Cpu);
    p.steps = {1, 1};
    p.side = 0.35f;
    auto throws = [&](std::vector<SdfView> views) {
        try {
            fitSdf(views.data(), (int)views.size(), nullptr, p);
        } catch (const InvalidArgument& e) {
            std::printf("  rejected: %s\n", e.what());
            return true;
        }
        return false;
    };
    std::vector<SdfView> nan = s.views;
    nan[3].camera.t[2] = NAN;
    CHECK(throws(nan));
    std::vector<uint8_t> empty(256 * 256, 0);
    std::vector<SdfView> emptyMask = s.views;
    emptyMask[5].mask = empty.data();
    CHECK(throws(emptyMask));
    CHECK(throws({}));
}

void testCudaParity() {
    current = "CPU and CUDA fits agree";
    const BackendInfo info = backendInfo();
    if (info.backend != Backend::Cuda) {
        std::printf("  SKIP CUDA parity: %s\n", info.reason.c_str());
        return;
    }
    Scene s = ellipsoidScene();
    const MeshView prior = s.prior.view();
    SdfFitOutput cpu = fitSdf(s.views.data(), 16, &prior, fitParams(BackendRequest::Cpu));
    SdfFitOutput gpu = fitSdf(s.views.data(), 16, &prior, fitParams(BackendRequest::Auto));
    CHECK(gpu.backend == Backend::Cuda);
    double maxDiff = 0, meanDiff = 0;
    for (size_t i = 0; i < cpu.grid.phi.size(); ++i) {
        const double d = std::fabs(cpu.grid.phi[i] - gpu.grid.phi[i]) / cpu.grid.voxel;
        maxDiff = std::max(maxDiff, d);
        meanDiff += d;
    }
    meanDiff /= (double)cpu.grid.phi.size();
    const Quality qc = measure(extractSurface(cpu.grid)), qg = measure(extractSurface(gpu.grid));
    std::printf("  parity on %s: CPU %.2f s, CUDA %.2f s; |Δφ| mean %.5f max %.4f voxels; Chamfer CPU %.5f CUDA %.5f m\n",
                info.device.c_str(), cpu.seconds, gpu.seconds, meanDiff, maxDiff, qc.chamfer, qg.chamfer);
    CHECK(meanDiff < 0.02);
    CHECK(std::fabs(qc.chamfer - qg.chamfer) < 0.2f * cpu.grid.voxel);
}

// Time per grid configuration on each backend (the ellipsoid scene, 16 views): fit and marching.
void bench() {
    const BackendInfo info = backendInfo();
    std::printf("device: %s (%s)\n", info.device.empty() ? "none" : info.device.c_str(), info.reason.c_str());
    std::printf("| grid | backend | fit (s) | steps/s | marching (s) | triangles | |Δφ| vs CPU (voxels) |\n|---|---|---|---|---|---|---|\n");
    Scene s = ellipsoidScene();
    const MeshView prior = s.prior.view();
    const std::vector<std::pair<std::vector<int>, std::vector<int>>> configs = {
        {{32}, {60}}, {{32, 64}, {60, 60}}, {{32, 64, 128}, {60, 60, 30}}, {{32, 64, 128, 256}, {60, 60, 30, 20}}};
    for (const auto& c : configs) {
        std::vector<float> cpuPhi;
        for (BackendRequest b : {BackendRequest::Cpu, BackendRequest::Auto}) {
            if (b == BackendRequest::Auto && info.backend != Backend::Cuda) continue;
            if (b == BackendRequest::Cpu && c.first.back() > 128 && info.backend == Backend::Cuda) continue;
            SdfFitParams p;
            p.resolutions = c.first;
            p.steps = c.second;
            p.backend = b;
            SdfFitOutput out = fitSdf(s.views.data(), 16, &prior, p);
            const auto t0 = std::chrono::steady_clock::now();
            SurfaceMesh m = extractSurface(out.grid);
            const double mc = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::string name;
            for (int r : c.first) name += (name.empty() ? "" : "→") + std::to_string(r) + "³";
            double diff = -1;
            if (b == BackendRequest::Cpu) cpuPhi = out.grid.phi;
            else if (cpuPhi.size() == out.grid.phi.size()) {
                diff = 0;
                for (size_t i = 0; i < cpuPhi.size(); ++i) diff += std::fabs(cpuPhi[i] - out.grid.phi[i]) / out.grid.voxel;
                diff /= (double)cpuPhi.size();
            }
            int steps = 0;
            for (int x : c.second) steps += x;
            std::printf("| %s | %s | %.2f | %.1f | %.2f | %zu | %s |\n", name.c_str(),
                        out.backend == Backend::Cuda ? "cuda" : "cpu", out.seconds, steps / out.seconds, mc,
                        m.indices.size() / 3, diff < 0 ? "–" : std::to_string(diff).c_str());
        }
    }
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    std::printf("peak RSS of the whole run: %ld MB\n", u.ru_maxrss / 1024);
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IONBF, 0);
    if (argc > 1 && std::strcmp(argv[1], "bench") == 0) {
        bench();
        return 0;
    }
    const bool parityOnly = argc > 1 && std::strcmp(argv[1], "parity-only") == 0;
    std::vector<void (*)()> tests = {testMeshSdfOfSphere, testExtractSphere, testBadInput, testCancel,
                                     testFitEllipsoidCpu, testCudaParity};
    if (parityOnly) tests = {testCudaParity};
    for (auto t : tests) {
        const int before = failures;
        const auto t0 = std::chrono::steady_clock::now();
        t();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%s %s (%.2f s)\n", failures == before ? "ok  " : "FAIL", current.c_str(), s);
    }
    std::printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
