// Preloaded by the benchmark (node -r): prints the process's peak memory when it exits.
process.on('exit', () => console.log(`PEAK_RSS_KB=${process.resourceUsage().maxRSS}`));
