"""Import an exported GLB into Blender (headless) and turn it all the way round, as an artist would.

    blender -b --factory-startup --python-exit-code 1 --python scripts/blender/render_turntable.py -- \
        N SIZE FILE.glb OUT_DIR [FILE.glb OUT_DIR ...]

For each GLB renders N views (azimuth 0 = the face, 360/N apart, positive towards the head's left/+X),
SIZE px square, with Cycles on the CPU into OUT_DIR/blender_AAAdeg.png, and prints one
`TURNTABLE_JSON {...}` line: per imported mesh object its name, whether it is closed once UV-seam duplicates are welded (glTF splits vertices
at seams), its boundary / non-manifold edge counts and whether its material has a loaded texture.
One Blender takes all the files: its start and the importer's set-up were half of a file's ~5.6 s.
"""
import json
import math
import os
import sys

import numpy

numpy.bool = bool  # Blender 3.4's glTF importer uses np.bool, gone from Debian's numpy 1.24

import bmesh  # noqa: E402
import bpy  # noqa: E402
from mathutils import Vector  # noqa: E402


def closed_surface(obj):
    """Boundary and non-manifold edge counts of the object's mesh with seam duplicates welded."""
    bm = bmesh.new()
    bm.from_mesh(obj.data)
    bmesh.ops.remove_doubles(bm, verts=bm.verts, dist=1e-6)
    boundary = sum(1 for e in bm.edges if len(e.link_faces) == 1)
    non_manifold = sum(1 for e in bm.edges if len(e.link_faces) > 2)
    bm.free()
    return boundary, non_manifold


def has_loaded_texture(obj):
    for slot in obj.material_slots:
        material = slot.material
        if material and material.use_nodes:
            for node in material.node_tree.nodes:
                if node.type == "TEX_IMAGE" and node.image is not None and node.image.size[0] > 0:
                    return True
    return False


def main():
    argv = sys.argv[sys.argv.index("--") + 1:]
    count, size, pairs = int(argv[0]), int(argv[1]), argv[2:]
    if not pairs or len(pairs) % 2:
        raise SystemExit("usage: -- N SIZE FILE.glb OUT_DIR [FILE.glb OUT_DIR ...]")
    for glb, out_dir in zip(pairs[::2], pairs[1::2]):
        turntable(glb, out_dir, count, size)


def turntable(glb, out_dir, count, size):
    os.makedirs(out_dir, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_scene.gltf(filepath=glb)
    meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]

    objects = []
    lo = Vector((math.inf,) * 3)
    hi = Vector((-math.inf,) * 3)
    for obj in meshes:
        boundary, non_manifold = closed_surface(obj)
        objects.append({"name": obj.name, "mesh": obj.data.name, "boundary_edges": boundary,
                        "non_manifold_edges": non_manifold, "closed": boundary == 0 and non_manifold == 0,
                        "textured": has_loaded_texture(obj), "faces": len(obj.data.polygons)})
        for corner in obj.bound_box:
            p = obj.matrix_world @ Vector(corner)
            lo = Vector(map(min, lo, p))
            hi = Vector(map(max, hi, p))
    centre = (lo + hi) / 2
    radius = (hi - lo).length / 2

    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = 8  # noisier than 16 but plain to look at, in half the time
    scene.cycles.use_denoising = False
    scene.render.resolution_x = scene.render.resolution_y = size
    scene.render.film_transparent = False
    world = bpy.data.worlds.new("studio")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.8, 0.8, 0.82, 1)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.9
    scene.world = world

    target = bpy.data.objects.new("target", None)
    target.location = centre
    scene.collection.objects.link(target)
    camera = bpy.data.objects.new("camera", bpy.data.cameras.new("camera"))
    camera.data.lens = 85
    scene.collection.objects.link(camera)
    scene.camera = camera
    track = camera.constraints.new("TRACK_TO")
    track.target = target
    key = bpy.data.objects.new("key", bpy.data.lights.new("key", "SUN"))
    key.data.energy = 2.5
    # A soft key (a 12° disc, like a studio softbox): Blender's default 0.5° sun cast hard shadows
    # whose edges followed the mesh's triangles (Cycles' shadow terminator) and read as seams across
    # the face, the nose's shadow a straight line through the mouth.
    key.data.angle = math.radians(12)
    scene.collection.objects.link(key)
    # An 85 mm lens (36 mm sensor) sees 24°: the bounds fill most of the frame at this distance.
    distance = 0.75 * radius / math.tan(math.radians(12))

    views = []
    for i in range(count):
        azimuth = 360.0 * i / count
        a = math.radians(azimuth)
        # Blender is +Z up and the glTF importer turns the face (+Z in glTF) towards -Y.
        direction = Vector((math.sin(a), -math.cos(a), 0.15)).normalized()
        camera.location = centre + direction * distance
        key.rotation_euler = (math.radians(50), 0, a + math.radians(30))
        name = "blender_%03ddeg.png" % round(azimuth)
        scene.render.filepath = os.path.join(out_dir, name)
        bpy.ops.render.render(write_still=True)
        views.append(name)

    print("TURNTABLE_JSON " + json.dumps({"file": glb, "blender": bpy.app.version_string,
                                          "objects": objects, "views": views}))


main()
