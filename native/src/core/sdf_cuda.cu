// CUDA stepper of the SDF fit: the same math as the CPU one (sdf_math.h, --fmad=false). One thread
// per ray accumulates the silhouette gradient with atomicAdd (so sums are taken in another order than
// on the CPU: results agree to rounding, not bit for bit); one thread per node for eikonal, prior and
// Adam. φ, the prior, the moments and the masks stay on the device for the whole level.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "sdf_backend.h"

namespace gen3d {
namespace detail {
namespace {

void check(cudaError_t err, const char* what) {
    if (err != cudaSuccess) throw std::runtime_error(std::string("CUDA (SDF fit) ") + what + ": " + cudaGetErrorString(err));
}

template <class T>
T* upload(const T* host, size_t n) {
    T* ptr = nullptr;
    check(cudaMalloc(&ptr, (n ? n : 1) * sizeof(T)), "cudaMalloc");
    if (n) check(cudaMemcpy(ptr, host, n * sizeof(T), cudaMemcpyHostToDevice), "upload");
    return ptr;
}

__global__ void raysKernel(const float* phi, SdfGridDesc grid, const SdfRayView* views, int viewCount,
                           SdfWeights w, float* grad, float* lossOut) {
    const long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= (long long)viewCount * w.raysPerView) return;
    const uint32_t v = (uint32_t)(r / w.raysPerView), k = (uint32_t)(r % w.raysPerView);
    const SdfRayView view = views[v];
    const uint32_t pixel = rayPixel(view, v, k, w.step);
    const float loss = rayLoss(phi, grid, view, pixel, w.mask, [grad](size_t i, float d) { atomicAdd(&grad[i], d); });
    if (loss != 0.0f) atomicAdd(lossOut, loss);
}

__global__ void eikonalKernel(const float* phi, const float* prior, int n, float* c, float* lap, float* lossOut) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)n * n * n) return;
    const int i = (int)(idx % n), j = (int)((idx / n) % n), k = (int)(idx / ((size_t)n * n));
    const float e = eikonalAt(phi, n, i, j, k, &c[idx * 3]);
    lap[idx] = laplacianAt(phi, n, i, j, k);
    atomicAdd(lossOut, e);
}

__global__ void updateKernel(float* phi, const float* prior, float* m, float* v, float* grad, const float* c,
                             const float* lap, int n,
                             SdfWeights w, AdamState adam, float* priorLoss) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)n * n * n) return;
    const int i = (int)(idx % n), j = (int)((idx / n) % n), k = (int)(idx / ((size_t)n * n));
    const float diff = phi[idx] - prior[idx];
    atomicAdd(priorLoss, diff * diff);
    const float g = grad[idx] + w.eikonal * eikonalGradientAt(c, n, i, j, k) + w.prior * 2.0f * diff +
                    w.smooth * smoothGradientAt(lap, n, i, j, k);
    grad[idx] = 0.0f;  // ready for the next step
    adamUpdate(phi[idx], m[idx], v[idx], g, adam);
}

class CudaSdfStepper : public SdfStepper {
   public:
    CudaSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views) : grid_(level.grid) {
        count_ = level.phi.size();
        phi_ = upload(level.phi.data(), count_);
        prior_ = upload(level.prior.data(), count_);
        check(cudaMalloc(&m_, count_ * sizeof(float)), "cudaMalloc");
        check(cudaMalloc(&v_, count_ * sizeof(float)), "cudaMalloc");
        check(cudaMalloc(&grad_, count_ * sizeof(float)), "cudaMalloc");
        check(cudaMalloc(&c_, count_ * 3 * sizeof(float)), "cudaMalloc");
        check(cudaMalloc(&lap_, count_ * sizeof(float)), "cudaMalloc");
        check(cudaMalloc(&losses_, 3 * sizeof(float)), "cudaMalloc");
        check(cudaMemset(m_, 0, count_ * sizeof(float)), "memset");
        check(cudaMemset(v_, 0, count_ * sizeof(float)), "memset");
        check(cudaMemset(grad_, 0, count_ * sizeof(float)), "memset");
        std::vector<SdfRayView> host;
        for (const SdfViewData& d : views) {
            uint8_t* mask = upload(d.mask.data(), d.mask.size());
            uint32_t* edges = upload(d.edgePixels.data(), d.edgePixels.size());
            buffers_.push_back(mask);
            buffers_.push_back(edges);
            host.push_back(rayViewOf(d, mask, edges));
        }
        viewCount_ = (int)host.size();
        views_ = upload(host.data(), host.size());
    }
    ~CudaSdfStepper() override {
        for (void* p : {(void*)phi_, (void*)prior_, (void*)m_, (void*)v_, (void*)grad_, (void*)c_, (void*)lap_, (void*)losses_,
                        (void*)views_})
            cudaFree(p);
        for (void* p : buffers_) cudaFree(p);
    }

    SdfLosses step(const SdfWeights& w, const AdamState& adam) override {
        const int n = grid_.n;
        check(cudaMemset(losses_, 0, 3 * sizeof(float)), "memset");
        const long long rays = (long long)viewCount_ * w.raysPerView;
        raysKernel<<<(unsigned)((rays + 127) / 128), 128>>>(phi_, grid_, views_, viewCount_, w, grad_, losses_);
        const unsigned blocks = (unsigned)((count_ + 255) / 256);
        eikonalKernel<<<blocks, 256>>>(phi_, prior_, n, c_, lap_, losses_ + 1);
        updateKernel<<<blocks, 256>>>(phi_, prior_, m_, v_, grad_, c_, lap_, n, w, adam, losses_ + 2);
        check(cudaGetLastError(), "launch");
        float host[3];
        check(cudaMemcpy(host, losses_, sizeof(host), cudaMemcpyDeviceToHost), "download");
        SdfLosses l;
        l.mask = host[0] / (float)(rays > 0 ? rays : 1) / (w.mask > 0 ? w.mask : 1.0f);
        l.eikonal = host[1] / (float)count_;
        l.prior = host[2] / (float)count_;
        return l;
    }

    void download(std::vector<float>& phi) override {
        phi.resize(count_);
        check(cudaMemcpy(phi.data(), phi_, count_ * sizeof(float), cudaMemcpyDeviceToHost), "download");
    }

   private:
    SdfGridDesc grid_;
    size_t count_ = 0;
    float *phi_ = nullptr, *prior_ = nullptr, *m_ = nullptr, *v_ = nullptr, *grad_ = nullptr, *c_ = nullptr, *lap_ = nullptr,
          *losses_ = nullptr;
    SdfRayView* views_ = nullptr;
    int viewCount_ = 0;
    std::vector<void*> buffers_;
};

}  // namespace

std::unique_ptr<SdfStepper> cudaSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views) {
    return std::unique_ptr<SdfStepper>(new CudaSdfStepper(level, views));
}

}  // namespace detail
}  // namespace gen3d
