// Internal interface between the dispatcher (core.cpp) and the two backends. Inputs arrive already
// validated, with normals filled in.
#pragma once

#include <string>

#include "gen3d/core.h"
#include "raster_math.h"

namespace gen3d {
namespace detail {

struct RenderJob {
    MeshArrays mesh;
    RenderShadeArgs shade;
    bool cullBack;
    float near;
};

struct BakeJob {
    MeshArrays mesh;
    BakeTexelArgs texel;  // photoKeys filled by the backend
};

void cpuRender(const RenderJob& job, RenderOutput& out, int threads);
void cpuBake(const BakeJob& job, BakeOutput& out, int threads);

// CUDA backend (cuda_backend.cu, or cuda_stub.cpp when built without CUDA).
bool cudaProbe(std::string& reason, std::string& device);
void cudaRender(const RenderJob& job, RenderOutput& out);
void cudaBake(const BakeJob& job, BakeOutput& out);
// Kernel time of the last CUDA call in ms (events around the kernels; 0 before any call).
float cudaLastKernelMs();

}  // namespace detail
}  // namespace gen3d
