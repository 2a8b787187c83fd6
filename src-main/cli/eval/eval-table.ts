/**
 * The eval's results as rows, and those rows as a markdown table, a CSV file and, against an earlier
 * run's rows, a table of deltas. Pure: no files, no engine.
 */
import type { HeadMetrics } from '../../shared/protocol';

export interface EvalRow {
  photo: string;
  generator: 'projection' | 'diffusion';
  /** 'done', or why the job did not finish. */
  status: string;
  /** Descriptor distance to the photo at 0°, +45°, −45° (null: no face found there). */
  id0: number | null;
  id45: number | null;
  idMinus45: number | null;
  /** How many of the three are the person (< 0.6). */
  matches: number | null;
  /** Mean pairwise distance of the renders where a face is found. */
  crossView: number | null;
  /** Generated views (diffusion): mean distance to the photo, and faces found of the views. */
  generatedId: number | null;
  generatedFaces: string | null;
  /** Back views with a face ('' = none), e.g. "180" or "g157.5" for a generated view. */
  janus: string | null;
  flatMax: number | null;
  flatMean: number | null;
  /** Against a ground truth (held-out synthetic identities only). */
  ssim: number | null;
  psnrDb: number | null;
  /** Wall time of the whole job, and of its metrics step, in seconds. */
  seconds: number;
  metricsSeconds: number | null;
}

const COLUMNS: { key: keyof EvalRow; title: string; digits?: number }[] = [
  { key: 'photo', title: 'photo' },
  { key: 'generator', title: 'generator' },
  { key: 'status', title: 'status' },
  { key: 'id0', title: 'id 0°', digits: 3 },
  { key: 'id45', title: 'id +45°', digits: 3 },
  { key: 'idMinus45', title: 'id −45°', digits: 3 },
  { key: 'matches', title: 'matches /3' },
  { key: 'crossView', title: 'cross-view', digits: 3 },
  { key: 'generatedId', title: 'gen. views id', digits: 3 },
  { key: 'generatedFaces', title: 'gen. faces' },
  { key: 'janus', title: 'Janus' },
  { key: 'flatMax', title: 'flat max', digits: 3 },
  { key: 'flatMean', title: 'flat mean', digits: 3 },
  { key: 'ssim', title: 'SSIM', digits: 3 },
  { key: 'psnrDb', title: 'PSNR dB', digits: 1 },
  { key: 'seconds', title: 'time s', digits: 1 },
  { key: 'metricsSeconds', title: 'metrics s', digits: 1 },
];
const DELTA_KEYS: (keyof EvalRow)[] = [
  'id0',
  'id45',
  'idMinus45',
  'matches',
  'crossView',
  'generatedId',
  'flatMax',
  'flatMean',
  'ssim',
  'psnrDb',
  'seconds',
];

/** One table row from a finished job's report metrics (undefined metrics: the job failed). */
export function evalRow(
  photo: string,
  generator: EvalRow['generator'],
  status: string,
  seconds: number,
  m: HeadMetrics | undefined,
  /** SSIM/PSNR of the generated views against a held-out identity's true views (else the report's). */
  truth?: { ssim: number; psnrDb: number },
): EvalRow {
  const r3 = (x: number | null | undefined): number | null => (x === undefined || x === null ? null : x);
  const ids = m?.identity ? [m.identity.at0, m.identity.at45, m.identity.atMinus45] : undefined;
  const generated = m?.views.filter((v) => v.source === 'generated') ?? [];
  return {
    photo,
    generator,
    status,
    id0: r3(m?.identity?.at0.distance),
    id45: r3(m?.identity?.at45.distance),
    idMinus45: r3(m?.identity?.atMinus45.distance),
    matches: ids ? ids.filter((i) => i.match).length : null,
    crossView: r3(m?.crossView?.renders.meanDistance),
    generatedId: r3(m?.generatedIdentity?.meanDistance),
    generatedFaces: generated.length ? `${generated.filter((v) => v.face).length}/${generated.length}` : null,
    janus: m?.janus
      ? m.janus.facesAtBack.map((f) => `${f.source === 'generated' ? 'g' : ''}${f.azimuthDeg}`).join(' ')
      : null,
    flatMax: r3(m?.flatness?.maxShare),
    flatMean: r3(m?.flatness?.meanShare),
    ssim: r3(truth?.ssim ?? m?.groundTruth?.ssim),
    psnrDb: r3(truth?.psnrDb ?? m?.groundTruth?.psnrDb),
    seconds: Math.round(seconds * 10) / 10,
    metricsSeconds: m ? Math.round(m.ms / 100) / 10 : null,
  };
}

function cell(row: EvalRow, key: keyof EvalRow, digits?: number): string {
  const v = row[key];
  if (v === null) return '–';
  if (key === 'janus') return v === '' ? 'no' : `yes (${String(v)})`;
  if (typeof v === 'number' && digits !== undefined) return v.toFixed(digits);
  return String(v);
}

export function markdownTable(rows: readonly EvalRow[]): string {
  const head = `| ${COLUMNS.map((c) => c.title).join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${COLUMNS.map((c) => cell(r, c.key, c.digits)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

export function csvTable(rows: readonly EvalRow[]): string {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [COLUMNS.map((c) => c.key).join(',')];
  for (const r of rows)
    lines.push(COLUMNS.map((c) => (r[c.key] === null ? '' : quote(String(r[c.key])))).join(','));
  return `${lines.join('\n')}\n`;
}

export interface DeltaRow {
  photo: string;
  generator: string;
  /** Per compared figure: now − before (null: missing on either side). */
  deltas: Partial<Record<keyof EvalRow, number | null>>;
  janus: string;
}

/** Now minus before, per photo and generator found in both runs. */
export function compareRows(now: readonly EvalRow[], before: readonly EvalRow[]): DeltaRow[] {
  const out: DeltaRow[] = [];
  for (const r of now) {
    const b = before.find((x) => x.photo === r.photo && x.generator === r.generator);
    if (!b) continue;
    const deltas: DeltaRow['deltas'] = {};
    for (const k of DELTA_KEYS) {
      const x = r[k];
      const y = b[k];
      deltas[k] = typeof x === 'number' && typeof y === 'number' ? x - y : null;
    }
    const j = (v: string | null): string => (v === null ? '–' : v === '' ? 'no' : 'yes');
    out.push({ photo: r.photo, generator: r.generator, deltas, janus: `${j(b.janus)} → ${j(r.janus)}` });
  }
  return out;
}

export function markdownDeltas(rows: readonly DeltaRow[]): string {
  const cols = COLUMNS.filter((c) => DELTA_KEYS.includes(c.key));
  const head = `| photo | generator | ${cols.map((c) => `Δ ${c.title}`).join(' | ')} | Janus |`;
  const rule = `|---|---|${cols.map(() => '---').join('|')}|---|`;
  const sign = (v: number | null | undefined, digits = 3): string =>
    v === null || v === undefined ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;
  const body = rows.map(
    (r) =>
      `| ${r.photo} | ${r.generator} | ${cols.map((c) => sign(r.deltas[c.key], c.digits ?? 0)).join(' | ')} | ${r.janus} |`,
  );
  return [head, rule, ...body].join('\n');
}

export function csvDeltas(rows: readonly DeltaRow[]): string {
  const lines = [['photo', 'generator', ...DELTA_KEYS.map((k) => `delta_${k}`), 'janus'].join(',')];
  for (const r of rows)
    lines.push(
      [r.photo, r.generator, ...DELTA_KEYS.map((k) => r.deltas[k] ?? ''), r.janus.replace('→', '->')].join(
        ',',
      ),
    );
  return `${lines.join('\n')}\n`;
}
