import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getMetadataStorage, validateSync } from 'class-validator';
import { DistinctItems } from '../../src/common/distinct-items.decorator.js';

class Sample {
  @DistinctItems()
  items: unknown[];
}

/** An array that counts how often its elements are read: the measure of the check's work, not a clock. */
function counted(values: unknown[]): { array: unknown[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, reads: () => reads };
}

function sample(items: unknown[]): Sample {
  return Object.assign(new Sample(), { items });
}

/** Array uniqueness is checked in linear time (a 100 kB array must not cost 140 ms). */
describe('distinct items (linear uniqueness check)', () => {
  it('reads each element once and refuses duplicates', () => {
    const distinct = counted(Array.from({ length: 5000 }, (_, i) => `s${i}`));
    assert.deepEqual(validateSync(sample(distinct.array)), []);
    assert.ok(distinct.reads() <= 5000, `read ${distinct.reads()} elements of 5000`);

    const errors = validateSync(sample(['notes:read', 'notes:write', 'notes:read']));
    assert.equal(errors.length, 1);
    assert.deepEqual(Object.keys(errors[0]!.constraints ?? {}), ['distinctItems']);
    assert.notEqual(validateSync(sample('not an array' as unknown as unknown[])).length, 0);
  });

  it("no DTO uses class-validator's pairwise ArrayUnique", async () => {
    // The quadratic check is refused by construction: every DTO module is loaded and its rules read.
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const modules = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) =>
      /(?:^|\/)dto\/[^/]+\.js$|\.query\.js$/.test(file),
    );
    assert.ok(modules.length >= 10, `found ${modules.length} DTO modules`);
    const classes: Function[] = [];
    for (const file of modules) {
      const exported = (await import(pathToFileURL(join(src, file)).href)) as Record<string, unknown>;
      classes.push(...Object.values(exported).filter((value): value is Function => typeof value === 'function'));
    }
    const storage = getMetadataStorage();
    const pairwise = classes.flatMap((cls) =>
      storage
        .getTargetValidationMetadatas(cls, '', false, false)
        .filter((rule) => rule.name === 'arrayUnique')
        .map((rule) => `${cls.name}.${rule.propertyName}`),
    );
    assert.deepEqual(pairwise, []);
    const scopes = storage
      .getTargetValidationMetadatas(
        classes.find((cls) => cls.name === 'CreateApiKeyDto')!,
        '',
        false,
        false,
      )
      .filter((rule) => rule.propertyName === 'scopes')
      .map((rule) => rule.name);
    assert.ok(scopes.includes('distinctItems'), `scopes rules: ${scopes.join(', ')}`);
  });
});
