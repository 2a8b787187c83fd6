/**
 * What main tells the engine through its environment (pure, so the bundled-engine test passes the same).
 * The engine runs from out/main/chunks (inside app.asar when packaged), so paths it derives from
 * import.meta.url do not reach resources/ — that folder ships beside the app (extraResources).
 */
export const ENGINE_ENV = {
  /** Folder holding head-model/ and samples/ (resources/ of the checkout, or of the installed app). */
  resourcesDir: 'GEN3D_RESOURCES_DIR',
} as const;

export function engineEnv(options: { resourcesDir: string }): Record<string, string> {
  return { [ENGINE_ENV.resourcesDir]: options.resourcesDir };
}
