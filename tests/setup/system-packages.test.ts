/**
 * The set-up installs every Debian package whose files, programs or Python modules the code uses
 * (scripts/debian-packages.txt); this fails when that drifts — and is shown to fail on a tree that
 * drifted.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkSystemPackages,
  formatProblems,
  PACKAGE_LIST,
  readPackageList,
} from '../../scripts/system-deps/check-system-packages';
import { whichProgram } from '../../scripts/system-deps/debian-owners';
import {
  collectSystemUses,
  programsRunFromShell,
  pythonImports,
} from '../../scripts/system-deps/collect-system-uses';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** `s` as a regular expression that matches it literally. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const listed = readPackageList(await readFile(path.join(ROOT, PACKAGE_LIST), 'utf8'));

describe('system packages', () => {
  it('every system file, program and Python module used comes from a package the set-up installs', () => {
    const result = checkSystemPackages(ROOT, listed);
    assert.ok(result.uses.length > 50, `only ${result.uses.length} uses found: is the scan blind?`);
    assert.equal(formatProblems(result), '', 'fix: add the package to scripts/debian-packages.txt');
  });

  it('fails when a test starts to use a package the set-up does not install', async () => {
    const tree = await mkdtemp(path.join(tmpdir(), 'gen3d-drift-'));
    try {
      await mkdir(path.join(tree, 'tests'), { recursive: true });
      await mkdir(path.join(tree, 'training'), { recursive: true });
      // A file of an installed package (Blender's program, which the set-up's own list brings) and a
      // path beside it that no package has, found at run time: fixture text, never read.
      const blenderFile = whichProgram('blender');
      assert.ok(blenderFile, 'blender is installed by the set-up');
      const noPackageFile = path.join(path.dirname(blenderFile), 'gen3d-not-a-package', 'face.png');
      await writeFile(
        path.join(tree, 'tests/new.test.ts'),
        [
          `const photo = await readFile('${blenderFile}');`,
          "execFileSync(\n  'blender',\n  ['-b'],\n);",
          `const data = '${noPackageFile}';`,
          "const ok = '/etc/shadow'; // system-deps: ignore (a path the test expects refused)",
        ].join('\n'),
      );
      await writeFile(
        path.join(tree, 'training/new_tool.py'),
        'import torch\nfrom gen3d_missing_module import x\nimport json, local_helper\n',
      );
      await writeFile(path.join(tree, 'training/local_helper.py'), 'X = 1\n');
      // The project's own list without blender and python3-torch: as if nobody had added them.
      const drifted = listed.filter((p) => p.name !== 'blender' && p.name !== 'python3-torch');
      const result = checkSystemPackages(tree, drifted);
      const report = formatProblems(result);
      const lines = report.split('\n');
      const find = (re: RegExp): string | undefined => lines.find((l) => re.test(l));
      assert.ok(
        find(
          new RegExp(
            `^tests/new\\.test\\.ts:1 uses ${escapeRegExp(blenderFile)}, from Debian package blender,`,
          ),
        ),
        `system file not caught:\n${report}`,
      );
      assert.ok(find(/^tests\/new\.test\.ts:2 runs `blender`.*from Debian package blender/), report);
      assert.ok(find(new RegExp(`^tests/new\\.test\\.ts:6 uses ${escapeRegExp(noPackageFile)},`)), report);
      assert.ok(find(/^training\/new_tool\.py:1 imports torch .*python3-torch/), report);
      assert.ok(find(/^training\/new_tool\.py:2 imports gen3d_missing_module/), report);
      assert.equal(find(/shadow|json|local_helper/), undefined, report);
      assert.equal(result.problems.length, 5, report);
      // With the full list the same tree passes, but for the file no package has.
      const full = formatProblems(checkSystemPackages(tree, listed));
      assert.deepEqual(
        full.split('\n').map((l) => l.split(' ')[0]),
        ['tests/new.test.ts:6', 'training/new_tool.py:2'],
        full,
      );
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });
});

describe('scanning rules', () => {
  it('finds the commands a shell line runs, not its quoted text, redirections or variables', () => {
    assert.deepEqual(programsRunFromShell('x="$(cd "$root" && node -p "a(b)")" 2>&1 || true'), ['node']);
    assert.deepEqual(programsRunFromShell("awk '!/^#/ { print $1 }' list.txt | sort -u"), ['awk', 'sort']);
    assert.deepEqual(programsRunFromShell('  $SUDO apt-get update -qq >/dev/null'), ['apt-get']);
    assert.deepEqual(programsRunFromShell('step "build (electron-vite)"'), ['step']);
    assert.deepEqual(programsRunFromShell('FOO=1 time ctest --test-dir build'), ['ctest']);
    assert.deepEqual(programsRunFromShell('echo "$((end - start)) s $(date +%s)"'), ['date']);
  });

  it('finds top-level Python imports', () => {
    assert.deepEqual(pythonImports('import numpy as np, scipy.sparse'), ['numpy', 'scipy']);
    assert.deepEqual(pythonImports('    from torch.nn import functional as F'), ['torch']);
    assert.deepEqual(pythonImports('from . import flame'), []);
  });

  it('skips comments but reads shebangs, and knows a Blender script', () => {
    const sh = collectSystemUses('x.sh', '#!/usr/bin/env bash\n# cat /usr/share/doc/x\nblender -b\n'); // system-deps: ignore (fixture)
    assert.deepEqual(
      sh.map((u) => (u.kind === 'program' ? u.name : u.kind)),
      ['bash', 'blender'],
    );
    const py = collectSystemUses('c.py', 'import bpy\nimport numpy\n');
    assert.deepEqual(
      py.map((u) => (u.kind === 'python-module' ? `${u.module}@${u.interpreter}` : u.kind)),
      ['bpy@blender', 'numpy@blender'],
    );
  });
});
