import { loadEnvironments } from './src/config/load';
try { const r = loadEnvironments(process.argv[2]!); console.log(JSON.stringify(r.map(e => e.config), null, 1).slice(0, 3000)); } catch (e: any) { console.log(e.message); }
