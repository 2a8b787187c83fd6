/**
 * One studio per user session: a second launch quits at once and brings the first window forward, so
 * two studios never queue work on one jobs folder (the per-job locks would refuse the second anyway,
 * but only after it had started its engine and shown a window that can do nothing).
 */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/** True when this process is the studio; false when it has asked itself to quit. */
export function claimSingleInstance(app: SingleInstanceApp, bringForward: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', bringForward);
  return true;
}
