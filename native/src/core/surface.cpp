// Mesh ↔ SDF: the prior mesh's signed distance on a grid, and the zero level set of a grid as a closed
// triangle mesh (marching tetrahedra on the Kuhn decomposition), its largest component, an edge check.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "gen3d/reconstruct.h"
#include "parallel.h"

namespace gen3d {
namespace {

inline size_t node(int n, int i, int j, int k) { return ((size_t)k * n + j) * n + i; }

struct V3 {
    float x, y, z;
};
inline V3 sub(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline V3 add(V3 a, V3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline V3 mul(V3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
inline float dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline V3 cross(V3 a, V3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }

// Closest point on triangle abc to p (Ericson, Real-Time Collision Detection 5.1.5).
V3 closestOnTriangle(V3 p, V3 a, V3 b, V3 c) {
    const V3 ab = sub(b, a), ac = sub(c, a), ap = sub(p, a);
    const float d1 = dot(ab, ap), d2 = dot(ac, ap);
    if (d1 <= 0 && d2 <= 0) return a;
    const V3 bp = sub(p, b);
    const float d3 = dot(ab, bp), d4 = dot(ac, bp);
    if (d3 >= 0 && d4 <= d3) return b;
    const float vc = d1 * d4 - d3 * d2;
    if (vc <= 0 && d1 >= 0 && d3 <= 0) return add(a, mul(ab, d1 / (d1 - d3)));
    const V3 cp = sub(p, c);
    const float d5 = dot(ab, cp), d6 = dot(ac, cp);
    if (d6 >= 0 && d5 <= d6) return c;
    const float vb = d5 * d2 - d1 * d6;
    if (vb <= 0 && d2 >= 0 && d6 <= 0) return add(a, mul(ac, d2 / (d2 - d6)));
    const float va = d3 * d6 - d5 * d4;
    if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0)
        return add(b, mul(sub(c, b), (d4 - d3) / ((d4 - d3) + (d5 - d6))));
    const float denom = 1.0f / (va + vb + vc);
    return add(a, add(mul(ab, vb * denom), mul(ac, vc * denom)));
}

// 1-D squared Euclidean distance transform (Felzenszwalb & Huttenlocher) of f (0 at seeds, inf elsewhere).
void edt1d(const float* f, float* d, int n, std::vector<int>& v, std::vector<float>& z) {
    const float inf = std::numeric_limits<float>::infinity();
    int k = 0;
    v[0] = 0;
    z[0] = -inf;
    z[1] = inf;
    for (int q = 1; q < n; ++q) {
        if (!std::isfinite(f[q])) continue;
        if (!std::isfinite(f[v[k]])) {
            v[k] = q;
            continue;
        }
        float s;
        while (true) {
            s = ((f[q] + (float)q * q) - (f[v[k]] + (float)v[k] * v[k])) / (2.0f * (q - v[k]));
            if (s <= z[k] && k > 0) {
                --k;
                continue;
            }
            break;
        }
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = inf;
    }
    if (!std::isfinite(f[v[0]])) {
        for (int q = 0; q < n; ++q) d[q] = inf;
        return;
    }
    k = 0;
    for (int q = 0; q < n; ++q) {
        while (z[k + 1] < (float)q) ++k;
        d[q] = ((float)q - v[k]) * ((float)q - v[k]) + f[v[k]];
    }
}

// Squared distance (voxels²) of every node to the nearest seed.
std::vector<float> edt3d(const std::vector<uint8_t>& seed, int n) {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> g(seed.size());
    for (size_t i = 0; i < seed.size(); ++i) g[i] = seed[i] ? 0.0f : inf;
    std::vector<float> f(n), d(n), z(n + 1);
    std::vector<int> v(n);
    for (int axis = 0; axis < 3; ++axis)
        for (int b = 0; b < n; ++b)
            for (int a = 0; a < n; ++a) {
                auto at = [&](int q) -> size_t {
                    return axis == 0 ? node(n, q, a, b) : axis == 1 ? node(n, a, q, b) : node(n, a, b, q);
                };
                for (int q = 0; q < n; ++q) f[q] = g[at(q)];
                edt1d(f.data(), d.data(), n, v, z);
                for (int q = 0; q < n; ++q) g[at(q)] = d[q];
            }
    return g;
}

}  // namespace

namespace {

// Morphological closing of the inside (radius in voxels) folded into the SDF: thin outside pockets
// (the air between a hair shell and the scalp) become inside, and distances near them are redone.
void closeSdf(std::vector<float>& phi, int n, float voxel, float radius) {
    if (radius <= 0) return;
    const size_t count = phi.size();
    std::vector<uint8_t> occ(count), grown(count), closed(count);
    for (size_t i = 0; i < count; ++i) occ[i] = phi[i] < 0;
    const std::vector<float> toInside = edt3d(occ, n);
    for (size_t i = 0; i < count; ++i) grown[i] = !(toInside[i] <= radius * radius);  // outside of the dilation
    const std::vector<float> toOutsideOfGrown = edt3d(grown, n);
    bool changed = false;
    for (size_t i = 0; i < count; ++i) {
        closed[i] = occ[i] || toOutsideOfGrown[i] > radius * radius;
        changed = changed || (closed[i] && !occ[i]);
    }
    if (!changed) return;
    std::vector<uint8_t> open(count);
    for (size_t i = 0; i < count; ++i) open[i] = !closed[i];
    const std::vector<float> dIn = edt3d(closed, n), dOut = edt3d(open, n);
    for (size_t i = 0; i < count; ++i) {
        if (closed[i] && !occ[i])
            phi[i] = -(std::sqrt(dOut[i]) - 0.5f) * voxel;
        else if (closed[i])
            phi[i] = std::max(phi[i], -(std::sqrt(dOut[i]) - 0.5f) * voxel);
        else
            phi[i] = std::min(phi[i], (std::sqrt(dIn[i]) - 0.5f) * voxel);
    }
}

}  // namespace

std::vector<float> meshSdf(const MeshView& mesh, int n, const float origin[3], float voxel, float closeRadius) {
    const size_t count = (size_t)n * n * n;
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> dist(count, inf);
    std::vector<int32_t> nearest(count, -1);
    const int band = 3;
    auto pos = [&](uint32_t v) {
        return V3{mesh.positions[v * 3], mesh.positions[v * 3 + 1], mesh.positions[v * 3 + 2]};
    };
    for (uint32_t t = 0; t < mesh.triangleCount; ++t) {
        const V3 a = pos(mesh.indices[t * 3]), b = pos(mesh.indices[t * 3 + 1]), c = pos(mesh.indices[t * 3 + 2]);
        int lo[3], hi[3];
        const float pa[3] = {a.x, a.y, a.z}, pb[3] = {b.x, b.y, b.z}, pc[3] = {c.x, c.y, c.z};
        for (int ax = 0; ax < 3; ++ax) {
            const float mn = std::min({pa[ax], pb[ax], pc[ax]}), mx = std::max({pa[ax], pb[ax], pc[ax]});
            lo[ax] = std::max(0, (int)std::floor((mn - origin[ax]) / voxel) - band);
            hi[ax] = std::min(n - 1, (int)std::ceil((mx - origin[ax]) / voxel) + band);
        }
        for (int k = lo[2]; k <= hi[2]; ++k)
            for (int j = lo[1]; j <= hi[1]; ++j)
                for (int i = lo[0]; i <= hi[0]; ++i) {
                    const V3 p{origin[0] + i * voxel, origin[1] + j * voxel, origin[2] + k * voxel};
                    const V3 q = closestOnTriangle(p, a, b, c);
                    const V3 dpq = sub(p, q);
                    const float d = std::sqrt(dot(dpq, dpq));
                    const size_t idx = node(n, i, j, k);
                    if (d < dist[idx]) {
                        dist[idx] = d;
                        nearest[idx] = (int32_t)t;
                    }
                }
    }
    // Shell: nodes within half a voxel diagonal of the surface; the outside is what a flood fill from
    // the cube's border reaches without crossing the shell.
    const float shellDist = 0.5f * std::sqrt(3.0f) * voxel;
    std::vector<uint8_t> shell(count, 0), outside(count, 0);
    for (size_t i = 0; i < count; ++i) shell[i] = dist[i] <= shellDist;
    std::deque<size_t> queue;
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                if (i && j && k && i < n - 1 && j < n - 1 && k < n - 1) continue;
                const size_t idx = node(n, i, j, k);
                if (!shell[idx] && !outside[idx]) {
                    outside[idx] = 1;
                    queue.push_back(idx);
                }
            }
    while (!queue.empty()) {
        const size_t idx = queue.front();
        queue.pop_front();
        const int i = (int)(idx % n), j = (int)((idx / n) % n), k = (int)(idx / ((size_t)n * n));
        const int nb[6][3] = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k}, {i, j + 1, k}, {i, j, k - 1}, {i, j, k + 1}};
        for (auto& q : nb) {
            if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= n || q[1] >= n || q[2] >= n) continue;
            const size_t m = node(n, q[0], q[1], q[2]);
            if (shell[m] || outside[m]) continue;
            outside[m] = 1;
            queue.push_back(m);
        }
    }
    const std::vector<float> far2 = edt3d(shell, n);
    std::vector<float> phi(count);
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const size_t idx = node(n, i, j, k);
                float sign;
                if (shell[idx]) {
                    // On the shell the face normal tells the side.
                    const uint32_t t = (uint32_t)nearest[idx];
                    const V3 a = pos(mesh.indices[t * 3]), b = pos(mesh.indices[t * 3 + 1]),
                             c = pos(mesh.indices[t * 3 + 2]);
                    const V3 p{origin[0] + i * voxel, origin[1] + j * voxel, origin[2] + k * voxel};
                    const V3 q = closestOnTriangle(p, a, b, c);
                    sign = dot(sub(p, q), cross(sub(b, a), sub(c, a))) >= 0 ? 1.0f : -1.0f;
                } else {
                    sign = outside[idx] ? 1.0f : -1.0f;
                }
                const float d = std::isfinite(dist[idx]) ? dist[idx] : std::sqrt(far2[idx]) * voxel + shellDist;
                phi[idx] = sign * d;
            }
    closeSdf(phi, n, voxel, closeRadius / voxel);
    return phi;
}

bool isWatertight(const uint32_t* indices, size_t triangleCount) {
    if (triangleCount == 0) return false;
    std::vector<uint64_t> directed;
    directed.reserve(triangleCount * 3);
    for (size_t t = 0; t < triangleCount; ++t)
        for (int e = 0; e < 3; ++e) {
            const uint64_t a = indices[t * 3 + e], b = indices[t * 3 + (e + 1) % 3];
            if (a == b) return false;
            directed.push_back(a << 32 | b);
        }
    std::sort(directed.begin(), directed.end());
    for (size_t i = 1; i < directed.size(); ++i)
        if (directed[i] == directed[i - 1]) return false;  // an edge used twice in one direction
    for (uint64_t e : directed) {
        const uint64_t reverse = (e << 32) | (e >> 32);
        if (!std::binary_search(directed.begin(), directed.end(), reverse)) return false;
    }
    return true;
}

SurfaceMesh extractSurface(const SdfGridOut& grid) {
    const int n = grid.n;
    if (n < 2 || grid.phi.size() != (size_t)n * n * n) throw InvalidArgument("extractSurface: grid size mismatch");
    // The border counts as outside, so the level set is closed.
    std::vector<float> phi = grid.phi;
    const float eps = 1e-6f * grid.voxel;
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                float& p = phi[node(n, i, j, k)];
                if (!std::isfinite(p)) throw InvalidArgument("extractSurface: the SDF has non-finite values");
                if (i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1) p = std::max(p, grid.voxel);
                if (std::fabs(p) < eps) p = eps;  // no node exactly on the surface
            }
    SurfaceMesh out;
    std::unordered_map<uint64_t, uint32_t> edgeVertex;
    std::vector<float>& P = out.positions;
    std::vector<uint32_t>& I = out.indices;
    auto nodePos = [&](size_t idx) {
        const int i = (int)(idx % n), j = (int)((idx / n) % n), k = (int)(idx / ((size_t)n * n));
        return V3{grid.origin[0] + i * grid.voxel, grid.origin[1] + j * grid.voxel, grid.origin[2] + k * grid.voxel};
    };
    auto vertexOn = [&](size_t a, size_t b) -> uint32_t {
        const size_t lo = std::min(a, b), hi = std::max(a, b);
        const uint64_t key = (uint64_t)lo * ((uint64_t)n * n * n) + hi;
        auto it = edgeVertex.find(key);
        if (it != edgeVertex.end()) return it->second;
        const float pa = phi[lo], pb = phi[hi];
        const float t = std::min(0.999f, std::max(0.001f, pa / (pa - pb)));
        const V3 p = add(nodePos(lo), mul(sub(nodePos(hi), nodePos(lo)), t));
        const uint32_t id = (uint32_t)(P.size() / 3);
        P.push_back(p.x);
        P.push_back(p.y);
        P.push_back(p.z);
        edgeVertex.emplace(key, id);
        return id;
    };
    auto emit = [&](uint32_t a, uint32_t b, uint32_t c, V3 outward) {
        const V3 pa{P[a * 3], P[a * 3 + 1], P[a * 3 + 2]}, pb{P[b * 3], P[b * 3 + 1], P[b * 3 + 2]},
            pc{P[c * 3], P[c * 3 + 1], P[c * 3 + 2]};
        if (dot(cross(sub(pb, pa), sub(pc, pa)), outward) < 0) std::swap(b, c);
        I.push_back(a);
        I.push_back(b);
        I.push_back(c);
    };
    static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int k = 0; k < n - 1; ++k)
        for (int j = 0; j < n - 1; ++j)
            for (int i = 0; i < n - 1; ++i) {
                bool anyIn = false, anyOut = false;
                for (int c = 0; c < 8; ++c) {
                    const float p = phi[node(n, i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1))];
                    (p < 0 ? anyIn : anyOut) = true;
                }
                if (!anyIn || !anyOut) continue;
                for (const auto& perm : perms) {
                    int at[3] = {i, j, k};
                    size_t tet[4];
                    tet[0] = node(n, at[0], at[1], at[2]);
                    for (int s = 0; s < 3; ++s) {
                        at[perm[s]] += 1;
                        tet[s + 1] = node(n, at[0], at[1], at[2]);
                    }
                    size_t ins[4], outs[4];
                    int ni = 0, no = 0;
                    for (size_t v : tet) (phi[v] < 0 ? ins[ni++] : outs[no++]) = v;
                    if (ni == 0 || no == 0) continue;
                    V3 cin{0, 0, 0}, cout{0, 0, 0};
                    for (int q = 0; q < ni; ++q) cin = add(cin, nodePos(ins[q]));
                    for (int q = 0; q < no; ++q) cout = add(cout, nodePos(outs[q]));
                    const V3 outward = sub(mul(cout, 1.0f / no), mul(cin, 1.0f / ni));
                    if (ni == 1) {
                        emit(vertexOn(ins[0], outs[0]), vertexOn(ins[0], outs[1]), vertexOn(ins[0], outs[2]), outward);
                    } else if (no == 1) {
                        emit(vertexOn(outs[0], ins[0]), vertexOn(outs[0], ins[1]), vertexOn(outs[0], ins[2]), outward);
                    } else {
                        const uint32_t ac = vertexOn(ins[0], outs[0]), ad = vertexOn(ins[0], outs[1]),
                                       bd = vertexOn(ins[1], outs[1]), bc = vertexOn(ins[1], outs[0]);
                        emit(ac, ad, bd, outward);
                        emit(ac, bd, bc, outward);
                    }
                }
            }
    // Largest connected component (by triangles).
    const uint32_t nv = (uint32_t)(P.size() / 3);
    std::vector<uint32_t> parent(nv);
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (size_t t = 0; t < I.size() / 3; ++t) {
        const uint32_t a = find(I[t * 3]);
        for (int e = 1; e < 3; ++e) {
            const uint32_t b = find(I[t * 3 + e]);
            if (a != b) parent[b] = a;
        }
    }
    std::unordered_map<uint32_t, size_t> triangles;
    for (size_t t = 0; t < I.size() / 3; ++t) ++triangles[find(I[t * 3])];
    out.components = (int)triangles.size();
    uint32_t best = 0;
    size_t bestCount = 0;
    for (auto& kv : triangles)
        if (kv.second > bestCount || (kv.second == bestCount && kv.first < best)) {
            best = kv.first;
            bestCount = kv.second;
        }
    std::vector<uint32_t> remap(nv, UINT32_MAX);
    std::vector<float> keptP;
    std::vector<uint32_t> keptI;
    for (size_t t = 0; t < I.size() / 3; ++t) {
        if (find(I[t * 3]) != best) continue;
        for (int e = 0; e < 3; ++e) {
            const uint32_t v = I[t * 3 + e];
            if (remap[v] == UINT32_MAX) {
                remap[v] = (uint32_t)(keptP.size() / 3);
                keptP.insert(keptP.end(), P.begin() + v * 3, P.begin() + v * 3 + 3);
            }
            keptI.push_back(remap[v]);
        }
    }
    out.positions = std::move(keptP);
    out.indices = std::move(keptI);
    out.watertight = isWatertight(out.indices.data(), out.indices.size() / 3);
    return out;
}

}  // namespace gen3d
