// Runs every benchmark script in test/bench (each *.ts file here except this
// one; shared code lives in test/bench/lib) one after another, each in its own
// Node process, then prints one summary. `npm run bench` builds first.
// Exits non-zero when a script fails to run; a missed target is reported as
// FAIL in the summary but is not an error (benchmarks never gate npm test).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, removeDir, ROOT } from '../helpers/cli';
import { formatMetrics, meets, RESULT_FILE_ENV, type BenchResult } from './lib/results';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = fs
  .readdirSync(here)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
  .filter((name) => only.length === 0 || only.includes(path.basename(name, '.ts')))
  .sort();

function runScript(file: string, resultFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, [RESULT_FILE_ENV]: resultFile },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

const tmp = makeTempDir('qrdesk-bench-results-');
const results: BenchResult[] = [];
const broken: string[] = [];
const began = new Date();
try {
  console.log(
    `qrdesk benchmarks, ${began.toISOString()}: Node ${process.versions.node}, ${os.availableParallelism()} CPUs ` +
      `(${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  for (const name of scripts) {
    console.log(`\n=== ${name} ===`);
    const resultFile = path.join(tmp, `${name}.json`);
    const code = await runScript(path.join(here, name), resultFile);
    if (code !== 0 || !fs.existsSync(resultFile)) {
      broken.push(`${name} (exit code ${code})`);
      continue;
    }
    results.push(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as BenchResult);
  }
} finally {
  removeDir(tmp);
}

console.log('\n=== summary ===');
for (const result of results) console.log(`\n[${result.bench}]\n${formatMetrics(result)}`);
const checked = results.flatMap((r) => r.metrics).filter((m) => m.target);
const missed = checked.filter((m) => meets(m) === false);
console.log(
  `\n${checked.length - missed.length}/${checked.length} targets met` +
    (missed.length ? `; missed: ${missed.map((m) => m.what).join('; ')}` : '') +
    (broken.length ? `; FAILED TO RUN: ${broken.join(', ')}` : '') +
    ` (load average now ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
);
if (broken.length || scripts.length === 0) process.exitCode = 1;
