// Preloaded by the benchmark (`node --require <this file> <task>`): when the process exits, writes its peak
// resident set size, in bytes, the CPU time it used, in ms (user and system: what the process costs
// whatever else the machine runs), the embedded chunks it compiled and the Node.js modules it loaded, as JSON
// to the file named by PWI_BENCH_RSS_FILE.
// process.resourceUsage().maxRSS is in kilobytes on Linux, macOS and Windows alike (libuv converts macOS's
// bytes and reads Windows' peak working set), so no platform tool such as /usr/bin/time is needed.
import * as fs from 'node:fs';
import vm from 'node:vm';

// Read now: the task may change its environment while it runs.
const file = process.env['PWI_BENCH_RSS_FILE'];
if (file) {
  // The bundle compiles each embedded chunk (scripts/lib/taskBundle.mjs) with vm.compileFunction at its first
  // require, named `index.js#<chunk>`.
  const chunks: string[] = [];
  const compileFunction = vm.compileFunction;
  const recording: typeof compileFunction = (code, params, options) => {
    const name = options?.filename?.split('#')[1];
    if (name) chunks.push(name);
    return compileFunction(code, params, options);
  };
  // The module object itself (a default import), which the bundle's `require('node:vm')` returns too.
  Object.assign(vm, { compileFunction: recording });
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    // Node.js lists every built-in module it loaded, its own internal ones included, as `NativeModule <id>`.
    const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList
      .filter((entry) => entry.startsWith('NativeModule '))
      .map((entry) => entry.slice('NativeModule '.length));
    fs.writeFileSync(file, JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuMs, chunks, builtins }));
  });
}
