// Built instead of cuda_backend.cu when CUDA is off: Auto always resolves to the CPU.
#include <stdexcept>

#include "backends.h"

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

}  // namespace detail
}  // namespace gen3d
