"""Import exported heads into Blender (headless) and print what Blender sees, one JSON line per file.

    blender -b --python-exit-code 1 --python scripts/blender/check_import.py -- FILE FORMAT [FILE FORMAT ...]

FORMAT: glb (File > Import > glTF 2.0), obj (File > Import > Wavefront (.obj), default axes:
Forward -Z, Up Y — i.e. the file is taken as Y-up), obj-zup (same importer with Forward Y, Up Z — the
file is taken as Z-up, no conversion). Several files per run: Blender takes seconds to start.
Each line: `CHECK_JSON {...}` with per-object counts, UVs, material/texture binding, world-space
dimensions, and the axis from the head's centroid to its farthest vertex (the nose tip).
"""
import json
import sys

import numpy

numpy.bool = bool  # Blender 3.4's glTF importer uses np.bool, gone from Debian's numpy 1.24

import bpy  # noqa: E402
from mathutils import Vector  # noqa: E402


def texture_binding(material):
    """Image Texture node with a loaded image, linked into the Principled BSDF's Base Color."""
    info = {"material": material.name if material else None, "image": None, "image_size": [0, 0],
            "base_color_linked": False, "roughness": None, "metallic": None}
    if not material or not material.use_nodes:
        return info
    for node in material.node_tree.nodes:
        if node.type == "BSDF_PRINCIPLED":
            info["roughness"] = round(node.inputs["Roughness"].default_value, 3)
            info["metallic"] = round(node.inputs["Metallic"].default_value, 3)
            base = node.inputs["Base Color"]
            for link in base.links:
                if link.from_node.type == "TEX_IMAGE":
                    info["base_color_linked"] = True
        if node.type == "TEX_IMAGE" and node.image is not None:
            info["image"] = node.image.name
            info["image_size"] = list(node.image.size)  # reading size loads the image: (0, 0) if it failed
    return info


def describe_object(obj):
    mesh = obj.data
    world = [obj.matrix_world @ v.co for v in mesh.vertices]
    lo = [min(p[a] for p in world) for a in range(3)]
    hi = [max(p[a] for p in world) for a in range(3)]
    n = len(world)
    centroid = [sum(p[a] for p in world) / n for a in range(3)]
    far = max(world, key=lambda p: sum((p[a] - centroid[a]) ** 2 for a in range(3)))
    d = [far[a] - centroid[a] for a in range(3)]
    axis = max(range(3), key=lambda a: abs(d[a]))
    # Winding: a face's normal (from its vertex order) should point away from the centroid.
    rot = obj.matrix_world.to_3x3()
    outward = sum(1 for p in mesh.polygons
                  if (rot @ p.normal).dot((obj.matrix_world @ p.center) - Vector(centroid)) > 0)
    uv_layer = mesh.uv_layers.active
    # UV v (Blender: origin bottom-left) at the highest and lowest vertex: a correct flip puts the top of
    # the head near the top of the texture (v ≈ 1).
    top = max(range(n), key=lambda i: world[i][2])
    bottom = min(range(n), key=lambda i: world[i][2])
    v_at = {}
    if uv_layer:
        for loop in mesh.loops:
            if loop.vertex_index in (top, bottom):
                v_at[loop.vertex_index] = uv_layer.data[loop.index].uv[1]
    return {
        "name": obj.name,
        "vertices": len(mesh.vertices),
        "faces": len(mesh.polygons),
        "triangles": sum(len(p.vertices) - 2 for p in mesh.polygons),
        "outward_faces": outward / max(1, len(mesh.polygons)),
        "has_uv": uv_layer is not None,
        "uv_v_top": v_at.get(top),
        "uv_v_bottom": v_at.get(bottom),
        "dimensions": [hi[a] - lo[a] for a in range(3)],
        "min": lo,
        "max": hi,
        "nose_tip": list(far),
        "nose_axis": ("+" if d[axis] > 0 else "-") + "XYZ"[axis],
        "textures": [texture_binding(slot.material) for slot in obj.material_slots],
    }


def check(path, fmt):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    if fmt == "glb":
        bpy.ops.import_scene.gltf(filepath=path)
    elif fmt == "obj":
        bpy.ops.wm.obj_import(filepath=path)
    elif fmt == "obj-zup":
        bpy.ops.wm.obj_import(filepath=path, forward_axis="Y", up_axis="Z")
    else:
        raise ValueError("unknown format " + fmt)
    objects = [o for o in bpy.context.scene.objects if o.type == "MESH"]
    return {"file": path, "format": fmt, "blender": bpy.app.version_string,
            "objects": [describe_object(o) for o in sorted(objects, key=lambda o: o.name)]}


def main():
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    if not args or len(args) % 2:
        raise SystemExit("usage: ... -- FILE FORMAT [FILE FORMAT ...]")
    for i in range(0, len(args), 2):
        print("CHECK_JSON " + json.dumps(check(args[i], args[i + 1])), flush=True)


main()
