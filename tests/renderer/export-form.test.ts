/**
 * The Export dialog's form (src-renderer/stores/export-form.ts): defaults from the job and the photo,
 * presets filling the fields, a hand edit making the settings custom, validation messages, and the
 * ExportSettings the form means.
 *
 * Run: node --import tsx --test tests/renderer/export-form.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORT_PRESETS } from '../../src-main/shared/export-presets';
import { ExportSettings } from '../../src-main/shared/protocol';
import {
  applyPreset,
  defaultFileName,
  editField,
  exportSettingsOf,
  initialForm,
  validateForm,
} from '../../src-renderer/stores/export-form';

const jobExport = ExportSettings.parse({ topology: 'studio', origin: 'neck-base', includeReport: true });

test("the first fields are the job's export settings; the file name is the photo's, made safe", () => {
  const form = initialForm(jobExport, '/photos/Eileen Collins (1999).jpg', null);
  assert.equal(form.fileName, 'Eileen_Collins_1999');
  assert.equal(form.format, 'both');
  assert.equal(form.textureSize, jobExport.textureSize);
  assert.equal(form.triangleBudget, '');
  assert.equal(defaultFileName('..hidden.png'), 'hidden');
  assert.equal(defaultFileName('日本.png'), 'head', 'nothing left after making it safe: a name still');
  const zipped = initialForm(ExportSettings.parse({ zip: true }), 'a.png', '/out');
  assert.equal(zipped.format, 'glb-zip');
  assert.equal(zipped.destination, '/out');
});

test('a preset fills format, units, axis and texture; name, budget and folder stay', () => {
  const form = { ...initialForm(jobExport, 'a.png', '/out'), triangleBudget: '5000', fileName: 'mine' };
  const unreal = applyPreset(form, 'unreal');
  assert.deepEqual(
    [unreal.preset, unreal.format, unreal.units, unreal.upAxis, unreal.textureSize, unreal.textureFormat],
    ['unreal', 'both', 'cm', 'Z', 2048, 'png'],
  );
  assert.deepEqual([unreal.triangleBudget, unreal.fileName, unreal.destination], ['5000', 'mine', '/out']);
  const web = applyPreset(unreal, 'web');
  assert.deepEqual(
    [web.format, web.units, web.upAxis, web.textureSize, web.textureFormat],
    ['glb', 'm', 'Y', 1024, 'jpeg'],
  );
});

test("a hand edit of a preset's field makes it custom; the budget or name do not", () => {
  const unreal = applyPreset(initialForm(jobExport, 'a.png', '/out'), 'unreal');
  assert.equal(editField(unreal, 'triangleBudget', '2000').preset, 'unreal');
  assert.equal(editField(unreal, 'fileName', 'x').preset, 'unreal');
  assert.equal(editField(unreal, 'textureSize', 1024).preset, 'custom');
  assert.equal(editField(unreal, 'upAxis', 'Z').preset, 'unreal', "the preset's own value: still the preset");
});

test('validation says what is wrong, field by field', () => {
  const good = { ...initialForm(jobExport, 'a.png', '/out'), triangleBudget: '5000' };
  assert.deepEqual(validateForm(good), {});
  assert.deepEqual(validateForm({ ...good, triangleBudget: '' }), {}, 'no budget is fine');
  assert.match(validateForm({ ...good, triangleBudget: '12.5' }).triangleBudget ?? '', /whole number/);
  assert.match(validateForm({ ...good, triangleBudget: 'many' }).triangleBudget ?? '', /whole number/);
  assert.match(validateForm({ ...good, triangleBudget: '50' }).triangleBudget ?? '', /at least 100/);
  assert.match(validateForm({ ...good, triangleBudget: '20000000' }).triangleBudget ?? '', /at most/);
  assert.match(validateForm({ ...good, fileName: '  ' }).fileName ?? '', /name/);
  assert.match(validateForm({ ...good, destination: null }).destination ?? '', /Choose the folder/);
});

test("the settings: the form's fields on top of the job's other export settings", () => {
  const form = {
    ...applyPreset(initialForm(jobExport, 'a.png', '/out'), 'unreal'),
    triangleBudget: ' 3000 ',
    fileName: 'my head {name}',
  };
  const settings = exportSettingsOf(form, jobExport);
  assert.deepEqual(settings, {
    ...EXPORT_PRESETS.unreal,
    origin: 'neck-base',
    includeReport: true,
    triangleBudget: 3000,
    fileNameTemplate: 'my_head_name',
  });
  const glbZip = exportSettingsOf(
    { ...form, format: 'glb-zip', triangleBudget: '' },
    { ...jobExport, triangleBudget: 9000 },
  );
  assert.deepEqual([glbZip.formats, glbZip.zip, glbZip.triangleBudget], [['glb', 'obj'], true, undefined]);
  assert.deepEqual(exportSettingsOf({ ...form, format: 'obj' }, jobExport).formats, ['obj']);
});
