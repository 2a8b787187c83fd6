// CUDA backend: one thread per triangle rasterizes small triangles straight into a 64-bit z-buffer
// with atomicMin on (depth bits << 32 | triangle id); triangles with a large screen box are queued
// and rasterized by a whole block each; then one thread per pixel (or texel) resolves the colour.
// The math is raster_math.h, shared with the CPU path.
#include <cuda_runtime.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "backends.h"

namespace gen3d {
namespace detail {
std::atomic<float> gLastKernelMs{0};

namespace {

constexpr int kBigTriPixels = 256;  // screen boxes above this go to the block-per-triangle kernel

void check(cudaError_t err, const char* what) {
    if (err != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(err));
}

// Device buffers are kept between calls (grow-only, one slot per role) and calls are serialised by
// a mutex: cudaMalloc/cudaFree per call cost about as much as the kernels of a 1024² render.
enum Slot { kPositions, kUvs, kNormals, kIndices, kImage, kMask, kSetupsA, kSetupsB, kKeysA, kKeysB, kOutRgba,
            kOutF32, kOutI32, kBigList, kBigCount, kSlotCount };
std::mutex gCudaMutex;
struct Scratch {
    void* ptr = nullptr;
    size_t bytes = 0;
};
Scratch gScratch[kSlotCount];

void* scratch(Slot slot, size_t bytes) {
    Scratch& s = gScratch[slot];
    if (s.bytes < bytes) {
        if (s.ptr) cudaFree(s.ptr);
        s.ptr = nullptr;
        s.bytes = 0;
        check(cudaMalloc(&s.ptr, bytes), "cudaMalloc");
        s.bytes = bytes;
    }
    return s.ptr;
}

template <class T>
struct DeviceArray {
    T* ptr = nullptr;
    size_t count = 0;
    DeviceArray(Slot slot, size_t n) : ptr(static_cast<T*>(scratch(slot, (n ? n : 1) * sizeof(T)))), count(n) {}
    DeviceArray(Slot slot, const T* host, size_t n) : DeviceArray(slot, n) {
        if (n) check(cudaMemcpy(ptr, host, n * sizeof(T), cudaMemcpyHostToDevice), "upload");
    }
    void download(T* host) const {
        if (count) check(cudaMemcpy(host, ptr, count * sizeof(T), cudaMemcpyDeviceToHost), "download");
    }
};

// Wall time of the kernels of the last call, from CUDA events (the benchmark reports it).
struct KernelTimer {
    cudaEvent_t start{}, stop{};
    KernelTimer() {
        check(cudaEventCreate(&start), "event");
        check(cudaEventCreate(&stop), "event");
        check(cudaEventRecord(start), "event");
    }
    ~KernelTimer() {
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
    }
    void finish() {
        check(cudaEventRecord(stop), "event");
        check(cudaEventSynchronize(stop), "kernels");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start, stop), "event");
        gLastKernelMs = ms;
    }
};

// Device copies of the mesh; `arrays` points into them.
struct DeviceMesh {
    DeviceArray<float> positions, uvs, normals;
    DeviceArray<uint32_t> indices;
    MeshArrays arrays;
    explicit DeviceMesh(const MeshArrays& m)
        : positions(kPositions, m.positions, (size_t)m.vertexCount * 3),
          uvs(kUvs, m.uvs, m.uvs ? (size_t)m.vertexCount * 2 : 0),
          normals(kNormals, m.normals, (size_t)m.vertexCount * 3),
          indices(kIndices, m.indices, (size_t)m.triangleCount * 3) {
        arrays = {positions.ptr, m.uvs ? uvs.ptr : nullptr, normals.ptr, indices.ptr, m.vertexCount, m.triangleCount};
    }
};

__global__ void setupCameraKernel(MeshArrays m, Camera cam, int width, int height, bool cullBack, float near,
                                  TriSetup* setups) {
    const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < m.triangleCount) setupCameraTriangle(m, cam, i, width, height, cullBack, near, setups[i]);
}

__global__ void setupUvKernel(MeshArrays m, int width, int height, TriSetup* setups) {
    const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < m.triangleCount) setupUvTriangle(m, i, width, height, setups[i]);
}

__device__ __forceinline__ void rasterPixel(const TriSetup& t, uint32_t tri, int px, int py, int width,
                                            bool perspective, unsigned long long* keys) {
    long long w[3];
    if (!covers(t, px, py, w)) return;
    unsigned long long key = tri;
    if (perspective) {
        float b[3], depth;
        perspectiveBary(t, w, b, depth);
        key = depthKey(depth, tri);
    }
    unsigned long long* slot = keys + (size_t)py * width + px;
    if (key < *slot) atomicMin(slot, key);  // the plain read skips most atomics behind nearer surfaces
}

__global__ void rasterSmallKernel(const TriSetup* setups, uint32_t count, int width, bool perspective,
                                  unsigned long long* keys, uint32_t* bigList, uint32_t* bigCount) {
    const uint32_t tri = blockIdx.x * blockDim.x + threadIdx.x;
    if (tri >= count) return;
    const TriSetup t = setups[tri];
    if (!t.valid) return;
    const int area = (t.x1 - t.x0 + 1) * (t.y1 - t.y0 + 1);
    if (area > kBigTriPixels) {
        bigList[atomicAdd(bigCount, 1u)] = tri;
        return;
    }
    for (int py = t.y0; py <= t.y1; ++py)
        for (int px = t.x0; px <= t.x1; ++px) rasterPixel(t, tri, px, py, width, perspective, keys);
}

__global__ void rasterBigKernel(const TriSetup* setups, const uint32_t* bigList, const uint32_t* bigCount, int width,
                                bool perspective, unsigned long long* keys) {
    const uint32_t n = *bigCount;
    for (uint32_t k = blockIdx.x; k < n; k += gridDim.x) {
        const uint32_t tri = bigList[k];
        const TriSetup& t = setups[tri];
        const int bw = t.x1 - t.x0 + 1;
        const int pixels = bw * (t.y1 - t.y0 + 1);
        for (int p = threadIdx.x; p < pixels; p += blockDim.x)
            rasterPixel(t, tri, t.x0 + p % bw, t.y0 + p / bw, width, perspective, keys);
    }
}

__global__ void shadeKernel(MeshArrays m, const TriSetup* setups, RenderShadeArgs a, const unsigned long long* keys,
                            uint8_t* rgba, float* depth, int32_t* ids) {
    const int px = blockIdx.x * blockDim.x + threadIdx.x, py = blockIdx.y * blockDim.y + threadIdx.y;
    if (px >= a.width || py >= a.height) return;
    const size_t i = (size_t)py * a.width + px;
    uint8_t out[4];
    shadePixel(m, setups, a, px, py, keys[i], out, depth[i], ids[i]);
    reinterpret_cast<uchar4*>(rgba)[i] = make_uchar4(out[0], out[1], out[2], out[3]);
}

__global__ void bakeKernel(MeshArrays m, const TriSetup* setups, BakeTexelArgs a, const unsigned long long* keys,
                           uint8_t* rgba, float* weight) {
    const int px = blockIdx.x * blockDim.x + threadIdx.x, py = blockIdx.y * blockDim.y + threadIdx.y;
    if (px >= a.atlasW || py >= a.atlasH) return;
    const size_t i = (size_t)py * a.atlasW + px;
    uint8_t out[4];
    bakeTexel(m, setups, a, px, py, keys[i], out, weight[i]);
    reinterpret_cast<uchar4*>(rgba)[i] = make_uchar4(out[0], out[1], out[2], out[3]);
}

unsigned blocksFor(size_t n, unsigned threads) { return (unsigned)((n + threads - 1) / threads); }

// Rasterizes valid setups into `keys` (width*height, initialised here).
void rasterKeys(const TriSetup* setups, uint32_t count, int width, int height, bool perspective,
                unsigned long long* keys) {
    check(cudaMemset(keys, 0xff, (size_t)width * height * sizeof(unsigned long long)), "memset");
    DeviceArray<uint32_t> bigList(kBigList, count), bigCount(kBigCount, 1);
    check(cudaMemset(bigCount.ptr, 0, sizeof(uint32_t)), "memset");
    if (count) {
        rasterSmallKernel<<<blocksFor(count, 128), 128>>>(setups, count, width, perspective, keys, bigList.ptr,
                                                          bigCount.ptr);
        rasterBigKernel<<<1024, 256>>>(setups, bigList.ptr, bigCount.ptr, width, perspective, keys);
    }
    check(cudaGetLastError(), "raster launch");
}

}  // namespace

bool cudaProbe(std::string& reason, std::string& device) {
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) +
                 ")";
        cudaGetLastError();
        return false;
    }
    if (count == 0) {
        reason = "no CUDA device";
        return false;
    }
    cudaDeviceProp prop;
    err = cudaGetDeviceProperties(&prop, 0);
    if (err != cudaSuccess) {
        reason = std::string("cudaGetDeviceProperties failed: ") + cudaGetErrorString(err);
        return false;
    }
    device = prop.name;
    reason = "CUDA device 0 (compute capability " + std::to_string(prop.major) + "." + std::to_string(prop.minor) + ")";
    return true;
}

float cudaLastKernelMs() { return gLastKernelMs.load(); }

void cudaRender(const RenderJob& job, RenderOutput& out) {
    const int W = job.shade.width, H = job.shade.height;
    const size_t pixels = (size_t)W * H;
    const uint32_t n = job.mesh.triangleCount;
    std::lock_guard<std::mutex> lock(gCudaMutex);
    DeviceMesh mesh(job.mesh);
    const size_t texBytes = job.shade.texture ? (size_t)job.shade.texW * job.shade.texH * 4 : 0;
    DeviceArray<uint8_t> texture(kImage, job.shade.texture, texBytes);
    DeviceArray<TriSetup> setups(kSetupsA, n);
    DeviceArray<unsigned long long> keys(kKeysA, pixels);
    DeviceArray<uint8_t> rgba(kOutRgba, pixels * 4);
    DeviceArray<float> depth(kOutF32, pixels);
    DeviceArray<int32_t> ids(kOutI32, pixels);
    KernelTimer timer;

    if (n)
        setupCameraKernel<<<blocksFor(n, 128), 128>>>(mesh.arrays, job.shade.cam, W, H, job.cullBack, job.near,
                                                      setups.ptr);
    rasterKeys(setups.ptr, n, W, H, true, keys.ptr);
    RenderShadeArgs args = job.shade;
    args.texture = job.shade.texture ? texture.ptr : nullptr;
    const dim3 block(16, 16), grid(blocksFor(W, 16), blocksFor(H, 16));
    shadeKernel<<<grid, block>>>(mesh.arrays, setups.ptr, args, keys.ptr, rgba.ptr, depth.ptr, ids.ptr);
    check(cudaGetLastError(), "shade launch");
    timer.finish();

    out.rgba.resize(pixels * 4);
    out.depth.resize(pixels);
    out.triangleId.resize(pixels);
    rgba.download(out.rgba.data());
    depth.download(out.depth.data());
    ids.download(out.triangleId.data());
    out.backend = Backend::Cuda;
}

void cudaBake(const BakeJob& job, BakeOutput& out) {
    const BakeTexelArgs& a = job.texel;
    const uint32_t n = job.mesh.triangleCount;
    const size_t photoPixels = (size_t)a.photoW * a.photoH, texels = (size_t)a.atlasW * a.atlasH;
    std::lock_guard<std::mutex> lock(gCudaMutex);
    DeviceMesh mesh(job.mesh);
    DeviceArray<uint8_t> photo(kImage, a.photo, photoPixels * 4);
    DeviceArray<uint8_t> mask(kMask, a.mask, a.mask ? photoPixels : 0);
    DeviceArray<TriSetup> camSetups(kSetupsA, n), uvSetups(kSetupsB, n);
    DeviceArray<unsigned long long> photoKeys(kKeysA, photoPixels), uvKeys(kKeysB, texels);
    DeviceArray<uint8_t> rgba(kOutRgba, texels * 4);
    DeviceArray<float> weight(kOutF32, texels);
    KernelTimer timer;

    if (n) {
        setupCameraKernel<<<blocksFor(n, 128), 128>>>(mesh.arrays, a.cam, a.photoW, a.photoH, false, a.near,
                                                      camSetups.ptr);
        setupUvKernel<<<blocksFor(n, 128), 128>>>(mesh.arrays, a.atlasW, a.atlasH, uvSetups.ptr);
    }
    rasterKeys(camSetups.ptr, n, a.photoW, a.photoH, true, photoKeys.ptr);
    rasterKeys(uvSetups.ptr, n, a.atlasW, a.atlasH, false, uvKeys.ptr);
    BakeTexelArgs args = a;
    args.photo = photo.ptr;
    args.mask = a.mask ? mask.ptr : nullptr;
    args.photoKeys = photoKeys.ptr;
    const dim3 block(16, 16), grid(blocksFor(a.atlasW, 16), blocksFor(a.atlasH, 16));
    bakeKernel<<<grid, block>>>(mesh.arrays, uvSetups.ptr, args, uvKeys.ptr, rgba.ptr, weight.ptr);
    check(cudaGetLastError(), "bake launch");
    timer.finish();

    out.rgba.resize(texels * 4);
    out.weight.resize(texels);
    rgba.download(out.rgba.data());
    weight.download(out.weight.data());
    out.backend = Backend::Cuda;
}

}  // namespace detail
}  // namespace gen3d
