// Test reporter for `npm run test:coverage`: node's own reporter (spec on a terminal, TAP when
// piped), with the coverage table cut down to the application's code, build/src/. Node 20 has no
// --test-coverage-include, and its table would otherwise list every test file and test helper,
// whose "coverage" says nothing about the service. Totals are recomputed over the files kept.
import { Readable } from 'node:stream';
import { spec, tap } from 'node:test/reporters';
import { join, sep } from 'node:path';

const applicationCode = join(process.cwd(), 'build', 'src') + sep;
const counts = ['Line', 'Branch', 'Function'];

function onlyApplicationCode(summary) {
  const files = summary.files.filter((file) => file.path.startsWith(applicationCode));
  const totals = {};
  for (const kind of counts) {
    const total = files.reduce((sum, file) => sum + file[`total${kind}Count`], 0);
    const covered = files.reduce((sum, file) => sum + file[`covered${kind}Count`], 0);
    totals[`total${kind}Count`] = total;
    totals[`covered${kind}Count`] = covered;
    totals[`covered${kind}Percent`] = total === 0 ? 100 : (covered / total) * 100;
  }
  return { ...summary, files, totals };
}

async function* filtered(source) {
  for await (const event of source) {
    if (event.type === 'test:coverage') {
      yield { ...event, data: { ...event.data, summary: onlyApplicationCode(event.data.summary) } };
    } else {
      yield event;
    }
  }
}

export default async function* srcCoverageReporter(source) {
  if (process.stdout.isTTY) {
    yield* Readable.from(filtered(source)).pipe(new spec());
  } else {
    yield* tap(filtered(source));
  }
}
