// SDF fit math shared by the CPU loops (sdf_fit.cpp) and the CUDA kernels (sdf_cuda.cu). φ is kept in
// voxel units of the current level, so every weight and step size is resolution-free.
#pragma once

#include <cmath>
#include <cstdint>

#include "gen3d/core.h"

#ifdef __CUDACC__
#define G3D_SDF_HD __host__ __device__ __forceinline__
#else
#define G3D_SDF_HD inline
#endif

namespace gen3d {
namespace detail {

struct SdfGridDesc {
    int n;
    float origin[3];
    float voxel;
};

struct SdfRayView {
    Camera cam;
    float centre[3];  // camera centre, world
    int width, height;
    const uint8_t* mask;
    const uint32_t* edgePixels;  // pixels near the silhouette edge
    int edgeCount;
};

struct SdfWeights {
    float mask, eikonal, prior, smooth;
    int raysPerView;
    uint32_t step;
};

// A 32-bit hash (lowbias32): the ray choice is the same on both backends.
G3D_SDF_HD uint32_t hash32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

// Pixel of ray k of view v at a step: even k near the silhouette edge, odd k anywhere in the image.
G3D_SDF_HD uint32_t rayPixel(const SdfRayView& view, uint32_t v, uint32_t k, uint32_t step) {
    const uint32_t h = hash32(hash32(step * 0x9E3779B9U ^ v) ^ (k * 0x85EBCA6BU + 0x27d4eb2fU));
    if ((k & 1u) == 0 && view.edgeCount > 0) return view.edgePixels[h % (uint32_t)view.edgeCount];
    return h % (uint32_t)(view.width * view.height);
}

G3D_SDF_HD size_t nodeIndex(int n, int i, int j, int k) { return ((size_t)k * n + j) * n + i; }

// Trilinear φ at grid coordinates g (0..n-1 per axis, clamped inside); corner indices and weights out.
G3D_SDF_HD float trilinear(const float* phi, int n, float gx, float gy, float gz, size_t idx[8], float w[8]) {
    const float lim = (float)(n - 1) - 1e-4f;
    gx = fminf(fmaxf(gx, 0.0f), lim);
    gy = fminf(fmaxf(gy, 0.0f), lim);
    gz = fminf(fmaxf(gz, 0.0f), lim);
    const int i = (int)gx, j = (int)gy, k = (int)gz;
    const float fx = gx - (float)i, fy = gy - (float)j, fz = gz - (float)k;
    float value = 0;
    for (int c = 0; c < 8; ++c) {
        const int dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
        const float wc = (dx ? fx : 1.0f - fx) * (dy ? fy : 1.0f - fy) * (dz ? fz : 1.0f - fz);
        idx[c] = nodeIndex(n, i + dx, j + dy, k + dz);
        w[c] = wc;
        value += wc * phi[idx[c]];
    }
    return value;
}

// A pixel only says on which side of the silhouette its centre lies, so without a margin every
// surface within half a pixel of the true edge costs nothing, and the prior (or a coarser level) holds
// the surface anywhere in that dead zone — measured on the synthetic ellipsoid: 1–1.5 mm too small all
// over, 120 px per view missing at the silhouettes. With a margin of half a pixel on both sides the
// only loss-free edge lies halfway between the last object and the first background pixel centre.
constexpr float kSilhouetteMarginPixels = 0.5f;

// One ray's silhouette loss and its gradient (through `add(index, dLoss/dφ)`), m = the margin in
// voxels at the depth of the ray's closest approach:
//  - an object pixel: the smallest φ along the ray must be ≤ −m → relu(min φ + m)², at the argmin;
//  - a background pixel: the smallest φ must be ≥ m → relu(m − min φ)² at the argmin (the same
//    one point as for an object pixel, so neither side outweighs the other at the edge), plus
//    Σ relu(−φ)² over every sample inside, which carves wrong volume away quickly.
// Rays march through the grid's cube in steps of one voxel.
template <class Add>
G3D_SDF_HD float rayLoss(const float* phi, const SdfGridDesc& g, const SdfRayView& view, uint32_t pixel, float weight,
                         Add add) {
    const float px = (float)(pixel % (uint32_t)view.width), py = (float)(pixel / (uint32_t)view.width);
    const bool inside = view.mask[pixel] > 127;
    const float* R = view.cam.R;
    const float cx = (px - view.cam.cx) / view.cam.fx, cy = (py - view.cam.cy) / view.cam.fy;
    // World direction = Rᵀ (cx, cy, 1), in grid units (voxels).
    float d[3];
    for (int a = 0; a < 3; ++a) d[a] = R[a] * cx + R[3 + a] * cy + R[6 + a];
    const float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    float o[3];
    for (int a = 0; a < 3; ++a) {
        d[a] = d[a] / len;
        o[a] = (view.centre[a] - g.origin[a]) / g.voxel;
    }
    // Slab test against [0, n-1]³.
    float t0 = 0.0f, t1 = 1e30f;
    const float hi = (float)(g.n - 1);
    for (int a = 0; a < 3; ++a) {
        if (fabsf(d[a]) < 1e-12f) {
            if (o[a] < 0.0f || o[a] > hi) return 0.0f;
            continue;
        }
        float ta = (0.0f - o[a]) / d[a], tb = (hi - o[a]) / d[a];
        if (ta > tb) {
            const float s = ta;
            ta = tb;
            tb = s;
        }
        t0 = fmaxf(t0, ta);
        t1 = fminf(t1, tb);
    }
    if (!(t1 > t0)) return inside ? weight * 1.0f : 0.0f;  // misses the cube: nothing to fit
    size_t idx[8];
    float w[8];
    const int samples = (int)((t1 - t0)) + 1;
    // t is in voxels from the camera centre, so one pixel spans t / fx voxels there.
    const float marginPerT = kSilhouetteMarginPixels / fabsf(view.cam.fx);
    float best = 1e30f, bestT = t0, loss = 0.0f;
    for (int s = 0; s < samples; ++s) {
        const float t = t0 + (float)s + 0.5f;
        if (t > t1) break;
        const float value = trilinear(phi, g.n, o[0] + t * d[0], o[1] + t * d[1], o[2] + t * d[2], idx, w);
        if (value < best) {
            best = value;
            bestT = t;
        }
        if (inside || value >= 0.0f) continue;
        loss += weight * value * value;
        const float gradient = 2.0f * weight * value;
        for (int c = 0; c < 8; ++c) add(idx[c], gradient * w[c]);
    }
    if (best >= 1e30f) return 0.0f;
    const float margin = marginPerT * bestT;
    const float excess = inside ? best + margin : margin - best;
    if (excess <= 0.0f) return loss;
    trilinear(phi, g.n, o[0] + bestT * d[0], o[1] + bestT * d[1], o[2] + bestT * d[2], idx, w);
    const float gradient = 2.0f * weight * (inside ? excess : -excess);
    for (int c = 0; c < 8; ++c) add(idx[c], gradient * w[c]);
    return loss + weight * excess * excess;
}

// Eikonal residual of node (i, j, k) by central differences (one-sided at the border): writes
// c = 2 (|∇φ| − 1) ∇φ / |∇φ| (the loss's derivative w.r.t. ∇φ) and returns (|∇φ| − 1)².
G3D_SDF_HD float eikonalAt(const float* phi, int n, int i, int j, int k, float c[3]) {
    const int ijk[3] = {i, j, k};
    float gr[3];
    for (int a = 0; a < 3; ++a) {
        int lo[3] = {i, j, k}, hi[3] = {i, j, k};
        lo[a] = ijk[a] > 0 ? ijk[a] - 1 : ijk[a];
        hi[a] = ijk[a] < n - 1 ? ijk[a] + 1 : ijk[a];
        const float span = (float)(hi[a] - lo[a]);
        gr[a] = (phi[nodeIndex(n, hi[0], hi[1], hi[2])] - phi[nodeIndex(n, lo[0], lo[1], lo[2])]) / span;
    }
    const float norm = sqrtf(gr[0] * gr[0] + gr[1] * gr[1] + gr[2] * gr[2]);
    const float r = norm - 1.0f;
    const float s = norm > 1e-6f ? 2.0f * r / norm : 0.0f;
    for (int a = 0; a < 3; ++a) c[a] = s * gr[a];
    return r * r;
}

// dE/dφ at node (i, j, k) of E = Σ eikonal, gathered from the neighbours' c (3 floats per node):
// node m's gradient component a is (φ[m+1] − φ[m−1]) / 2 in the interior.
G3D_SDF_HD float eikonalGradientAt(const float* c, int n, int i, int j, int k) {
    const int ijk[3] = {i, j, k};
    float g = 0.0f;
    for (int a = 0; a < 3; ++a) {
        for (int side = -1; side <= 1; side += 2) {
            int m[3] = {i, j, k};
            m[a] = ijk[a] + side;
            if (m[a] < 0 || m[a] > n - 1) continue;
            // Does node m's difference along a use this node, and with which sign/span?
            const int lo = m[a] > 0 ? m[a] - 1 : m[a];
            const int hi = m[a] < n - 1 ? m[a] + 1 : m[a];
            const float span = (float)(hi - lo);
            const float cm = c[nodeIndex(n, m[0], m[1], m[2]) * 3 + a];
            if (hi == ijk[a]) g += cm / span;
            if (lo == ijk[a]) g -= cm / span;
        }
        // The node's own one-sided difference at the border uses itself.
        const int lo = ijk[a] > 0 ? ijk[a] - 1 : ijk[a];
        const int hi = ijk[a] < n - 1 ? ijk[a] + 1 : ijk[a];
        const float span = (float)(hi - lo);
        const float cs = c[nodeIndex(n, i, j, k) * 3 + a];
        if (hi == ijk[a]) g += cs / span;
        if (lo == ijk[a]) g -= cs / span;
    }
    return g;
}

// Discrete Laplacian (6 neighbours) at interior nodes, 0 on the border.
G3D_SDF_HD float laplacianAt(const float* phi, int n, int i, int j, int k) {
    if (i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1) return 0.0f;
    return phi[nodeIndex(n, i - 1, j, k)] + phi[nodeIndex(n, i + 1, j, k)] + phi[nodeIndex(n, i, j - 1, k)] +
           phi[nodeIndex(n, i, j + 1, k)] + phi[nodeIndex(n, i, j, k - 1)] + phi[nodeIndex(n, i, j, k + 1)] -
           6.0f * phi[nodeIndex(n, i, j, k)];
}

// dE/dφ at node (i, j, k) of E = Σ (Δφ)², from the Laplacians `lap` (0 on the border).
G3D_SDF_HD float smoothGradientAt(const float* lap, int n, int i, int j, int k) {
    float g = -6.0f * lap[nodeIndex(n, i, j, k)];
    if (i > 0) g += lap[nodeIndex(n, i - 1, j, k)];
    if (i < n - 1) g += lap[nodeIndex(n, i + 1, j, k)];
    if (j > 0) g += lap[nodeIndex(n, i, j - 1, k)];
    if (j < n - 1) g += lap[nodeIndex(n, i, j + 1, k)];
    if (k > 0) g += lap[nodeIndex(n, i, j, k - 1)];
    if (k < n - 1) g += lap[nodeIndex(n, i, j, k + 1)];
    return 2.0f * g;
}

struct AdamState {
    float lr, beta1, beta2, eps, correction1, correction2;
};

G3D_SDF_HD void adamUpdate(float& phi, float& m, float& v, float grad, const AdamState& a) {
    m = a.beta1 * m + (1.0f - a.beta1) * grad;
    v = a.beta2 * v + (1.0f - a.beta2) * grad * grad;
    const float mh = m / a.correction1, vh = v / a.correction2;
    phi -= a.lr * mh / (sqrtf(vh) + a.eps);
}

}  // namespace detail
}  // namespace gen3d
