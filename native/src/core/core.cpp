// Public entry points: input validation, vertex normals, backend choice and dispatch.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "backends.h"
#include "parallel.h"

namespace gen3d {
namespace {

std::atomic<bool> gForceCpu{false};
std::atomic<int> gCpuThreads{0};

struct Probe {
    bool cuda = false;
    std::string reason, device;
};

const Probe& probe() {
    static Probe p;
    static std::once_flag once;
    std::call_once(once, [] { p.cuda = detail::cudaProbe(p.reason, p.device); });
    return p;
}

bool envForcesCpu() {
    const char* v = std::getenv("GEN3D_NATIVE_FORCE_CPU");
    return v && *v && std::string(v) != "0";
}

int cpuThreads() { return detail::cpuThreadCount(); }

bool useCuda(BackendRequest req) { return req == BackendRequest::Auto && backendInfo().backend == Backend::Cuda; }

void require(bool ok, const std::string& message) {
    if (!ok) throw InvalidArgument(message);
}

void checkCamera(const Camera& c) {
    bool finite = std::isfinite(c.fx) && std::isfinite(c.fy) && std::isfinite(c.cx) && std::isfinite(c.cy);
    for (float v : c.R) finite = finite && std::isfinite(v);
    for (float v : c.t) finite = finite && std::isfinite(v);
    require(finite, "camera: all values must be finite");
    require(c.fx != 0 && c.fy != 0, "camera: fx and fy must be non-zero");
}

void checkSize(int w, int h, const char* what) {
    require(w > 0 && h > 0 && w <= 16384 && h <= 16384,
            std::string(what) + ": width and height must be in 1..16384");
}

void checkMesh(const MeshView& m, bool needUvs) {
    require(m.positions != nullptr || m.vertexCount == 0, "mesh: positions missing");
    require(m.indices != nullptr || m.triangleCount == 0, "mesh: indices missing");
    require(!needUvs || m.uvs != nullptr || m.vertexCount == 0, "mesh: uvs are required");
    for (size_t i = 0; i < (size_t)m.triangleCount * 3; ++i)
        if (m.indices[i] >= m.vertexCount)
            throw InvalidArgument("mesh: index " + std::to_string(m.indices[i]) + " at position " + std::to_string(i) +
                                  " is out of range (vertexCount " + std::to_string(m.vertexCount) + ")");
}

// Area-weighted vertex normals (a triangle's cross product is its area-weighted normal).
std::vector<float> vertexNormals(const MeshView& m) {
    std::vector<float> n((size_t)m.vertexCount * 3, 0.0f);
    for (size_t t = 0; t < m.triangleCount; ++t) {
        const uint32_t a = m.indices[t * 3], b = m.indices[t * 3 + 1], c = m.indices[t * 3 + 2];
        const float* pa = m.positions + (size_t)a * 3;
        const float* pb = m.positions + (size_t)b * 3;
        const float* pc = m.positions + (size_t)c * 3;
        const float e1[3] = {pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]};
        const float e2[3] = {pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]};
        const float f[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
        for (uint32_t v : {a, b, c})
            for (int k = 0; k < 3; ++k) n[(size_t)v * 3 + k] += f[k];
    }
    for (size_t v = 0; v < m.vertexCount; ++v) {
        float* p = &n[v * 3];
        const float len = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        if (len > 0)
            for (int k = 0; k < 3; ++k) p[k] /= len;
    }
    return n;
}

detail::MeshArrays arrays(const MeshView& m, const std::vector<float>& ownNormals) {
    return {m.positions, m.uvs, m.normals ? m.normals : ownNormals.data(), m.indices, m.vertexCount,
            m.triangleCount};
}

}  // namespace

namespace detail {
int cpuThreadCount() {
    const int n = gCpuThreads.load();
    if (n > 0) return n;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw ? (int)hw : 1;
}
}  // namespace detail

BackendInfo backendInfo() {
    const Probe& p = probe();
    BackendInfo info;
    if (gForceCpu.load() || envForcesCpu()) {
        info.backend = Backend::Cpu;
        info.reason = "CPU forced (setForceCpu or GEN3D_NATIVE_FORCE_CPU)";
        if (p.cuda) info.device = p.device;
        return info;
    }
    info.backend = p.cuda ? Backend::Cuda : Backend::Cpu;
    info.reason = p.reason;
    info.device = p.device;
    return info;
}

void setForceCpu(bool force) { gForceCpu = force; }
void setCpuThreads(int threads) { gCpuThreads = threads < 0 ? 0 : threads; }

RenderOutput renderTexturedMesh(const MeshView& mesh, const ImageView* texture, const RenderParams& params) {
    checkMesh(mesh, false);
    checkCamera(params.camera);
    checkSize(params.width, params.height, "render");
    if (texture) {
        require(texture->rgba != nullptr, "texture: data missing");
        checkSize(texture->width, texture->height, "texture");
    }
    require(params.near > 0 && std::isfinite(params.near), "render: near must be > 0");
    require(params.ambient >= 0 && params.ambient <= 1, "render: ambient must be in 0..1");
    std::vector<float> normals;
    if (!mesh.normals && params.lambert) normals = vertexNormals(mesh);
    if (!mesh.normals && !params.lambert) normals.assign((size_t)mesh.vertexCount * 3, 0.0f);

    detail::RenderJob job{};
    job.mesh = arrays(mesh, normals);
    job.shade.cam = params.camera;
    job.shade.width = params.width;
    job.shade.height = params.height;
    job.shade.texture = texture ? texture->rgba : nullptr;
    job.shade.texW = texture ? texture->width : 0;
    job.shade.texH = texture ? texture->height : 0;
    for (int c = 0; c < 4; ++c) job.shade.background[c] = params.background[c];
    job.shade.lambert = params.lambert ? 1 : 0;
    job.shade.ambient = params.ambient;
    job.cullBack = params.cullBackFaces;
    job.near = params.near;

    RenderOutput out;
    if (useCuda(params.backend))
        detail::cudaRender(job, out);
    else
        detail::cpuRender(job, out, cpuThreads());
    return out;
}

BakeOutput bakeProjectedTexture(const MeshView& mesh, const ImageView& photo, const uint8_t* mask,
                                const BakeParams& params) {
    checkMesh(mesh, true);
    checkCamera(params.camera);
    checkSize(params.atlasWidth, params.atlasHeight, "atlas");
    require(photo.rgba != nullptr, "photo: data missing");
    checkSize(photo.width, photo.height, "photo");
    require(params.depthEpsilon >= 0 && std::isfinite(params.depthEpsilon), "bake: depthEpsilon must be >= 0");
    require(params.near > 0 && std::isfinite(params.near), "bake: near must be > 0");
    std::vector<float> normals;
    if (!mesh.normals) normals = vertexNormals(mesh);

    detail::BakeJob job{};
    job.mesh = arrays(mesh, normals);
    job.texel.cam = params.camera;
    job.texel.photo = photo.rgba;
    job.texel.photoW = photo.width;
    job.texel.photoH = photo.height;
    job.texel.mask = mask;
    job.texel.photoKeys = nullptr;
    job.texel.atlasW = params.atlasWidth;
    job.texel.atlasH = params.atlasHeight;
    job.texel.depthEpsilon = params.depthEpsilon;
    job.texel.near = params.near;

    BakeOutput out;
    if (useCuda(params.backend))
        detail::cudaBake(job, out);
    else
        detail::cpuBake(job, out, cpuThreads());
    return out;
}

}  // namespace gen3d
