// Rasterization math shared by the CPU path and the CUDA kernels. Both compile exactly these
// functions (CUDA with --fmad=false, C++ with -ffp-contract=off), so coverage, depth and triangle ids
// agree bit for bit between backends and colours to rounding.
//
// Sample space: pixel (i, j)'s sample sits at (i, j) — OpenCV pixel centres for camera images; atlas
// texel centres after x = u*W - 0.5. Edge functions run on 8-bit sub-pixel fixed point in int64, so
// coverage is exact and watertight (no cracks or double hits along shared edges).
#pragma once

#include <cmath>
#include <cstdint>

#include "gen3d/core.h"

#ifdef __CUDACC__
#define G3D_HD __host__ __device__ __forceinline__
#else
#define G3D_HD inline
#endif

namespace gen3d {
namespace detail {

constexpr int kSubBits = 8;
constexpr float kSubScale = 256.0f;
// Beyond 2^21 px, edge-function products could overflow int64; such triangles are dropped.
constexpr float kMaxCoord = 2097152.0f;
constexpr unsigned long long kEmptyKey = ~0ull;

struct TriSetup {
    long long x[3], y[3];  // fixed-point sample-space vertices, ordered so that the area is > 0
    float invZ[3];         // 1/z of each vertex (1 for UV-space rasterization)
    uint32_t vi[3];        // mesh vertex index of each setup vertex
    int x0, y0, x1, y1;    // inclusive pixel bounds inside the target
    float invArea;
    int valid;
};

G3D_HD long long edgeFn(long long ax, long long ay, long long bx, long long by, long long px, long long py) {
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

// A sample exactly on an edge belongs to the triangle for which this edge direction owns ties; the
// neighbour across a shared edge sees the reversed direction and does not.
G3D_HD bool ownsTies(long long ax, long long ay, long long bx, long long by) {
    long long dx = bx - ax, dy = by - ay;
    return dy > 0 || (dy == 0 && dx < 0);
}

G3D_HD long long toFixed(float v) { return (long long)floorf(v * kSubScale + 0.5f); }

G3D_HD long long floorDiv256(long long v) { return v >= 0 ? v / 256 : -((-v + 255) / 256); }

G3D_HD long long ceilDiv256(long long v) { return -floorDiv256(-v); }

// Camera-space position of a world point: R p + t (fixed operation order for both backends).
G3D_HD void toCamera(const Camera& c, const float* p, float out[3]) {
    out[0] = c.R[0] * p[0] + c.R[1] * p[1] + c.R[2] * p[2] + c.t[0];
    out[1] = c.R[3] * p[0] + c.R[4] * p[1] + c.R[5] * p[2] + c.t[1];
    out[2] = c.R[6] * p[0] + c.R[7] * p[1] + c.R[8] * p[2] + c.t[2];
}

G3D_HD void rotate(const Camera& c, const float* v, float out[3]) {
    out[0] = c.R[0] * v[0] + c.R[1] * v[1] + c.R[2] * v[2];
    out[1] = c.R[3] * v[0] + c.R[4] * v[1] + c.R[5] * v[2];
    out[2] = c.R[6] * v[0] + c.R[7] * v[1] + c.R[8] * v[2];
}

// Fills `t` from sample-space vertices; false when degenerate, culled, or outside the target.
// cullBack: drop triangles seen from behind (CCW-from-outside faces the camera when its image-space
// area, y down, is negative).
G3D_HD bool setupTriangle(const float sx[3], const float sy[3], const float invZ[3], const uint32_t vi[3],
                          int width, int height, bool cullBack, TriSetup& t) {
    t.valid = 0;
    long long X[3], Y[3];
    for (int k = 0; k < 3; ++k) {
        if (!(fabsf(sx[k]) <= kMaxCoord && fabsf(sy[k]) <= kMaxCoord)) return false;  // also NaN
        X[k] = toFixed(sx[k]);
        Y[k] = toFixed(sy[k]);
    }
    long long area = edgeFn(X[0], Y[0], X[1], Y[1], X[2], Y[2]);
    if (area == 0) return false;
    if (cullBack && area > 0) return false;
    int o1 = 1, o2 = 2;
    if (area < 0) {
        o1 = 2;
        o2 = 1;
        area = -area;
    }
    const int ord[3] = {0, o1, o2};
    long long minX = X[0], maxX = X[0], minY = Y[0], maxY = Y[0];
    for (int k = 0; k < 3; ++k) {
        t.x[k] = X[ord[k]];
        t.y[k] = Y[ord[k]];
        t.invZ[k] = invZ[ord[k]];
        t.vi[k] = vi[ord[k]];
        minX = X[k] < minX ? X[k] : minX;
        maxX = X[k] > maxX ? X[k] : maxX;
        minY = Y[k] < minY ? Y[k] : minY;
        maxY = Y[k] > maxY ? Y[k] : maxY;
    }
    long long x0 = ceilDiv256(minX), x1 = floorDiv256(maxX);
    long long y0 = ceilDiv256(minY), y1 = floorDiv256(maxY);
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > width - 1 ? width - 1 : x1;
    y1 = y1 > height - 1 ? height - 1 : y1;
    if (x0 > x1 || y0 > y1) return false;
    t.x0 = (int)x0;
    t.x1 = (int)x1;
    t.y0 = (int)y0;
    t.y1 = (int)y1;
    t.invArea = 1.0f / (float)area;
    t.valid = 1;
    return true;
}

G3D_HD bool insideEdge(long long w, long long ax, long long ay, long long bx, long long by) {
    return w > 0 || (w == 0 && ownsTies(ax, ay, bx, by));
}

// Edge values at pixel (px, py): w[k] is the (unnormalised) barycentric of setup vertex k.
G3D_HD bool covers(const TriSetup& t, int px, int py, long long w[3]) {
    const long long sx = (long long)px * 256, sy = (long long)py * 256;
    w[0] = edgeFn(t.x[1], t.y[1], t.x[2], t.y[2], sx, sy);
    w[1] = edgeFn(t.x[2], t.y[2], t.x[0], t.y[0], sx, sy);
    w[2] = edgeFn(t.x[0], t.y[0], t.x[1], t.y[1], sx, sy);
    return insideEdge(w[0], t.x[1], t.y[1], t.x[2], t.y[2]) && insideEdge(w[1], t.x[2], t.y[2], t.x[0], t.y[0]) &&
           insideEdge(w[2], t.x[0], t.y[0], t.x[1], t.y[1]);
}

// Perspective-correct barycentrics and camera-space depth (1 / interpolated 1/z).
G3D_HD void perspectiveBary(const TriSetup& t, const long long w[3], float b[3], float& depth) {
    float q0 = (float)w[0] * t.invArea * t.invZ[0];
    float q1 = (float)w[1] * t.invArea * t.invZ[1];
    float q2 = (float)w[2] * t.invArea * t.invZ[2];
    float inv = 1.0f / (q0 + q1 + q2);
    b[0] = q0 * inv;
    b[1] = q1 * inv;
    b[2] = q2 * inv;
    depth = inv;
}

G3D_HD void affineBary(const TriSetup& t, const long long w[3], float b[3]) {
    b[0] = (float)w[0] * t.invArea;
    b[1] = (float)w[1] * t.invArea;
    b[2] = (float)w[2] * t.invArea;
}

G3D_HD uint32_t floatBits(float f) {
#ifdef __CUDA_ARCH__
    return __float_as_uint(f);
#else
    union {
        float f;
        uint32_t u;
    } v;
    v.f = f;
    return v.u;
#endif
}

G3D_HD float bitsFloat(uint32_t u) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    union {
        float f;
        uint32_t u;
    } v;
    v.u = u;
    return v.f;
#endif
}

// z-buffer key: positive depth bits above the triangle id, so min(key) = nearest, then lowest id.
G3D_HD unsigned long long depthKey(float depth, uint32_t tri) {
    return ((unsigned long long)floatBits(depth) << 32) | tri;
}

G3D_HD float keyDepth(unsigned long long key) {
    return key == kEmptyKey ? INFINITY : bitsFloat((uint32_t)(key >> 32));
}

// Bilinear sample of a C-channel 8-bit image at sample-space (x, y), clamped to the edge.
template <int C>
G3D_HD void sampleBilinear(const uint8_t* img, int w, int h, float x, float y, float out[C]) {
    float fx0 = floorf(x), fy0 = floorf(y);
    float ax = x - fx0, ay = y - fy0;
    int x0 = (int)fx0, y0 = (int)fy0;
    int x1 = x0 + 1, y1 = y0 + 1;
    x0 = x0 < 0 ? 0 : (x0 > w - 1 ? w - 1 : x0);
    x1 = x1 < 0 ? 0 : (x1 > w - 1 ? w - 1 : x1);
    y0 = y0 < 0 ? 0 : (y0 > h - 1 ? h - 1 : y0);
    y1 = y1 < 0 ? 0 : (y1 > h - 1 ? h - 1 : y1);
    const uint8_t* p00 = img + ((size_t)y0 * w + x0) * C;
    const uint8_t* p10 = img + ((size_t)y0 * w + x1) * C;
    const uint8_t* p01 = img + ((size_t)y1 * w + x0) * C;
    const uint8_t* p11 = img + ((size_t)y1 * w + x1) * C;
    for (int c = 0; c < C; ++c) {
        float top = (float)p00[c] + ((float)p10[c] - (float)p00[c]) * ax;
        float bot = (float)p01[c] + ((float)p11[c] - (float)p01[c]) * ax;
        out[c] = top + (bot - top) * ay;
    }
}

G3D_HD void sampleRgba(const uint8_t* img, int w, int h, float x, float y, float out[4]) {
    sampleBilinear<4>(img, w, h, x, y, out);
}

// A one-channel mask at (x, y) as 0..1.
G3D_HD float sampleMask(const uint8_t* img, int w, int h, float x, float y) {
    float value[1];
    sampleBilinear<1>(img, w, h, x, y, value);
    return value[0] * (1.0f / 255.0f);
}

G3D_HD uint8_t toByte(float v) {
    v = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
    return (uint8_t)(v + 0.5f);
}

// Everything a per-pixel / per-texel pass reads, as raw pointers (host or device memory).
struct MeshArrays {
    const float* positions;
    const float* uvs;      // may be null
    const float* normals;  // always present (computed when the caller gave none)
    const uint32_t* indices;
    uint32_t vertexCount, triangleCount;
};

// Projects triangle `tri` into a camera image (sample space = pixel coordinates); false if any
// vertex is nearer than `near`.
G3D_HD bool setupCameraTriangle(const MeshArrays& m, const Camera& cam, uint32_t tri, int width, int height,
                                bool cullBack, float near, TriSetup& t) {
    float sx[3], sy[3], iz[3];
    uint32_t vi[3];
    for (int k = 0; k < 3; ++k) {
        vi[k] = m.indices[(size_t)tri * 3 + k];
        float pc[3];
        toCamera(cam, m.positions + (size_t)vi[k] * 3, pc);
        if (!(pc[2] >= near)) {
            t.valid = 0;
            return false;
        }
        iz[k] = 1.0f / pc[2];
        sx[k] = cam.fx * pc[0] * iz[k] + cam.cx;
        sy[k] = cam.fy * pc[1] * iz[k] + cam.cy;
    }
    return setupTriangle(sx, sy, iz, vi, width, height, cullBack, t);
}

// UV-space setup for an atlas of width × height texels (no perspective, no culling).
G3D_HD bool setupUvTriangle(const MeshArrays& m, uint32_t tri, int width, int height, TriSetup& t) {
    float sx[3], sy[3];
    const float iz[3] = {1.0f, 1.0f, 1.0f};
    uint32_t vi[3];
    for (int k = 0; k < 3; ++k) {
        vi[k] = m.indices[(size_t)tri * 3 + k];
        sx[k] = m.uvs[(size_t)vi[k] * 2] * (float)width - 0.5f;
        sy[k] = m.uvs[(size_t)vi[k] * 2 + 1] * (float)height - 0.5f;
    }
    return setupTriangle(sx, sy, iz, vi, width, height, false, t);
}

G3D_HD void interp3(const float* a, const uint32_t vi[3], const float b[3], float out[3]) {
    for (int c = 0; c < 3; ++c)
        out[c] = b[0] * a[(size_t)vi[0] * 3 + c] + b[1] * a[(size_t)vi[1] * 3 + c] + b[2] * a[(size_t)vi[2] * 3 + c];
}

struct RenderShadeArgs {
    Camera cam;
    int width, height;
    const uint8_t* texture;  // null → white
    int texW, texH;
    uint8_t background[4];
    int lambert;
    float ambient;
};

// Colour of one rendered pixel from its z-buffer key.
G3D_HD void shadePixel(const MeshArrays& m, const TriSetup* setups, const RenderShadeArgs& a, int px, int py,
                       unsigned long long key, uint8_t out[4], float& depthOut, int32_t& idOut) {
    if (key == kEmptyKey) {
        for (int c = 0; c < 4; ++c) out[c] = a.background[c];
        depthOut = INFINITY;
        idOut = -1;
        return;
    }
    const uint32_t tri = (uint32_t)(key & 0xffffffffu);
    const TriSetup& t = setups[tri];
    long long w[3];
    covers(t, px, py, w);
    float b[3], depth;
    perspectiveBary(t, w, b, depth);
    depthOut = keyDepth(key);
    idOut = (int32_t)tri;
    float col[4] = {255.0f, 255.0f, 255.0f, 255.0f};
    if (a.texture && m.uvs) {
        float u = 0, v = 0;
        for (int k = 0; k < 3; ++k) {
            u += b[k] * m.uvs[(size_t)t.vi[k] * 2];
            v += b[k] * m.uvs[(size_t)t.vi[k] * 2 + 1];
        }
        sampleRgba(a.texture, a.texW, a.texH, u * (float)a.texW - 0.5f, v * (float)a.texH - 0.5f, col);
    }
    if (a.lambert) {
        float n[3], p[3], nc[3], pc[3];
        interp3(m.normals, t.vi, b, n);
        interp3(m.positions, t.vi, b, p);
        rotate(a.cam, n, nc);
        toCamera(a.cam, p, pc);
        float nl = sqrtf(nc[0] * nc[0] + nc[1] * nc[1] + nc[2] * nc[2]);
        float pl = sqrtf(pc[0] * pc[0] + pc[1] * pc[1] + pc[2] * pc[2]);
        float cosv = 1.0f;
        if (nl > 0.0f && pl > 0.0f) cosv = fabsf(nc[0] * pc[0] + nc[1] * pc[1] + nc[2] * pc[2]) / (nl * pl);
        float shade = a.ambient + (1.0f - a.ambient) * cosv;
        for (int c = 0; c < 3; ++c) col[c] *= shade;
    }
    for (int c = 0; c < 4; ++c) out[c] = toByte(col[c]);
}

struct BakeTexelArgs {
    Camera cam;
    const uint8_t* photo;
    int photoW, photoH;
    const uint8_t* mask;  // may be null
    const unsigned long long* photoKeys;  // z-buffer of the photo camera
    int atlasW, atlasH;
    float depthEpsilon, near;
};

// Colour and weight of one atlas texel from its UV-space key.
G3D_HD void bakeTexel(const MeshArrays& m, const TriSetup* uvSetups, const BakeTexelArgs& a, int px, int py,
                      unsigned long long key, uint8_t out[4], float& weight) {
    for (int c = 0; c < 4; ++c) out[c] = 0;
    weight = 0.0f;
    if (key == kEmptyKey) return;
    const TriSetup& t = uvSetups[(uint32_t)(key & 0xffffffffu)];
    long long w[3];
    covers(t, px, py, w);
    float b[3], p[3], n[3], pc[3], nc[3];
    affineBary(t, w, b);
    interp3(m.positions, t.vi, b, p);
    interp3(m.normals, t.vi, b, n);
    toCamera(a.cam, p, pc);
    if (!(pc[2] >= a.near)) return;
    const float u = a.cam.fx * pc[0] / pc[2] + a.cam.cx;
    const float v = a.cam.fy * pc[1] / pc[2] + a.cam.cy;
    if (!(u >= -0.5f && u < (float)a.photoW - 0.5f && v >= -0.5f && v < (float)a.photoH - 0.5f)) return;
    int ix = (int)floorf(u + 0.5f), iy = (int)floorf(v + 0.5f);
    ix = ix > a.photoW - 1 ? a.photoW - 1 : ix;
    iy = iy > a.photoH - 1 ? a.photoH - 1 : iy;
    const float d = keyDepth(a.photoKeys[(size_t)iy * a.photoW + ix]);
    if (!(pc[2] <= d * (1.0f + a.depthEpsilon))) return;  // occluded
    rotate(a.cam, n, nc);
    float nl = sqrtf(nc[0] * nc[0] + nc[1] * nc[1] + nc[2] * nc[2]);
    float pl = sqrtf(pc[0] * pc[0] + pc[1] * pc[1] + pc[2] * pc[2]);
    if (!(nl > 0.0f && pl > 0.0f)) return;
    float cosv = -(nc[0] * pc[0] + nc[1] * pc[1] + nc[2] * pc[2]) / (nl * pl);
    if (!(cosv > 0.0f)) return;
    float wgt = cosv;
    if (a.mask) wgt *= sampleMask(a.mask, a.photoW, a.photoH, u, v);
    if (!(wgt > 0.0f)) return;
    float col[4];
    sampleRgba(a.photo, a.photoW, a.photoH, u, v, col);
    for (int c = 0; c < 4; ++c) out[c] = toByte(col[c]);
    weight = wgt;
}

}  // namespace detail
}  // namespace gen3d
