/**
 * The engine environment of the browser tests' studio: test hooks on, and the small reconstruction
 * grid — these tests check the studio's flow, not the fit (that is tested at both grids on its own).
 */
export const STUDIO_ENGINE_ENV = { GEN3D_TEST_HOOKS: '1', GEN3D_TEST_RECONSTRUCT: 'small' } as const;
