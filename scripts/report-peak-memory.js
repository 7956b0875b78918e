// Preloaded by the benchmark (node -r): prints the process's peak memory and CPU time (user + system, all its threads) when it exits.
process.on('exit', () => {
  const usage = process.resourceUsage();
  console.log(`PEAK_RSS_KB=${usage.maxRSS} CPU_US=${usage.userCPUTime + usage.systemCPUTime}`);
});
