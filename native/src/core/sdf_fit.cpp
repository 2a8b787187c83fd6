// The SDF fit: prior SDF on the grid, then per level (coarse to fine) a fixed number of Adam steps on
// silhouette + eikonal + prior losses; each finer level starts from the coarser result, upsampled.
// This file holds the dispatcher and the CPU stepper; sdf_cuda.cu holds the CUDA one.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "parallel.h"
#include "sdf_backend.h"

namespace gen3d {
namespace detail {
namespace {

class CpuSdfStepper : public SdfStepper {
   public:
    CpuSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views, int threads)
        : grid_(level.grid), phi_(level.phi), prior_(level.prior), threads_(std::max(1, threads)) {
        const size_t count = phi_.size();
        m_.assign(count, 0.0f);
        v_.assign(count, 0.0f);
        grad_.assign(count, 0.0f);
        c_.assign(count * 3, 0.0f);
        lap_.assign(count, 0.0f);
        partial_.assign((size_t)threads_, std::vector<float>(count, 0.0f));
        for (const SdfViewData& d : views) views_.push_back(rayViewOf(d, d.mask.data(), d.edgePixels.data()));
    }

    SdfLosses step(const SdfWeights& w, const AdamState& adam) override {
        const int n = grid_.n;
        const size_t count = phi_.size();
        const int64_t rays = (int64_t)views_.size() * w.raysPerView;
        std::vector<double> rayLossPart((size_t)threads_, 0.0);
        // Rays: contiguous chunks, one gradient buffer per thread (summed in a fixed order below).
        std::vector<std::thread> pool;
        for (int t = 0; t < threads_; ++t) {
            pool.emplace_back([&, t] {
                std::vector<float>& g = partial_[(size_t)t];
                std::fill(g.begin(), g.end(), 0.0f);
                const int64_t begin = rays * t / threads_, end = rays * (t + 1) / threads_;
                double sum = 0;
                for (int64_t r = begin; r < end; ++r) {
                    const uint32_t v = (uint32_t)(r / w.raysPerView), k = (uint32_t)(r % w.raysPerView);
                    const SdfRayView& view = views_[v];
                    const uint32_t pixel = rayPixel(view, v, k, w.step);
                    sum += rayLoss(phi_.data(), grid_, view, pixel, w.mask, [&g](size_t i, float d) { g[i] += d; });
                }
                rayLossPart[(size_t)t] = sum;
            });
        }
        for (auto& th : pool) th.join();
        double rayLoss = 0;
        for (double s : rayLossPart) rayLoss += s;

        std::vector<double> eikPart((size_t)threads_, 0.0), priorPart((size_t)threads_, 0.0);
        const int64_t planes = n;
        runSlabs(planes, [&](int t, int64_t k) {
            double e = 0;
            for (int j = 0; j < n; ++j)
                for (int i = 0; i < n; ++i) {
                    const size_t idx = nodeIndex(n, i, j, (int)k);
                    e += eikonalAt(phi_.data(), n, i, j, (int)k, &c_[idx * 3]);
                    lap_[idx] = laplacianAt(phi_.data(), n, i, j, (int)k);
                }
            eikPart[(size_t)t] += e;
        });
        runSlabs(planes, [&](int t, int64_t k) {
            double p = 0;
            for (int j = 0; j < n; ++j)
                for (int i = 0; i < n; ++i) {
                    const size_t idx = nodeIndex(n, i, j, (int)k);
                    float g = 0;
                    for (int q = 0; q < threads_; ++q) g += partial_[(size_t)q][idx];
                    const float diff = phi_[idx] - prior_[idx];
                    p += (double)diff * diff;
                    g += w.eikonal * eikonalGradientAt(c_.data(), n, i, j, (int)k) + w.prior * 2.0f * diff +
                         w.smooth * smoothGradientAt(lap_.data(), n, i, j, (int)k);
                    grad_[idx] = g;
                }
            priorPart[(size_t)t] += p;
        });
        runSlabs(planes, [&](int, int64_t k) {
            const size_t begin = (size_t)k * n * n, end = begin + (size_t)n * n;
            for (size_t idx = begin; idx < end; ++idx) adamUpdate(phi_[idx], m_[idx], v_[idx], grad_[idx], adam);
        });
        SdfLosses losses;
        double e = 0, p = 0;
        for (int t = 0; t < threads_; ++t) {
            e += eikPart[(size_t)t];
            p += priorPart[(size_t)t];
        }
        losses.mask = (float)(rayLoss / (double)std::max<int64_t>(1, rays) / std::max(1e-12f, w.mask));
        losses.eikonal = (float)(e / (double)count);
        losses.prior = (float)(p / (double)count);
        return losses;
    }

    void download(std::vector<float>& phi) override { phi = phi_; }

   private:
    // z-slabs split into one contiguous range per thread; fn(thread, k).
    template <class Fn>
    void runSlabs(int64_t planes, Fn fn) {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads_; ++t)
            pool.emplace_back([&, t] {
                const int64_t begin = planes * t / threads_, end = planes * (t + 1) / threads_;
                for (int64_t k = begin; k < end; ++k) fn(t, k);
            });
        for (auto& th : pool) th.join();
    }

    SdfGridDesc grid_;
    std::vector<float> phi_, prior_, m_, v_, grad_, c_, lap_;
    std::vector<std::vector<float>> partial_;
    std::vector<SdfRayView> views_;
    int threads_;
};

}  // namespace

std::unique_ptr<SdfStepper> cpuSdfStepper(const SdfLevel& level, const std::vector<SdfViewData>& views, int threads) {
    return std::unique_ptr<SdfStepper>(new CpuSdfStepper(level, views, threads));
}

}  // namespace detail

namespace {

using detail::nodeIndex;

void require(bool ok, const std::string& message) {
    if (!ok) throw InvalidArgument(message);
}

// Pixels within 2 px of a change of the mask (both sides of the silhouette edge).
std::vector<uint32_t> edgePixels(const std::vector<uint8_t>& mask, int w, int h) {
    std::vector<uint32_t> out;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const bool in = mask[(size_t)y * w + x] > 127;
            bool edge = false;
            for (int dy = -2; dy <= 2 && !edge; ++dy)
                for (int dx = -2; dx <= 2 && !edge; ++dx) {
                    const int xx = x + dx, yy = y + dy;
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                    edge = (mask[(size_t)yy * w + xx] > 127) != in;
                }
            if (edge) out.push_back((uint32_t)(y * w + x));
        }
    return out;
}

// Trilinear resampling of a coarse grid onto a finer one over the same cube (values unchanged).
std::vector<float> upsample(const std::vector<float>& coarse, int nc, int nf) {
    std::vector<float> fine((size_t)nf * nf * nf);
    const float scale = (float)(nc - 1) / (float)(nf - 1);
    size_t idx[8];
    float w[8];
    for (int k = 0; k < nf; ++k)
        for (int j = 0; j < nf; ++j)
            for (int i = 0; i < nf; ++i)
                fine[nodeIndex(nf, i, j, k)] =
                    detail::trilinear(coarse.data(), nc, i * scale, j * scale, k * scale, idx, w);
    return fine;
}

std::vector<float> sphereSdf(int n, const float origin[3], float voxel, const float centre[3], float radius) {
    std::vector<float> phi((size_t)n * n * n);
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const float p[3] = {origin[0] + i * voxel - centre[0], origin[1] + j * voxel - centre[1],
                                    origin[2] + k * voxel - centre[2]};
                phi[nodeIndex(n, i, j, k)] = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) - radius;
            }
    return phi;
}

}  // namespace

SdfFitOutput fitSdf(const SdfView* views, int viewCount, const MeshView* prior, const SdfFitParams& params) {
    const auto started = std::chrono::steady_clock::now();
    require(viewCount > 0 && views != nullptr, "fitSdf: at least one view is required");
    require(!params.resolutions.empty() && params.resolutions.size() == params.steps.size(),
            "fitSdf: resolutions and steps must be non-empty and of the same length");
    for (size_t l = 0; l < params.resolutions.size(); ++l) {
        require(params.resolutions[l] >= 8 && params.resolutions[l] <= 512, "fitSdf: resolutions must be in 8..512");
        require(params.steps[l] >= 0 && params.steps[l] <= 100000, "fitSdf: steps must be in 0..100000");
    }
    require(params.raysPerView >= 1 && params.raysPerView <= (1 << 22), "fitSdf: raysPerView must be in 1..4194304");
    require(std::isfinite(params.learningRate) && params.learningRate > 0, "fitSdf: learningRate must be > 0");
    require(std::isfinite(params.maskWeight) && params.maskWeight > 0 && std::isfinite(params.eikonalWeight) &&
                params.eikonalWeight >= 0 && std::isfinite(params.priorWeight) && params.priorWeight >= 0 &&
                std::isfinite(params.smoothWeight) && params.smoothWeight >= 0,
            "fitSdf: weights must be finite, mask weight > 0, others >= 0");
    std::vector<detail::SdfViewData> data((size_t)viewCount);
    for (int v = 0; v < viewCount; ++v) {
        const SdfView& in = views[v];
        const std::string name = "fitSdf: view " + std::to_string(v);
        const Camera& c = in.camera;
        bool finite = std::isfinite(c.fx) && std::isfinite(c.fy) && std::isfinite(c.cx) && std::isfinite(c.cy);
        for (float x : c.R) finite = finite && std::isfinite(x);
        for (float x : c.t) finite = finite && std::isfinite(x);
        require(finite, name + ": camera values must be finite");
        require(c.fx != 0 && c.fy != 0, name + ": fx and fy must be non-zero");
        require(in.width > 0 && in.height > 0 && in.width <= 16384 && in.height <= 16384,
                name + ": width and height must be in 1..16384");
        require(in.mask != nullptr, name + ": mask missing");
        detail::SdfViewData& d = data[(size_t)v];
        d.cam = c;
        d.width = in.width;
        d.height = in.height;
        d.mask.assign(in.mask, in.mask + (size_t)in.width * in.height);
        size_t object = 0;
        for (uint8_t m : d.mask) object += m > 127;
        require(object > 0, name + ": the mask is empty (no object pixel)");
        for (int a = 0; a < 3; ++a)
            d.centre[a] = -(c.R[a] * c.t[0] + c.R[3 + a] * c.t[1] + c.R[6 + a] * c.t[2]);
        d.edgePixels = edgePixels(d.mask, in.width, in.height);
    }
    // The cube.
    float centre[3] = {params.centre[0], params.centre[1], params.centre[2]};
    float side = params.side;
    if (prior) {
        require(prior->positions && prior->indices && prior->vertexCount > 0 && prior->triangleCount > 0,
                "fitSdf: prior mesh is empty");
        for (size_t i = 0; i < (size_t)prior->triangleCount * 3; ++i)
            require(prior->indices[i] < prior->vertexCount, "fitSdf: prior index out of range");
        for (size_t i = 0; i < (size_t)prior->vertexCount * 3; ++i)
            require(std::isfinite(prior->positions[i]), "fitSdf: prior positions must be finite");
        if (side <= 0) {
            float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
            for (size_t v = 0; v < prior->vertexCount; ++v)
                for (int a = 0; a < 3; ++a) {
                    lo[a] = std::min(lo[a], prior->positions[v * 3 + a]);
                    hi[a] = std::max(hi[a], prior->positions[v * 3 + a]);
                }
            side = 0;
            for (int a = 0; a < 3; ++a) {
                centre[a] = 0.5f * (lo[a] + hi[a]);
                side = std::max(side, hi[a] - lo[a]);
            }
            side *= params.margin;
        }
    }
    require(std::isfinite(side) && side > 0, "fitSdf: the grid's side must be > 0 (give side, or a prior mesh)");

    const bool cuda = params.backend == BackendRequest::Auto && backendInfo().backend == Backend::Cuda;
    SdfFitOutput out;
    out.backend = cuda ? Backend::Cuda : Backend::Cpu;
    int total = 0;
    for (int s : params.steps) total += s;
    int done = 0;
    std::vector<float> phiMetres;  // the previous level's result
    int previousN = 0;
    for (size_t l = 0; l < params.resolutions.size(); ++l) {
        const int n = params.resolutions[l];
        detail::SdfLevel level;
        level.grid.n = n;
        level.grid.voxel = side / (float)(n - 1);
        for (int a = 0; a < 3; ++a) level.grid.origin[a] = centre[a] - 0.5f * side;
        std::vector<float> priorMetres =
            prior ? meshSdf(*prior, n, level.grid.origin, level.grid.voxel, params.closeGaps)
                  : sphereSdf(n, level.grid.origin, level.grid.voxel, centre, 0.25f * side);
        std::vector<float> start = previousN ? upsample(phiMetres, previousN, n) : priorMetres;
        const float inv = 1.0f / level.grid.voxel;
        level.prior.resize(priorMetres.size());
        level.phi.resize(start.size());
        for (size_t i = 0; i < start.size(); ++i) {
            level.prior[i] = priorMetres[i] * inv;
            level.phi[i] = start[i] * inv;
        }
        std::unique_ptr<detail::SdfStepper> stepper =
            cuda ? detail::cudaSdfStepper(level, data) : detail::cpuSdfStepper(level, data, detail::cpuThreadCount());
        detail::AdamState adam{params.learningRate, 0.9f, 0.99f, 1e-2f, 1, 1};
        float b1 = 1, b2 = 1;
        for (int s = 0; s < params.steps[l]; ++s) {
            b1 *= adam.beta1;
            b2 *= adam.beta2;
            adam.correction1 = 1 - b1;
            adam.correction2 = 1 - b2;
            // Step size decays linearly to 10 % over the level: the stochastic rays' noise settles.
            adam.lr = params.learningRate * (1.0f - 0.9f * (float)s / (float)std::max(1, params.steps[l] - 1));
            const detail::SdfWeights w{params.maskWeight, params.eikonalWeight, params.priorWeight,
                                       params.smoothWeight, params.raysPerView, (uint32_t)done};
            SdfLosses losses = stepper->step(w, adam);
            if (done == 0) out.initial = losses;
            out.final = losses;
            ++done;
            if (params.progress && !params.progress(done, total, losses)) {
                out.cancelled = true;
                break;
            }
        }
        std::vector<float> phi;
        stepper->download(phi);
        phiMetres.resize(phi.size());
        for (size_t i = 0; i < phi.size(); ++i) phiMetres[i] = phi[i] * level.grid.voxel;
        previousN = n;
        out.grid.n = n;
        out.grid.voxel = level.grid.voxel;
        for (int a = 0; a < 3; ++a) out.grid.origin[a] = level.grid.origin[a];
        out.priorPhi = std::move(priorMetres);
        if (out.cancelled) break;
    }
    out.grid.phi = std::move(phiMetres);
    out.steps = done;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace gen3d
