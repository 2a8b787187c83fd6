// Surface reconstruction from calibrated views with masks: a signed distance field on a dense grid,
// initialised from a prior mesh and fitted to the silhouettes coarse to fine, then a watertight
// triangle mesh of its zero level set. Same conventions as core.h (metres, OpenCV cameras).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gen3d/core.h"

namespace gen3d {

struct SdfView {
    Camera camera;
    int width = 0, height = 0;
    const uint8_t* mask = nullptr;  // one byte per pixel, > 127 = the object
};

struct SdfLosses {
    float mask = 0;      // mean squared silhouette violation per ray (voxel units²)
    float eikonal = 0;   // mean (|∇φ| − 1)² per voxel
    float prior = 0;     // mean (φ − φ_prior)² per voxel (voxel units²)
};

struct SdfFitParams {
    // Levels of the coarse-to-fine fit, each a cubic grid of this many nodes per axis (e.g. 32, 64, 128).
    std::vector<int> resolutions = {32, 64};
    std::vector<int> steps = {60, 60};  // Adam steps per level
    int raysPerView = 4096;             // rays per view and step: half near the silhouette edge, half anywhere
    float learningRate = 0.25f;         // Adam step in voxels of the current level
    // Every regulariser pulls the surface in where no silhouette holds it (between the rims), so the
    // mask term outweighs them: mask 1 → 2 and eikonal 0.1 → 0.03 took the ellipsoid from 0.46 to
    // 0.28 mm too small on average (held-out PSNR 19.8 → 21.8 dB) and lifted the head's normal
    // consistency from 0.944 to 0.952 (mask 4 or eikonal 0.01: no further gain).
    float maskWeight = 2.0f;
    float eikonalWeight = 0.03f;
    // Prior and smoothness pull the surface between the views' rims, where no silhouette pushes back:
    // at 0.005 / 0.3 the ellipsoid came out ~1 mm small there (the prior is a smaller sphere, and
    // Σ (Δφ)² flattens the patches between rims into chords); 0.0005 / 0.1 halve that, and below
    // 0.1 the single-ray pushes raise bumps again (no smoothness: 44 px per view outside the mask).
    float priorWeight = 0.0005f;
    float smoothWeight = 0.1f;          // Σ (Δφ)²: keeps the single-ray pushes from raising bumps
    // The grid's cube: centre and side (metres). Side 0 = from the prior mesh's bounds × `margin`.
    float centre[3] = {0, 0, 0};
    float side = 0;
    float margin = 1.3f;
    // The prior's inside is closed by this radius (metres): no silhouette sees the air between a
    // hair layer and the scalp, so it is filled before the fit.
    float closeGaps = 0.008f;
    BackendRequest backend = BackendRequest::Auto;
    // Called after every step (step counts over all levels); return false to cancel.
    std::function<bool(int step, int total, const SdfLosses& losses)> progress;
};

struct SdfGridOut {
    int n = 0;                // nodes per axis; node (i, j, k) at origin + (i, j, k) * voxel, x fastest
    float origin[3] = {0, 0, 0};
    float voxel = 0;          // metres
    std::vector<float> phi;   // signed distance in metres, negative inside; n³
};

struct SdfFitOutput {
    SdfGridOut grid;
    std::vector<float> priorPhi;  // the prior's SDF on the final grid (metres)
    SdfLosses initial, final;
    int steps = 0;
    bool cancelled = false;
    Backend backend = Backend::Cpu;
    double seconds = 0;
};

// `prior` may be null (then a sphere of half the cube's side). Views: at least one; masks required.
SdfFitOutput fitSdf(const SdfView* views, int viewCount, const MeshView* prior, const SdfFitParams& params);

// The prior's signed distance on an n³ grid (exact distance to the triangles within 3 voxels of the
// surface, Euclidean distance transform beyond; sign from a flood fill of the outside), metres.
// closeRadius > 0 closes the inside morphologically (metres): thin outside pockets are filled.
std::vector<float> meshSdf(const MeshView& mesh, int n, const float origin[3], float voxel, float closeRadius = 0);

struct SurfaceMesh {
    std::vector<float> positions;
    std::vector<uint32_t> indices;  // CCW from outside
    int components = 0;             // connected components before keeping the largest
    bool watertight = false;        // every edge in exactly two triangles, once in each direction
};

// Zero level set by marching tetrahedra (Kuhn decomposition: no ambiguous cases, so the mesh is
// closed and manifold when the grid's border is outside), largest component only.
SurfaceMesh extractSurface(const SdfGridOut& grid);

// Edge check of an indexed triangle mesh: true when every undirected edge is used by exactly two
// triangles with opposite directions.
bool isWatertight(const uint32_t* indices, size_t triangleCount);

}  // namespace gen3d
