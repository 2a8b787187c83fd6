// The fit's per-level worker: owns φ, the prior, Adam's moments and the views for one level of the
// coarse-to-fine fit. CPU (sdf_fit.cpp) and CUDA (sdf_cuda.cu) implement the same step.
#pragma once

#include <memory>
#include <vector>

#include "gen3d/reconstruct.h"
#include "sdf_math.h"

namespace gen3d {
namespace detail {

struct SdfViewData {
    Camera cam;
    float centre[3];
    int width, height;
    std::vector<uint8_t> mask;
    std::vector<uint32_t> edgePixels;
};

// A view as the ray kernels read it, pointing at the given mask and edge buffers (host or device).
inline SdfRayView rayViewOf(const SdfViewData& d, const uint8_t* mask, const uint32_t* edgePixels) {
    SdfRayView r{};
    r.cam = d.cam;
    for (int a = 0; a < 3; ++a) r.centre[a] = d.centre[a];
    r.width = d.width;
    r.height = d.height;
    r.mask = mask;
    r.edgePixels = edgePixels;
    r.edgeCount = (int)d.edgePixels.size();
    return r;
}

struct SdfLevel {
    SdfGridDesc grid;
    std::vector<float> phi;    // voxel units
    std::vector<float> prior;  // voxel units
};

class SdfStepper {
   public:
    virtual ~SdfStepper() = default;
    // One Adam step; returns the losses measured before the update.
    virtual SdfLosses step(const SdfWeights& weights, const AdamState& adam) = 0;
    virtual void download(std::vector<float>& phi) = 0;
};

std::unique_ptr<SdfStepper> cpuSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views, int threads);
// Throws when built without CUDA.
std::unique_ptr<SdfStepper> cudaSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views);

}  // namespace detail
}  // namespace gen3d
