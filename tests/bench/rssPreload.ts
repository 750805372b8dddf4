// Preloaded by the benchmark (`node --require <this file> <task>`): when the process exits, writes its peak
// resident set size, in bytes, and the CPU time it used, in ms (user and system: what the process costs
// whatever else the machine runs), as JSON to the file named by PWI_BENCH_RSS_FILE.
// process.resourceUsage().maxRSS is in kilobytes on Linux, macOS and Windows alike (libuv converts macOS's
// bytes and reads Windows' peak working set), so no platform tool such as /usr/bin/time is needed.
import * as fs from 'node:fs';

// Read now: the task may change its environment while it runs.
const file = process.env['PWI_BENCH_RSS_FILE'];
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    fs.writeFileSync(file, JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuMs }));
  });
}
