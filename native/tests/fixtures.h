// Meshes, cameras and images shared by the C++ tests and the benchmark.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "gen3d/core.h"

namespace fixtures {

struct Mesh {
    std::vector<float> positions, uvs;
    std::vector<uint32_t> indices;
    gen3d::MeshView view() const {
        gen3d::MeshView m;
        m.positions = positions.data();
        m.uvs = uvs.empty() ? nullptr : uvs.data();
        m.indices = indices.data();
        m.vertexCount = (uint32_t)(positions.size() / 3);
        m.triangleCount = (uint32_t)(indices.size() / 3);
        return m;
    }
    void append(const Mesh& o) {
        const uint32_t base = (uint32_t)(positions.size() / 3);
        positions.insert(positions.end(), o.positions.begin(), o.positions.end());
        uvs.insert(uvs.end(), o.uvs.begin(), o.uvs.end());
        for (uint32_t i : o.indices) indices.push_back(base + i);
    }
};

// Square [-s, s]² in the plane z = z0 facing +Z (CCW from +Z), uv (0,0) at its top-left (-s, +s).
inline Mesh quad(float s = 1.0f, float z0 = 0.0f, float u0 = 0, float v0 = 0, float u1 = 1, float v1 = 1) {
    Mesh m;
    m.positions = {-s, s, z0, s, s, z0, s, -s, z0, -s, -s, z0};
    m.uvs = {u0, v0, u1, v0, u1, v1, u0, v1};
    m.indices = {0, 3, 2, 0, 2, 1};
    return m;
}

// Axis-aligned cube [-h, h]³, outward CCW faces, 2 triangles per face, 24 vertices.
inline Mesh cube(float h = 0.5f) {
    Mesh m;
    // normal, u, v with u × v = normal
    const float faces[6][3][3] = {
        {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}},   {{0, 0, -1}, {-1, 0, 0}, {0, 1, 0}}, {{1, 0, 0}, {0, 0, -1}, {0, 1, 0}},
        {{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},  {{0, 1, 0}, {1, 0, 0}, {0, 0, -1}},  {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}}};
    for (auto& face : faces) {
        const float* f = face[0];
        const float* u = face[1];
        const float* v = face[2];
        const uint32_t base = (uint32_t)(m.positions.size() / 3);
        const float corners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
        for (auto& c : corners) {
            for (int k = 0; k < 3; ++k) m.positions.push_back(h * (f[k] + c[0] * u[k] + c[1] * v[k]));
            m.uvs.push_back(0.5f * (c[0] + 1));
            m.uvs.push_back(0.5f * (1 - c[1]));
        }
        for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) m.indices.push_back(base + i);
    }
    return m;
}

// UV sphere (equirectangular uvs), bumpy radius so depth varies; about 2*rings*segments triangles.
inline Mesh sphere(int rings, int segments, float radius, float bump) {
    Mesh m;
    const float pi = 3.14159265358979f;
    for (int r = 0; r <= rings; ++r) {
        const float th = pi * r / rings;
        for (int s = 0; s <= segments; ++s) {
            const float ph = 2 * pi * s / segments;
            const float rad = radius * (1 + bump * std::sin(5 * th) * std::cos(7 * ph));
            m.positions.push_back(rad * std::sin(th) * std::sin(ph));
            m.positions.push_back(rad * std::cos(th));
            m.positions.push_back(rad * std::sin(th) * std::cos(ph));
            m.uvs.push_back((float)s / segments);
            m.uvs.push_back((float)r / rings);
        }
    }
    for (int r = 0; r < rings; ++r)
        for (int s = 0; s < segments; ++s) {
            const uint32_t a = r * (segments + 1) + s, b = a + segments + 1;
            m.indices.insert(m.indices.end(), {a, b, b + 1, a, b + 1, a + 1});
        }
    return m;
}

// Camera at (0, 0, dist) looking at the origin (down -Z in world; OpenCV: +Z forward, y down).
inline gen3d::Camera frontCamera(float dist, float f, int w, int h) {
    gen3d::Camera c;
    c.fx = c.fy = f;
    c.cx = (w - 1) * 0.5f;
    c.cy = (h - 1) * 0.5f;
    const float R[9] = {1, 0, 0, 0, -1, 0, 0, 0, -1};
    for (int i = 0; i < 9; ++i) c.R[i] = R[i];
    c.t[0] = 0;
    c.t[1] = 0;
    c.t[2] = dist;
    return c;
}

// Smooth, non-periodic RGBA pattern (distinct colours everywhere; alpha 255).
inline std::vector<uint8_t> pattern(int w, int h) {
    std::vector<uint8_t> img((size_t)w * h * 4);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = &img[((size_t)y * w + x) * 4];
            p[0] = (uint8_t)(255.0 * x / (w - 1 ? w - 1 : 1));
            p[1] = (uint8_t)(255.0 * y / (h - 1 ? h - 1 : 1));
            p[2] = (uint8_t)(127.5 + 127.5 * std::sin(0.21 * x + 0.13 * y));
            p[3] = 255;
        }
    return img;
}

}  // namespace fixtures
