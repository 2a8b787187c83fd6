/**
 * The bundled environment map (scripts/make-environment-map.ts writes it): a small equirectangular PNG
 * of a photo studio, inlined into the bundle (nothing comes from the network). Loaded into a cube map
 * with its irradiance (spherical harmonics) computed up front, so PBR materials are lit by it from the
 * first frame they use it.
 */
import type { Scene } from '@babylonjs/core/scene';
import type { BaseTexture } from '@babylonjs/core/Materials/Textures/baseTexture';
import { EquiRectangularCubeTexture } from '@babylonjs/core/Materials/Textures/equiRectangularCubeTexture';
import { CubeMapToSphericalPolynomialTools } from '@babylonjs/core/Misc/HighDynamicRange/cubemapToSphericalPolynomial';
import '@babylonjs/core/Materials/Textures/baseTexture.polynomial';
// ?inline: a data: URL in the bundle. The packaged app runs from file://, where Babylon's CORS-mode image
// load of a file URL would be refused; data: URLs skip that and are allowed by the CSP (img-src data:).
import studioSoftboxesUrl from '../assets/environment/studio-softboxes.png?inline';

/** Cube face size: the panorama is 128×64, so 64 keeps its detail. */
const FACE_SIZE = 64;

export function loadStudioEnvironment(scene: Scene): Promise<BaseTexture> {
  return new Promise((resolve, reject) => {
    const texture: EquiRectangularCubeTexture = new EquiRectangularCubeTexture(
      studioSoftboxesUrl,
      scene,
      FACE_SIZE,
      false,
      // The script writes linear radiance, which is what PBR wants.
      false,
      () => {
        const polynomial =
          CubeMapToSphericalPolynomialTools.ConvertCubeMapTextureToSphericalPolynomial(texture);
        if (!polynomial) return resolve(texture);
        polynomial.then((value) => {
          texture.sphericalPolynomial = value;
          resolve(texture);
        }, reject);
      },
      (message) => reject(new Error(message ?? 'could not load the environment map')),
    );
  });
}
