#!/usr/bin/env node
// The seven bugs issue 15 found passing every fast test, applied one at a time: each must
// now fail at least one fast test (never only the slow end-to-end suite). Prints which
// tests caught each, restores the file, and exits non-zero if one went unnoticed.
//
//   node scripts/known-mutations.mjs      (after npm run build; N8N_RUNTIME_DIR set)
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runtime = process.env.N8N_RUNTIME_DIR;
if (!runtime) throw new Error('N8N_RUNTIME_DIR must name the n8n 2.x runtime (scripts/setup-n8n.sh 2)');

const transport = 'js-wrapper/nodes/Instagram/transport';
const mutations = [
	{
		bug: 'No rate limit: the limiter is never asked',
		file: `${transport}/run.ts`,
		from: 'const slot = await limiters.acquire(current.rateClass);',
		to: 'const slot = { answered: () => undefined };',
		tests: ['sending.test.js'],
	},
	{
		bug: 'Throttling no longer pauses the other sends',
		file: `${transport}/run.ts`,
		from: 'if (verdict.pauseAll) limiters.pauseAll(verdict.afterMs);',
		to: '',
		tests: ['sending.test.js'],
	},
	{
		bug: 'Without Continue On Fail, sends go on after a failure',
		file: 'js-wrapper/nodes/Instagram/execute.ts',
		from: 'stopOnFailure: !continueOnFail,',
		to: 'stopOnFailure: false,',
		tests: ['sending.test.js'],
	},
	{
		bug: 'Every transport failure reads as "never sent" (ECONNREFUSED): timeouts are resent',
		file: `${transport}/perform.ts`,
		from: "return { code: code || 'UNKNOWN', message: message || 'the request failed without a response' };",
		to: "return { code: 'ECONNREFUSED', message };",
		tests: ['sending.test.js'],
	},
	{
		bug: 'An item never settled (a cancelled run) becomes an empty item',
		file: 'js-wrapper/nodes/Instagram/execute.ts',
		from: "results.get(index) ?? { outputs: [], error: session.abandon(index, 'notSent') }",
		to: 'results.get(index) ?? { outputs: [{}] }',
		tests: ['sending.test.js'],
	},
	{
		bug: 'Without ignoreHttpStatusErrors, n8n throws on every error status',
		file: `${transport}/perform.ts`,
		from: 'ignoreHttpStatusErrors: true,',
		to: '',
		tests: ['sendMessage.test.js'],
	},
	{
		bug: 'The text limit set to 1001 bytes',
		file: 'src/fields.rs',
		from: 'pub const MAX_TEXT_BYTES: usize = 1000;',
		to: 'pub const MAX_TEXT_BYTES: usize = 1001;',
		rust: ['core_properties', 'core_execution'],
	},
];

function buildWrapper() {
	execFileSync('bash', ['scripts/build-wrapper.sh'], { cwd: root, stdio: 'ignore' });
}

/** Runs fast tests; returns the names of the failing ones. */
function failingTests(mutation) {
	if (mutation.rust) {
		const result = spawnSync('cargo', ['test', '--no-fail-fast', ...mutation.rust.flatMap((t) => ['--test', t])], { cwd: root, encoding: 'utf8' });
		return [...`${result.stdout}\n${result.stderr}`.matchAll(/^test (\S+) \.\.\. FAILED$/gm)].map((m) => m[1]);
	}
	const files = mutation.tests.map((t) => path.join('.tmp/build/tests/node', t));
	const result = spawnSync(path.join(runtime, 'node/bin/node'), ['--test', '--test-reporter=tap', ...files], {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, N8N_RUNTIME_DIR: runtime },
	});
	return [...result.stdout.matchAll(/^\s*not ok \d+ - (.+)$/gm)].map((m) => m[1]).filter((name) => !name.endsWith('.js') && !/^(sending|Send Message|the other)/.test(name));
}

let unnoticed = 0;
console.log('| bug | caught by |');
console.log('|---|---|');
for (const mutation of mutations) {
	const file = path.join(root, mutation.file);
	const original = readFileSync(file, 'utf8');
	if (original.split(mutation.from).length !== 2) throw new Error(`${mutation.file}: "${mutation.from}" is not there exactly once`);
	try {
		writeFileSync(file, original.replace(mutation.from, mutation.to));
		if (!mutation.rust) buildWrapper();
		const failing = failingTests(mutation);
		if (failing.length === 0) unnoticed++;
		console.log(`| ${mutation.bug} | ${failing.length === 0 ? '**NOTHING**' : failing.map((t) => `\`${t}\``).join(', ')} |`);
	} finally {
		writeFileSync(file, original);
	}
}
buildWrapper();
if (unnoticed > 0) {
	console.error(`${unnoticed} of the known bugs passed every fast test`);
	process.exit(1);
}
