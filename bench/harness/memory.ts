/** Memory of a measured child process, in KiB as `process.resourceUsage().maxRSS` reports it. */
const kib = (bytes: number) => Math.round(bytes / 1024);

export function memoryNow(): { rssKiB: number; heapUsedKiB: number } {
  const m = process.memoryUsage();
  return { rssKiB: kib(m.rss), heapUsedKiB: kib(m.heapUsed) };
}
