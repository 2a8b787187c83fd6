// C++ tests of the native core (no Node): exact coverage, depth, UV sampling, bake, dilation,
// validation, and CPU-vs-CUDA parity when a GPU answers. Run by ctest; exit code 1 on any failure.
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "check.h"
#include "fixtures.h"
#include "gen3d/core.h"
#include "raster_math.h"

using namespace gen3d;
using fixtures::frontCamera;

namespace {

RenderParams params(const Camera& cam, int w, int h, BackendRequest b = BackendRequest::Cpu) {
    RenderParams p;
    p.camera = cam;
    p.width = w;
    p.height = h;
    p.background[0] = 10;
    p.background[1] = 20;
    p.background[2] = 30;
    p.background[3] = 0;
    p.backend = b;
    return p;
}

// Reference bilinear (clamp) for RGBA8, independent of raster_math.h.
float refBilinear(const std::vector<uint8_t>& img, int w, int h, float x, float y, int c) {
    const int x0 = (int)std::floor(x), y0 = (int)std::floor(y);
    const float ax = x - x0, ay = y - y0;
    auto at = [&](int xi, int yi) {
        xi = std::min(std::max(xi, 0), w - 1);
        yi = std::min(std::max(yi, 0), h - 1);
        return (float)img[((size_t)yi * w + xi) * 4 + c];
    };
    return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) + ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
}

void testQuadCoverageAndTies() {
    // 64×64 view; the quad's edges fall on pixel borders, so exactly all 4096 pixels are covered.
    auto q = fixtures::quad();
    const Camera cam = frontCamera(4, 128, 64, 64);
    RenderOutput out = renderTexturedMesh(q.view(), nullptr, params(cam, 64, 64));
    int covered = 0;
    for (int32_t id : out.triangleId) covered += id >= 0;
    CHECK(covered == 64 * 64);
    for (float d : out.depth) CHECK(std::fabs(d - 4.0f) < 1e-5f);
    // The diagonal passes through pixel centres: each pixel must belong to exactly one triangle.
    detail::MeshArrays m{q.positions.data(), q.uvs.data(), nullptr, q.indices.data(), 4, 2};
    detail::TriSetup t[2];
    CHECK(detail::setupCameraTriangle(m, cam, 0, 64, 64, false, 1e-3f, t[0]));
    CHECK(detail::setupCameraTriangle(m, cam, 1, 64, 64, false, 1e-3f, t[1]));
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            long long w[3];
            const int hits = (int)detail::covers(t[0], x, y, w) + (int)detail::covers(t[1], x, y, w);
            CHECK(hits == 1);
        }
    // Background keeps its colour, depth +inf, id -1 (shrink the quad to half the view).
    auto small = fixtures::quad(0.5f);
    out = renderTexturedMesh(small.view(), nullptr, params(cam, 64, 64));
    CHECK(out.triangleId[0] == -1 && std::isinf(out.depth[0]) && out.rgba[0] == 10 && out.rgba[3] == 0);
    covered = 0;
    for (int32_t id : out.triangleId) covered += id >= 0;
    CHECK(covered == 32 * 32);  // x ∈ [-0.5, 0.5] → u ∈ [15.5, 47.5] → pixels 16..47
}

void testWatertightGrid() {
    // 8×8 grid of quads whose grid lines (horizontal, vertical, diagonal) pass through pixel centres:
    // every interior pixel must be covered by exactly one triangle, boundary pixels by at most one.
    fixtures::Mesh grid;
    for (int gy = 0; gy < 8; ++gy)
        for (int gx = 0; gx < 8; ++gx) {
            auto cell = fixtures::quad(0.125f);
            for (size_t v = 0; v < 4; ++v) {
                cell.positions[v * 3] += -0.875f + 0.25f * gx;
                cell.positions[v * 3 + 1] += -0.875f + 0.25f * gy;
            }
            if ((gx + gy) % 2) cell.indices = {0, 3, 1, 1, 3, 2};  // alternate diagonals
            grid.append(cell);
        }
    Camera cam = frontCamera(4, 128, 64, 64);
    cam.cx = cam.cy = 32;  // grid lines at u = 8k
    const auto m = grid.view();
    detail::MeshArrays arrays{m.positions, m.uvs, nullptr, m.indices, m.vertexCount, m.triangleCount};
    std::vector<detail::TriSetup> setups(m.triangleCount);
    for (uint32_t i = 0; i < m.triangleCount; ++i)
        CHECK(detail::setupCameraTriangle(arrays, cam, i, 65, 65, true, 1e-3f, setups[i]));
    for (int y = 0; y <= 64; ++y)
        for (int x = 0; x <= 64; ++x) {
            int hits = 0;
            long long w[3];
            for (auto& t : setups) hits += x >= t.x0 && x <= t.x1 && y >= t.y0 && y <= t.y1 && detail::covers(t, x, y, w);
            const bool interior = x > 0 && x < 64 && y > 0 && y < 64;
            CHECK(interior ? hits == 1 : hits <= 1);
        }
}

void testCubeDepthAndCulling() {
    auto c = fixtures::cube(0.5f);
    const Camera cam = frontCamera(3, 128, 64, 64);
    for (bool cull : {false, true}) {
        RenderParams p = params(cam, 64, 64);
        p.cullBackFaces = cull;
        RenderOutput out = renderTexturedMesh(c.view(), nullptr, p);
        // Front face z = 0.5 at depth 2.5: x ∈ [-0.5, 0.5] → u ∈ [5.9, 57.1] → pixels 6..57.
        int covered = 0;
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                const size_t i = (size_t)y * 64 + x;
                const bool inside = x >= 6 && x <= 57 && y >= 6 && y <= 57;
                CHECK((out.triangleId[i] >= 0) == inside);
                if (!inside) continue;
                ++covered;
                CHECK(out.triangleId[i] == 0 || out.triangleId[i] == 1);  // the +Z face
                CHECK(std::fabs(out.depth[i] - 2.5f) < 1e-5f);
            }
        CHECK(covered == 52 * 52);
    }
    // Seen from behind (camera at -Z looking +Z), a culled single quad disappears.
    auto q = fixtures::quad();
    Camera back = cam;
    const float R[9] = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    for (int i = 0; i < 9; ++i) back.R[i] = R[i];
    RenderParams p = params(back, 64, 64);
    int visible = 0;
    for (int32_t id : renderTexturedMesh(q.view(), nullptr, p).triangleId) visible += id >= 0;
    CHECK(visible > 0);
    p.cullBackFaces = true;
    visible = 0;
    for (int32_t id : renderTexturedMesh(q.view(), nullptr, p).triangleId) visible += id >= 0;
    CHECK(visible == 0);
}

void testTexturedQuadSampling() {
    // 8×8 texture over a quad filling the 64×64 view: pixel (x, y) samples uv ((x+.5)/64, (y+.5)/64).
    auto q = fixtures::quad();
    auto tex = fixtures::pattern(8, 8);
    ImageView tv{tex.data(), 8, 8};
    RenderOutput out = renderTexturedMesh(q.view(), &tv, params(frontCamera(4, 128, 64, 64), 64, 64));
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            for (int c = 0; c < 4; ++c) {
                const float want = refBilinear(tex, 8, 8, (x + 0.5f) / 8 - 0.5f, (y + 0.5f) / 8 - 0.5f, c);
                CHECK(std::fabs(out.rgba[((size_t)y * 64 + x) * 4 + c] - want) <= 0.51f);
            }
}

void testPerspectiveCorrectUv() {
    // Quad tilted 60° about Y; uv at each pixel from an exact ray/plane intersection.
    auto q = fixtures::quad();
    const float a = 1.0471976f, ca = std::cos(a), sa = std::sin(a);
    for (size_t v = 0; v < 4; ++v) {
        float& x = q.positions[v * 3];
        float& z = q.positions[v * 3 + 2];
        const float nx = ca * x + sa * z, nz = -sa * x + ca * z;
        x = nx;
        z = nz;
    }
    const int W = 128;
    auto tex = fixtures::pattern(256, 256);
    ImageView tv{tex.data(), 256, 256};
    const Camera cam = frontCamera(3, 200, W, W);
    RenderOutput out = renderTexturedMesh(q.view(), &tv, params(cam, W, W));
    int checked = 0;
    for (int py = 0; py < W; ++py)
        for (int px = 0; px < W; ++px) {
            const size_t i = (size_t)py * W + px;
            if (out.triangleId[i] < 0) continue;
            // camera ray (world): origin (0,0,3), dir ((px-cx)/f, -(py-cy)/f, -1); plane: n·p = 0, n = (sa, 0, ca)
            const double dx = (px - cam.cx) / cam.fx, dy = -(py - cam.cy) / cam.fy, dz = -1;
            const double s = -(ca * 3.0) / (sa * dx + ca * dz);
            const double wx = s * dx, wy = s * dy, wz = 3.0 + s * dz;
            const double lx = ca * wx - sa * wz;  // back to the quad's own frame
            const double u = (lx + 1) / 2, v = (1 - wy) / 2;
            CHECK(std::fabs(out.depth[i] - (3.0 - wz)) < 1e-4);
            const float want = refBilinear(tex, 256, 256, (float)(u * 256 - 0.5), (float)(v * 256 - 0.5), 0);
            CHECK(std::fabs(out.rgba[i * 4] - want) <= 1.01f);
            ++checked;
        }
    CHECK(checked > 2000);
}

void testLambertHeadlight() {
    auto q = fixtures::quad();
    RenderParams p = params(frontCamera(4, 128, 64, 64), 64, 64);
    p.lambert = true;
    p.ambient = 0.2f;
    RenderOutput out = renderTexturedMesh(q.view(), nullptr, p);
    // Centre pixel: cos ≈ 1 → white; corner pixel: cos = 4/|p - c|.
    const size_t centre = (size_t)32 * 64 + 32;
    CHECK(out.rgba[centre * 4] >= 254);
    const double x = (0 - 31.5) / 128 * 4, y = (31.5 - 0) / 128 * 4;
    const double cosv = 4 / std::sqrt(16 + x * x + y * y);
    CHECK(std::fabs(out.rgba[0] - 255 * (0.2 + 0.8 * cosv)) <= 1.0);
}

void testBakeIdentityAndOcclusion() {
    auto q = fixtures::quad();
    const int W = 64;
    auto photo = fixtures::pattern(W, W);
    ImageView pv{photo.data(), W, W};
    BakeParams bp;
    bp.camera = frontCamera(4, 128, W, W);
    bp.atlasWidth = bp.atlasHeight = W;
    bp.backend = BackendRequest::Cpu;
    BakeOutput out = bakeProjectedTexture(q.view(), pv, nullptr, bp);
    double se = 0;
    for (int y = 0; y < W; ++y)
        for (int x = 0; x < W; ++x) {
            const size_t i = (size_t)y * W + x;
            const double wx = -1 + 2 * (x + 0.5) / W, wy = 1 - 2 * (y + 0.5) / W;
            CHECK(std::fabs(out.weight[i] - 4 / std::sqrt(16 + wx * wx + wy * wy)) < 1e-4);
            for (int c = 0; c < 4; ++c) {
                const double d = (double)out.rgba[i * 4 + c] - photo[i * 4 + c];
                CHECK(std::fabs(d) <= 1);
                se += d * d;
            }
        }
    const double psnr = 10 * std::log10(255.0 * 255.0 / std::max(1e-12, se / (W * W * 4)));
    std::printf("  bake identity PSNR %.1f dB\n", psnr);
    CHECK(psnr > 45);

    // Occluder at z = 1 hiding the photo's left half (u < 31.5); its uvs lie outside the atlas.
    auto scene = q;
    fixtures::Mesh occ;
    occ.positions = {-2, 2, 1, 0, 2, 1, 0, -2, 1, -2, -2, 1};
    occ.uvs = {2, 2, 3, 2, 3, 3, 2, 3};
    occ.indices = {0, 3, 2, 0, 2, 1};
    scene.append(occ);
    out = bakeProjectedTexture(scene.view(), pv, nullptr, bp);
    for (int y = 0; y < W; ++y)
        for (int x = 0; x < W; ++x) {
            const size_t i = (size_t)y * W + x;
            if (x < 32) {
                CHECK(out.weight[i] == 0 && out.rgba[i * 4 + 3] == 0);
            } else {
                CHECK(out.weight[i] > 0.9f);
            }
        }

    // A mask scales the weight: 255 on the left, 64 on the right.
    std::vector<uint8_t> mask((size_t)W * W);
    for (int y = 0; y < W; ++y)
        for (int x = 0; x < W; ++x) mask[(size_t)y * W + x] = x < 32 ? 255 : 64;
    BakeOutput masked = bakeProjectedTexture(q.view(), pv, mask.data(), bp);
    BakeOutput plain = bakeProjectedTexture(q.view(), pv, nullptr, bp);
    CHECK(std::fabs(masked.weight[5] - plain.weight[5]) < 1e-6f);
    CHECK(std::fabs(masked.weight[60] - plain.weight[60] * 64.0f / 255.0f) < 1e-5f);
}

void testDilate() {
    const int W = 9;
    std::vector<uint8_t> rgba((size_t)W * W * 4, 0);
    std::vector<float> weight((size_t)W * W, 0);
    const size_t c = 4 * W + 4;
    rgba[c * 4] = 200;
    rgba[c * 4 + 3] = 255;
    weight[c] = 1;
    DilateOutput out = dilateAtlas(rgba.data(), weight.data(), W, W, 2);
    for (int y = 0; y < W; ++y)
        for (int x = 0; x < W; ++x) {
            const size_t i = (size_t)y * W + x;
            const bool near = std::abs(x - 4) <= 2 && std::abs(y - 4) <= 2;
            CHECK(out.rgba[i * 4] == (near ? 200 : 0));
            CHECK(out.filled[i] == (near && i != c ? 1 : 0));
        }
}

void testValidation() {
    auto q = fixtures::quad();
    q.indices[4] = 7;
    bool threw = false;
    try {
        renderTexturedMesh(q.view(), nullptr, params(frontCamera(4, 128, 64, 64), 64, 64));
    } catch (const InvalidArgument& e) {
        threw = std::string(e.what()).find("out of range") != std::string::npos;
    }
    CHECK(threw);
    threw = false;
    try {
        renderTexturedMesh(fixtures::quad().view(), nullptr, params(frontCamera(4, 128, 64, 64), 0, 64));
    } catch (const InvalidArgument&) {
        threw = true;
    }
    CHECK(threw);
    // A triangle through the near plane is dropped, not drawn inside out.
    auto nearQuad = fixtures::quad(1, 3.9995f);
    int covered = 0;
    for (int32_t id : renderTexturedMesh(nearQuad.view(), nullptr, params(frontCamera(4, 128, 64, 64), 64, 64)).triangleId)
        covered += id >= 0;
    CHECK(covered == 0);
}

void testCpuCudaParity() {
    const BackendInfo info = backendInfo();
    if (info.backend != Backend::Cuda) {
        std::printf("  SKIP parity: %s\n", info.reason.c_str());
        return;
    }
    std::printf("  device: %s\n", info.device.c_str());
    auto mesh = fixtures::sphere(60, 120, 0.5f, 0.15f);
    auto big = fixtures::quad(3, -0.8f);  // large background triangles exercise the block-per-triangle path
    mesh.append(big);
    auto tex = fixtures::pattern(512, 256);
    ImageView tv{tex.data(), 512, 256};
    Camera cam = frontCamera(2, 300, 320, 240);
    cam.cx = 160.3f;
    RenderParams p = params(cam, 320, 240);
    p.lambert = true;
    RenderOutput cpu = renderTexturedMesh(mesh.view(), &tv, p);
    p.backend = BackendRequest::Auto;
    RenderOutput gpu = renderTexturedMesh(mesh.view(), &tv, p);
    CHECK(gpu.backend == Backend::Cuda);
    size_t idDiff = 0, depthDiff = 0;
    int maxRgb = 0;
    for (size_t i = 0; i < cpu.triangleId.size(); ++i) {
        idDiff += cpu.triangleId[i] != gpu.triangleId[i];
        depthDiff += !(cpu.depth[i] == gpu.depth[i]);
        for (int c = 0; c < 4; ++c) maxRgb = std::max(maxRgb, std::abs(cpu.rgba[i * 4 + c] - gpu.rgba[i * 4 + c]));
    }
    std::printf("  render parity: id mismatches %zu, depth mismatches %zu, max rgba diff %d\n", idDiff, depthDiff, maxRgb);
    CHECK(idDiff == 0 && depthDiff == 0 && maxRgb <= 1);

    auto photo = fixtures::pattern(320, 240);
    ImageView pv{photo.data(), 320, 240};
    BakeParams bp;
    bp.camera = cam;
    bp.atlasWidth = bp.atlasHeight = 512;
    bp.backend = BackendRequest::Cpu;
    BakeOutput bc = bakeProjectedTexture(mesh.view(), pv, nullptr, bp);
    bp.backend = BackendRequest::Auto;
    BakeOutput bg = bakeProjectedTexture(mesh.view(), pv, nullptr, bp);
    CHECK(bg.backend == Backend::Cuda);
    float maxW = 0;
    maxRgb = 0;
    size_t visible = 0;
    for (size_t i = 0; i < bc.weight.size(); ++i) {
        maxW = std::max(maxW, std::fabs(bc.weight[i] - bg.weight[i]));
        visible += bc.weight[i] > 0;
        for (int c = 0; c < 4; ++c) maxRgb = std::max(maxRgb, std::abs(bc.rgba[i * 4 + c] - bg.rgba[i * 4 + c]));
    }
    std::printf("  bake parity: %zu visible texels, max weight diff %g, max rgba diff %d\n", visible, maxW, maxRgb);
    CHECK(visible > 10000 && maxW < 1e-5f && maxRgb <= 1);
}

}  // namespace

int main() {
    const BackendInfo info = backendInfo();
    std::printf("backend auto → %s (%s)\n", info.backend == Backend::Cuda ? "cuda" : "cpu", info.reason.c_str());
    const std::vector<std::pair<const char*, std::function<void()>>> tests = {
        {"quad coverage and shared-edge ties", testQuadCoverageAndTies},
        {"watertight grid (ties on all edge directions)", testWatertightGrid},
        {"cube depth and back-face culling", testCubeDepthAndCulling},
        {"textured quad bilinear sampling", testTexturedQuadSampling},
        {"perspective-correct uv and depth", testPerspectiveCorrectUv},
        {"lambert headlight", testLambertHeadlight},
        {"bake identity, occlusion, mask", testBakeIdentityAndOcclusion},
        {"dilate", testDilate},
        {"validation and near plane", testValidation},
        {"cpu vs cuda parity", testCpuCudaParity},
    };
    for (auto& [name, fn] : tests) {
        current = name;
        const int before = failures;
        fn();
        std::printf("%s %s\n", failures == before ? "ok  " : "FAIL", name);
    }
    std::printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
