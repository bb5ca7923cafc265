import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench -- --cpu-prof`: runs the production entry point (BENCH_APP_ENTRY, i.e.
 * dist/main.js) under V8's sampling profiler, which the harness starts and stops around each
 * measured target through IPC, so every target gets its own .cpuprofile (open it in Chrome
 * DevTools, or summarise it with `node build/bench/profile-summary.js FILE`). The profiler is
 * the inspector's, in this same thread: nothing else about the server changes.
 */
type Command = { readonly type: 'start' } | { readonly type: 'stop'; readonly file: string };

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 250 });

process.on('message', (message: Command) => {
  void (async () => {
    if (message.type === 'start') {
      await session.post('Profiler.start');
      process.send?.({ type: 'started' });
    } else {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(message.file, JSON.stringify(profile));
      process.send?.({ type: 'stopped', file: message.file });
    }
  })();
});

await import(pathToFileURL(process.env.BENCH_APP_ENTRY ?? 'dist/main.js').href);
