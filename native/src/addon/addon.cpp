// Node-API binding of the core. Heavy calls run on libuv's pool (AsyncWorker) and resolve a Promise,
// so the engine's message loop stays responsive. Inputs are copied at call time (the JS side may
// reuse its arrays); outputs are copied into fresh ArrayBuffers — Electron's V8 sandbox forbids
// external buffers, so handing out our own memory is not an option.
#include <napi.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include "gen3d/core.h"
#include "gen3d/reconstruct.h"

namespace {

using gen3d::BackendRequest;

template <class T>
struct TypedArrayKind;
template <>
struct TypedArrayKind<float> {
    static constexpr napi_typedarray_type type = napi_float32_array;
    static constexpr const char* name = "Float32Array";
};
template <>
struct TypedArrayKind<uint32_t> {
    static constexpr napi_typedarray_type type = napi_uint32_array;
    static constexpr const char* name = "Uint32Array";
};
template <>
struct TypedArrayKind<uint8_t> {
    static constexpr napi_typedarray_type type = napi_uint8_array;
    static constexpr const char* name = "Uint8Array";
};

Napi::Error typeError(Napi::Env env, const std::string& message) { return Napi::TypeError::New(env, message); }

// Copies obj[key] (a typed array of T) into a vector; `present` is false when absent and optional.
template <class T>
std::vector<T> copyArray(const Napi::Object& obj, const char* key, bool required, bool* present = nullptr) {
    Napi::Env env = obj.Env();
    Napi::Value v = obj.Get(key);
    if (v.IsUndefined() || v.IsNull()) {
        if (required) throw typeError(env, std::string(key) + " is required");
        if (present) *present = false;
        return {};
    }
    bool ok = v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == TypedArrayKind<T>::type;
    // Node Buffers are Uint8Arrays too, but report napi_uint8_array already; accept clamped arrays as bytes.
    if (!ok && TypedArrayKind<T>::type == napi_uint8_array && v.IsTypedArray())
        ok = v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_clamped_array;
    if (!ok) throw typeError(env, std::string(key) + " must be a " + TypedArrayKind<T>::name);
    Napi::TypedArray arr = v.As<Napi::TypedArray>();
    std::vector<T> out(arr.ElementLength());
    if (!out.empty())
        std::memcpy(out.data(), static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset(),
                    out.size() * sizeof(T));
    if (present) *present = true;
    return out;
}

double number(const Napi::Object& obj, const char* key, bool required, double fallback = 0) {
    Napi::Value v = obj.Get(key);
    if (v.IsUndefined()) {
        if (required) throw typeError(obj.Env(), std::string(key) + " is required");
        return fallback;
    }
    if (!v.IsNumber()) throw typeError(obj.Env(), std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
}

bool boolean(const Napi::Object& obj, const char* key, bool fallback) {
    Napi::Value v = obj.Get(key);
    if (v.IsUndefined()) return fallback;
    if (!v.IsBoolean()) throw typeError(obj.Env(), std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

Napi::Object object(const Napi::Object& obj, const char* key) {
    Napi::Value v = obj.Get(key);
    if (!v.IsObject()) throw typeError(obj.Env(), std::string(key) + " must be an object");
    return v.As<Napi::Object>();
}

void numberList(const Napi::Object& obj, const char* key, float* out, uint32_t n) {
    Napi::Value v = obj.Get(key);
    if (!v.IsObject()) throw typeError(obj.Env(), std::string("camera.") + key + " must be an array of numbers");
    Napi::Object list = v.As<Napi::Object>();
    if (number(list, "length", true) != n)
        throw typeError(obj.Env(), std::string("camera.") + key + " must have " + std::to_string(n) + " numbers");
    for (uint32_t i = 0; i < n; ++i) {
        Napi::Value e = list.Get(i);
        if (!e.IsNumber()) throw typeError(obj.Env(), std::string("camera.") + key + " must hold numbers");
        out[i] = e.As<Napi::Number>().FloatValue();
    }
}

gen3d::Camera camera(const Napi::Object& obj) {
    gen3d::Camera c;
    c.fx = (float)number(obj, "fx", true);
    c.fy = (float)number(obj, "fy", true);
    c.cx = (float)number(obj, "cx", true);
    c.cy = (float)number(obj, "cy", true);
    numberList(obj, "R", c.R, 9);
    numberList(obj, "t", c.t, 3);
    return c;
}

BackendRequest backendRequest(const Napi::Object& obj) {
    Napi::Value v = obj.Get("backend");
    if (v.IsUndefined()) return BackendRequest::Auto;
    std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
    if (s == "auto") return BackendRequest::Auto;
    if (s == "cpu") return BackendRequest::Cpu;
    throw typeError(obj.Env(), "backend must be 'auto' or 'cpu'");
}

const char* backendName(gen3d::Backend b) { return b == gen3d::Backend::Cuda ? "cuda" : "cpu"; }

template <class T>
Napi::Value toTypedArray(Napi::Env env, const std::vector<T>& data) {
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, data.size() * sizeof(T));
    if (!data.empty()) std::memcpy(ab.Data(), data.data(), data.size() * sizeof(T));
    return Napi::TypedArrayOf<T>::New(env, data.size(), ab, 0);
}

// Mesh arrays copied out of the JS object.
struct MeshData {
    std::vector<float> positions, uvs, normals;
    std::vector<uint32_t> indices;
    bool hasUvs = false, hasNormals = false;

    void read(const Napi::Object& o, bool needUvs) {
        positions = copyArray<float>(o, "positions", true);
        uvs = copyArray<float>(o, "uvs", needUvs, &hasUvs);
        normals = copyArray<float>(o, "normals", false, &hasNormals);
        indices = copyArray<uint32_t>(o, "indices", true);
        Napi::Env env = o.Env();
        if (positions.size() % 3) throw typeError(env, "positions length must be a multiple of 3");
        if (indices.size() % 3) throw typeError(env, "indices length must be a multiple of 3");
        const size_t nv = positions.size() / 3;
        if (hasUvs && uvs.size() != nv * 2) throw typeError(env, "uvs length must be 2 × vertex count");
        if (hasNormals && normals.size() != nv * 3) throw typeError(env, "normals length must be 3 × vertex count");
    }
    gen3d::MeshView view() const {
        gen3d::MeshView m;
        m.positions = positions.data();
        m.uvs = hasUvs ? uvs.data() : nullptr;
        m.normals = hasNormals ? normals.data() : nullptr;
        m.indices = indices.data();
        m.vertexCount = (uint32_t)(positions.size() / 3);
        m.triangleCount = (uint32_t)(indices.size() / 3);
        return m;
    }
};

struct ImageData {
    std::vector<uint8_t> rgba;
    int width = 0, height = 0;
    void read(const Napi::Object& img, const char* what, int channels) {
        width = (int)number(img, "width", true);
        height = (int)number(img, "height", true);
        rgba = copyArray<uint8_t>(img, "data", true);
        if (width <= 0 || height <= 0 || (size_t)width * height * channels != rgba.size())
            throw typeError(img.Env(), std::string(what) + ": data length must be width × height × " +
                                           std::to_string(channels));
    }
};

// Runs `work` on the pool; `finish` builds the result object on the JS thread.
class Job : public Napi::AsyncWorker {
   public:
    Job(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> finish)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)),
          finish_(std::move(finish)) {}
    Napi::Promise promise() const { return deferred_.Promise(); }
    void Execute() override {
        try {
            work_();
        } catch (const std::exception& e) {
            SetError(e.what());
        }
    }
    void OnOK() override { deferred_.Resolve(finish_(Env())); }
    void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

   private:
    Napi::Promise::Deferred deferred_;
    std::function<void()> work_;
    std::function<Napi::Value(Napi::Env)> finish_;
};

Napi::Object argObject(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsObject()) throw typeError(info.Env(), "expected an options object");
    return info[0].As<Napi::Object>();
}

Napi::Value RenderTexturedMesh(const Napi::CallbackInfo& info) {
    Napi::Object o = argObject(info);
    struct State {
        MeshData mesh;
        ImageData texture;
        bool hasTexture = false;
        gen3d::RenderParams params;
        gen3d::RenderOutput out;
    };
    auto s = std::make_shared<State>();
    s->mesh.read(o, false);
    Napi::Value tex = o.Get("texture");
    if (!tex.IsUndefined() && !tex.IsNull()) {
        if (!tex.IsObject()) throw typeError(info.Env(), "texture must be an object");
        s->texture.read(tex.As<Napi::Object>(), "texture", 4);
        s->hasTexture = true;
    }
    gen3d::RenderParams& p = s->params;
    p.camera = camera(object(o, "camera"));
    p.width = (int)number(o, "width", true);
    p.height = (int)number(o, "height", true);
    Napi::Value bg = o.Get("background");
    if (!bg.IsUndefined()) {
        float c[4];
        Napi::Object holder = Napi::Object::New(info.Env());
        holder.Set("background", bg);
        numberList(holder, "background", c, 4);
        for (int k = 0; k < 4; ++k) p.background[k] = (uint8_t)std::min(255.0f, std::max(0.0f, c[k]));
    }
    p.cullBackFaces = boolean(o, "cullBackFaces", false);
    p.lambert = boolean(o, "lambert", false);
    p.ambient = (float)number(o, "ambient", false, 0.25);
    p.near = (float)number(o, "near", false, 1e-3);
    p.backend = backendRequest(o);

    auto* job = new Job(
        info.Env(),
        [s] {
            gen3d::ImageView tex{s->texture.rgba.data(), s->texture.width, s->texture.height};
            s->out = gen3d::renderTexturedMesh(s->mesh.view(), s->hasTexture ? &tex : nullptr, s->params);
        },
        [s](Napi::Env env) {
            Napi::Object r = Napi::Object::New(env);
            r.Set("rgba", toTypedArray(env, s->out.rgba));
            r.Set("depth", toTypedArray(env, s->out.depth));
            r.Set("triangleId", toTypedArray(env, s->out.triangleId));
            r.Set("backend", backendName(s->out.backend));
            return r;
        });
    job->Queue();
    return job->promise();
}

Napi::Value BakeProjectedTexture(const Napi::CallbackInfo& info) {
    Napi::Object o = argObject(info);
    struct State {
        MeshData mesh;
        ImageData photo, mask;
        bool hasMask = false;
        gen3d::BakeParams params;
        gen3d::BakeOutput out;
    };
    auto s = std::make_shared<State>();
    s->mesh.read(o, true);
    s->photo.read(object(o, "photo"), "photo", 4);
    Napi::Value mask = o.Get("mask");
    if (!mask.IsUndefined() && !mask.IsNull()) {
        if (!mask.IsObject()) throw typeError(info.Env(), "mask must be an object");
        s->mask.read(mask.As<Napi::Object>(), "mask", 1);
        if (s->mask.width != s->photo.width || s->mask.height != s->photo.height)
            throw typeError(info.Env(), "mask must have the photo's width and height");
        s->hasMask = true;
    }
    gen3d::BakeParams& p = s->params;
    p.camera = camera(object(o, "camera"));
    p.atlasWidth = (int)number(o, "atlasWidth", true);
    p.atlasHeight = (int)number(o, "atlasHeight", true);
    p.depthEpsilon = (float)number(o, "depthEpsilon", false, 0.01);
    p.near = (float)number(o, "near", false, 1e-3);
    p.backend = backendRequest(o);

    auto* job = new Job(
        info.Env(),
        [s] {
            gen3d::ImageView photo{s->photo.rgba.data(), s->photo.width, s->photo.height};
            s->out = gen3d::bakeProjectedTexture(s->mesh.view(), photo, s->hasMask ? s->mask.rgba.data() : nullptr,
                                                 s->params);
        },
        [s](Napi::Env env) {
            Napi::Object r = Napi::Object::New(env);
            r.Set("rgba", toTypedArray(env, s->out.rgba));
            r.Set("weight", toTypedArray(env, s->out.weight));
            r.Set("backend", backendName(s->out.backend));
            return r;
        });
    job->Queue();
    return job->promise();
}

Napi::Value DilateAtlas(const Napi::CallbackInfo& info) {
    Napi::Object o = argObject(info);
    struct State {
        ImageData atlas;
        std::vector<float> weight;
        int pixels = 0;
        gen3d::DilateOutput out;
    };
    auto s = std::make_shared<State>();
    s->atlas.read(object(o, "atlas"), "atlas", 4);
    s->weight = copyArray<float>(o, "weight", true);
    if (s->weight.size() != (size_t)s->atlas.width * s->atlas.height)
        throw typeError(info.Env(), "weight length must be atlas width × height");
    s->pixels = (int)number(o, "pixels", true);
    auto* job = new Job(
        info.Env(),
        [s] {
            s->out = gen3d::dilateAtlas(s->atlas.rgba.data(), s->weight.data(), s->atlas.width, s->atlas.height,
                                        s->pixels);
        },
        [s](Napi::Env env) {
            Napi::Object r = Napi::Object::New(env);
            r.Set("rgba", toTypedArray(env, s->out.rgba));
            r.Set("filled", toTypedArray(env, s->out.filled));
            return r;
        });
    job->Queue();
    return job->promise();
}

// reconstructSurface({ views: [{ camera, width, height, mask: Uint8Array }], prior?: { positions, indices },
//   resolutions, steps, raysPerView?, learningRate?, weights…, centre?, side?, backend?,
//   onProgress?(step, total, maskLoss, eikonalLoss, priorLoss), cancel?: Int32Array (cancel[0] ≠ 0 stops) })
// → Promise<{ positions, indices, components, watertight, steps, cancelled, backend, seconds,
//             initial: losses, final: losses, grid: { n, origin, voxel } }>
Napi::Value ReconstructSurface(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = argObject(info);
    struct State {
        std::vector<std::vector<uint8_t>> masks;
        std::vector<gen3d::SdfView> views;
        MeshData prior;
        bool hasPrior = false;
        gen3d::SdfFitParams params;
        Napi::ThreadSafeFunction progress;
        bool hasProgress = false;
        Napi::Reference<Napi::Int32Array> cancelRef;
        volatile int32_t* cancel = nullptr;
        gen3d::SdfFitOutput fit;
        gen3d::SurfaceMesh surface;
    };
    auto s = std::make_shared<State>();
    Napi::Value viewsValue = o.Get("views");
    if (!viewsValue.IsArray()) throw typeError(env, "views must be an array");
    Napi::Array views = viewsValue.As<Napi::Array>();
    for (uint32_t i = 0; i < views.Length(); ++i) {
        Napi::Value v = views.Get(i);
        if (!v.IsObject()) throw typeError(env, "views[" + std::to_string(i) + "] must be an object");
        Napi::Object view = v.As<Napi::Object>();
        gen3d::SdfView sv;
        sv.camera = camera(object(view, "camera"));
        sv.width = (int)number(view, "width", true);
        sv.height = (int)number(view, "height", true);
        s->masks.push_back(copyArray<uint8_t>(view, "mask", true));
        if (sv.width <= 0 || sv.height <= 0 || s->masks.back().size() != (size_t)sv.width * sv.height)
            throw typeError(env, "views[" + std::to_string(i) + "].mask length must be width × height");
        s->views.push_back(sv);
    }
    for (size_t i = 0; i < s->views.size(); ++i) s->views[i].mask = s->masks[i].data();
    Napi::Value prior = o.Get("prior");
    if (!prior.IsUndefined() && !prior.IsNull()) {
        if (!prior.IsObject()) throw typeError(env, "prior must be an object");
        s->prior.read(prior.As<Napi::Object>(), false);
        s->hasPrior = true;
    }
    gen3d::SdfFitParams& p = s->params;
    auto intList = [&](const char* key, std::vector<int>& out) {
        Napi::Value v = o.Get(key);
        if (v.IsUndefined()) return;
        if (!v.IsArray()) throw typeError(env, std::string(key) + " must be an array of integers");
        Napi::Array a = v.As<Napi::Array>();
        out.clear();
        for (uint32_t i = 0; i < a.Length(); ++i) {
            Napi::Value e = a.Get(i);
            if (!e.IsNumber()) throw typeError(env, std::string(key) + " must hold integers");
            out.push_back(e.As<Napi::Number>().Int32Value());
        }
    };
    intList("resolutions", p.resolutions);
    intList("steps", p.steps);
    p.raysPerView = (int)number(o, "raysPerView", false, p.raysPerView);
    p.learningRate = (float)number(o, "learningRate", false, p.learningRate);
    p.maskWeight = (float)number(o, "maskWeight", false, p.maskWeight);
    p.eikonalWeight = (float)number(o, "eikonalWeight", false, p.eikonalWeight);
    p.priorWeight = (float)number(o, "priorWeight", false, p.priorWeight);
    p.smoothWeight = (float)number(o, "smoothWeight", false, p.smoothWeight);
    p.margin = (float)number(o, "margin", false, p.margin);
    p.closeGaps = (float)number(o, "closeGaps", false, p.closeGaps);
    p.side = (float)number(o, "side", false, 0);
    if (!o.Get("centre").IsUndefined()) {
        Napi::Object holder = Napi::Object::New(env);
        holder.Set("centre", o.Get("centre"));
        numberList(holder, "centre", p.centre, 3);
    }
    p.backend = backendRequest(o);
    Napi::Value cancel = o.Get("cancel");
    if (!cancel.IsUndefined()) {
        if (!cancel.IsTypedArray() || cancel.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
            throw typeError(env, "cancel must be an Int32Array");
        Napi::Int32Array flag = cancel.As<Napi::Int32Array>();
        if (flag.ElementLength() < 1) throw typeError(env, "cancel must have at least one element");
        s->cancelRef = Napi::Persistent(flag);
        s->cancel = flag.Data();
    }
    Napi::Value onProgress = o.Get("onProgress");
    if (!onProgress.IsUndefined()) {
        if (!onProgress.IsFunction()) throw typeError(env, "onProgress must be a function");
        s->progress = Napi::ThreadSafeFunction::New(env, onProgress.As<Napi::Function>(), "gen3d-sdf-progress", 0, 1);
        s->hasProgress = true;
    }
    struct Event {
        int step, total;
        gen3d::SdfLosses losses;
    };
    p.progress = [st = s.get()](int step, int total, const gen3d::SdfLosses& l) {
        if (st->hasProgress) {
            st->progress.NonBlockingCall(new Event{step, total, l}, [](Napi::Env e, Napi::Function cb, Event* ev) {
                cb.Call({Napi::Number::New(e, ev->step), Napi::Number::New(e, ev->total),
                         Napi::Number::New(e, ev->losses.mask), Napi::Number::New(e, ev->losses.eikonal),
                         Napi::Number::New(e, ev->losses.prior)});
                delete ev;
            });
        }
        return !(st->cancel && st->cancel[0] != 0);
    };
    auto* job = new Job(
        env,
        [s] {
            struct Release {
                State* st;
                ~Release() {
                    if (st->hasProgress) st->progress.Release();
                }
            } release{s.get()};
            gen3d::MeshView prior = s->prior.view();
            s->fit = gen3d::fitSdf(s->views.data(), (int)s->views.size(), s->hasPrior ? &prior : nullptr, s->params);
            if (!s->fit.cancelled) s->surface = gen3d::extractSurface(s->fit.grid);
        },
        [s](Napi::Env env) {
            auto losses = [&](const gen3d::SdfLosses& l) {
                Napi::Object r = Napi::Object::New(env);
                r.Set("mask", l.mask);
                r.Set("eikonal", l.eikonal);
                r.Set("prior", l.prior);
                return r;
            };
            Napi::Object r = Napi::Object::New(env);
            r.Set("positions", toTypedArray(env, s->surface.positions));
            r.Set("indices", toTypedArray(env, s->surface.indices));
            r.Set("components", s->surface.components);
            r.Set("watertight", s->surface.watertight);
            r.Set("steps", s->fit.steps);
            r.Set("cancelled", s->fit.cancelled);
            r.Set("backend", backendName(s->fit.backend));
            r.Set("seconds", s->fit.seconds);
            r.Set("initial", losses(s->fit.initial));
            r.Set("final", losses(s->fit.final));
            Napi::Object grid = Napi::Object::New(env);
            grid.Set("n", s->fit.grid.n);
            Napi::Array origin = Napi::Array::New(env, 3);
            for (uint32_t a = 0; a < 3; ++a) origin.Set(a, s->fit.grid.origin[a]);
            grid.Set("origin", origin);
            grid.Set("voxel", s->fit.grid.voxel);
            r.Set("grid", grid);
            return r;
        });
    job->Queue();
    return job->promise();
}

Napi::Value BackendInfo(const Napi::CallbackInfo& info) {
    gen3d::BackendInfo b = gen3d::backendInfo();
    Napi::Object r = Napi::Object::New(info.Env());
    r.Set("backend", backendName(b.backend));
    r.Set("reason", b.reason);
    if (!b.device.empty()) r.Set("device", b.device);
#ifdef GEN3D_WITH_CUDA
    r.Set("cudaCompiled", true);
#else
    r.Set("cudaCompiled", false);
#endif
    return r;
}

Napi::Value SetForceCpu(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsBoolean()) throw typeError(info.Env(), "setForceCpu expects a boolean");
    gen3d::setForceCpu(info[0].As<Napi::Boolean>().Value());
    return info.Env().Undefined();
}

Napi::Value SetCpuThreads(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber()) throw typeError(info.Env(), "setCpuThreads expects a number");
    gen3d::setCpuThreads(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("renderTexturedMesh", Napi::Function::New(env, RenderTexturedMesh));
    exports.Set("bakeProjectedTexture", Napi::Function::New(env, BakeProjectedTexture));
    exports.Set("dilateAtlas", Napi::Function::New(env, DilateAtlas));
    exports.Set("reconstructSurface", Napi::Function::New(env, ReconstructSurface));
    exports.Set("backendInfo", Napi::Function::New(env, BackendInfo));
    exports.Set("setForceCpu", Napi::Function::New(env, SetForceCpu));
    exports.Set("setCpuThreads", Napi::Function::New(env, SetCpuThreads));
    exports.Set("abiVersion", Napi::Number::New(env, 1));
    return exports;
}

}  // namespace

NODE_API_MODULE(gen3d_native, Init)
