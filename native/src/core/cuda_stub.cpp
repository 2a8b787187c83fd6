// Built instead of cuda_backend.cu when CUDA is off: Auto always resolves to the CPU.
#include <stdexcept>

#include "backends.h"
#include "sdf_backend.h"

namespace gen3d {
namespace detail {

bool cudaProbe(std::string& reason, std::string& device) {
    reason = "built without CUDA (no CUDA toolkit found, or -DGEN3D_CUDA=OFF)";
    device.clear();
    return false;
}

void cudaRender(const RenderJob&, RenderOutput&) { throw std::runtime_error("built without CUDA"); }
void cudaBake(const BakeJob&, BakeOutput&) { throw std::runtime_error("built without CUDA"); }
float cudaLastKernelMs() { return 0; }
std::unique_ptr<SdfStepper> cudaSdfStepper(const SdfLevel&, const std::vector<SdfViewData>&) {
    throw std::runtime_error("built without CUDA");
}

}  // namespace detail
}  // namespace gen3d
