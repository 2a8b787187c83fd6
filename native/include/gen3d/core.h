// Gen3D-Face native core: triangle rasterization with a z-buffer, on the CPU (std::thread) or CUDA.
// Plain C++17, no Node: the addon (src/addon) and the test/bench programs are thin front ends over it.
//
// Conventions (DESIGN.md): positions in metres, uvs with (0,0) = the texture's top-left (glTF),
// cameras in OpenCV form: intrinsics fx, fy, cx, cy in pixels with the centre of pixel (0,0) at
// image coordinate (0,0); world-to-camera x_c = R x_w + t; the camera looks along +Z, y down.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gen3d {

struct Camera {
    float fx = 1, fy = 1, cx = 0, cy = 0;
    float R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};  // world-to-camera rotation, row-major
    float t[3] = {0, 0, 0};                    // world-to-camera translation
};

// Borrowed views: the caller keeps the memory alive for the duration of a call.
struct MeshView {
    const float* positions = nullptr;  // xyz per vertex
    const float* uvs = nullptr;        // uv per vertex (optional for rendering)
    const float* normals = nullptr;    // unit xyz per vertex (optional: area-weighted normals computed)
    const uint32_t* indices = nullptr; // 3 per triangle, CCW seen from outside
    uint32_t vertexCount = 0;
    uint32_t triangleCount = 0;
};

struct ImageView {
    const uint8_t* rgba = nullptr;  // RGBA8, row-major, top row first
    int width = 0, height = 0;
};

enum class Backend { Cpu, Cuda };
enum class BackendRequest { Auto, Cpu };

struct BackendInfo {
    Backend backend = Backend::Cpu;
    std::string reason;  // why this backend (e.g. why CUDA is not used)
    std::string device;  // GPU name when CUDA
};

// The backend `Auto` resolves to (CUDA if compiled in and a device answers, else CPU), with the
// reason. Probed once; `setForceCpu(true)` (or env GEN3D_NATIVE_FORCE_CPU=1) makes Auto mean CPU.
BackendInfo backendInfo();
void setForceCpu(bool force);
// Worker threads of the CPU path (0 = hardware concurrency).
void setCpuThreads(int threads);

struct RenderParams {
    Camera camera;
    int width = 0, height = 0;
    uint8_t background[4] = {0, 0, 0, 0};
    bool cullBackFaces = false;
    bool lambert = false;    // headlight Lambert shading (two-sided)
    float ambient = 0.25f;   // shade = ambient + (1 - ambient) * |cos|
    float near = 1e-3f;      // triangles with a vertex closer than this are dropped (no clipping)
    BackendRequest backend = BackendRequest::Auto;
};

struct RenderOutput {
    std::vector<uint8_t> rgba;        // width*height*4
    std::vector<float> depth;         // camera-space z; +inf for background
    std::vector<int32_t> triangleId;  // -1 for background
    Backend backend = Backend::Cpu;
};

// Perspective-correct UVs, bilinear texture sampling (clamp to edge). Without a texture (or uvs) the
// surface is white. A pixel is covered when its centre is inside the triangle; samples exactly on a
// shared edge go to one triangle only. Equal depths are resolved to the lower triangle id.
RenderOutput renderTexturedMesh(const MeshView& mesh, const ImageView* texture, const RenderParams& params);

struct BakeParams {
    Camera camera;           // the photo's camera
    int atlasWidth = 0, atlasHeight = 0;
    float depthEpsilon = 0.01f;  // visible when z <= depthAtPixel * (1 + depthEpsilon)
    float near = 1e-3f;
    BackendRequest backend = BackendRequest::Auto;
};

struct BakeOutput {
    std::vector<uint8_t> rgba;  // atlas colour; 0 where weight is 0
    std::vector<float> weight;  // max(0, cos(normal, view)) * mask; 0 where not covered / not visible
    Backend backend = Backend::Cpu;
};

// UV-space rasterization of the mesh into a W×H atlas (texel centres at uv = (i+0.5)/W); each
// covered texel's point is projected into the photo, tested against the photo camera's depth buffer
// and sampled bilinearly. Overlapping UV triangles: the lower triangle id wins. `mask` is optional,
// one byte per photo pixel.
BakeOutput bakeProjectedTexture(const MeshView& mesh, const ImageView& photo, const uint8_t* mask,
                                const BakeParams& params);

struct DilateOutput {
    std::vector<uint8_t> rgba;
    std::vector<uint8_t> filled;  // 1 where dilation wrote a texel
};

// `pixels` passes of 8-neighbour dilation: a texel with weight 0 next to known texels takes their
// mean colour and becomes known for the next pass. Seams in a baked atlas then sample real colour.
DilateOutput dilateAtlas(const uint8_t* rgba, const float* weight, int width, int height, int pixels);

// Thrown for invalid input (sizes, index ranges); the addon turns it into a JS Error.
struct InvalidArgument : std::exception {
    explicit InvalidArgument(std::string m) : message(std::move(m)) {}
    const char* what() const noexcept override { return message.c_str(); }
    std::string message;
};

}  // namespace gen3d
