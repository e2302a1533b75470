// The npm tarball n8n installs: what it holds, that it passes n8n's Cloud scanner rules
// everywhere but the one documented environment read, and that the node runs from it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ESLint } from 'eslint';

import type { Catalog } from '../../js-wrapper/bridge/types';
import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, credentialsFor } from '../support/fixtures';
import { runNode } from '../support/nodeHarness';

const repo = process.cwd();
const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));
let workDir: string;
let unpacked: string;
let files: string[];

function listFiles(dir: string, prefix = ''): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
			: [`${prefix}${entry.name}`],
	);
}

/** The .js files reachable through relative requires from n8n's entry points. */
function reachable(entries: string[]): Set<string> {
	const seen = new Set<string>();
	const queue = [...entries];
	while (queue.length > 0) {
		const file = path.normalize(queue.pop()!);
		if (seen.has(file)) continue;
		seen.add(file);
		const source = readFileSync(path.join(unpacked, file), 'utf8');
		for (const match of source.matchAll(/require\(['"](\.{1,2}\/[^'"]+)['"]\)/g)) {
			queue.push(path.join(path.dirname(file), `${match[1]}.js`));
		}
	}
	return seen;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require(path.resolve('dist/js-wrapper/bridge/generated/catalog.js')) as { CATALOG: Catalog };

describe('the npm package', () => {
	before(() => {
		workDir = mkdtempSync(path.join(tmpdir(), 'ig-pack-'));
		const [{ filename }] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: repo, encoding: 'utf8' }),
		);
		unpacked = path.join(workDir, 'node_modules', packageJson.name);
		mkdirSync(unpacked, { recursive: true });
		execFileSync('tar', ['xzf', path.join(workDir, filename), '-C', unpacked, '--strip-components', '1']);
		// n8n resolves the peer dependency n8n-workflow from its own installation.
		symlinkSync(path.join(repo, 'node_modules', 'n8n-workflow'), path.join(workDir, 'node_modules', 'n8n-workflow'));
		files = listFiles(unpacked).sort();
	});
	after(() => rmSync(workDir, { recursive: true, force: true }));

	it('is named and described as an n8n community package', () => {
		assert.match(packageJson.name, /^n8n-nodes-/);
		assert.ok(packageJson.keywords.includes('n8n-community-node-package'));
		assert.equal(packageJson.license, 'MIT');
		assert.deepEqual(packageJson.files, ['dist/js-wrapper'], 'only the built node: no pictures, tests or sources');
		assert.equal(packageJson.dependencies, undefined);
		assert.deepEqual(Object.keys(packageJson.peerDependencies), ['n8n-workflow']);
	});

	it('holds the node, the credential, the embedded core and the icons, and nothing n8n does not need', () => {
		const dist = files.filter((file) => file.startsWith('dist/'));
		const outside = files.filter((file) => !file.startsWith('dist/')).sort();
		assert.deepEqual(outside, ['LICENSE', 'README.md', 'package.json']);
		for (const required of [...packageJson.n8n.nodes, ...packageJson.n8n.credentials]) {
			assert.ok(dist.includes(required), `${required} missing`);
		}
		for (const required of [
			'dist/js-wrapper/bridge/generated/wasmBase64.js',
			'dist/js-wrapper/bridge/generated/bindings.js',
			'dist/js-wrapper/bridge/generated/catalog.js',
			'dist/js-wrapper/nodes/Instagram/instagram.svg',
			'dist/js-wrapper/nodes/Instagram/instagram.dark.svg',
			'dist/js-wrapper/nodes/Instagram/Instagram.node.json',
		]) {
			assert.ok(dist.includes(required), `${required} missing`);
		}
		assert.deepEqual(dist.filter((file) => /\.(ts|map|wasm|tsbuildinfo)$/.test(file)), []);
		const js = dist.filter((file) => file.endsWith('.js'));
		const used = reachable([...packageJson.n8n.nodes, ...packageJson.n8n.credentials]);
		assert.deepEqual(js.filter((file) => !used.has(path.normalize(file))), [], 'unused JavaScript in the package');
		const others = dist.filter((file) => !file.endsWith('.js'));
		// An output schema per operation, where n8n looks for it (__schema__/v1.0.0/<resource>/<operation>.json), and the trigger's.
		const schemas = CATALOG.operations.map((op) => `dist/js-wrapper/nodes/Instagram/__schema__/v1.0.0/${op.resource}/${op.name}.json`);
		assert.equal(schemas.length, 16);
		assert.deepEqual(others.sort(), [
			'dist/js-wrapper/nodes/Instagram/Instagram.node.json',
			...schemas.sort(),
			'dist/js-wrapper/nodes/Instagram/instagram.dark.svg',
			'dist/js-wrapper/nodes/Instagram/instagram.svg',
			'dist/js-wrapper/nodes/InstagramTrigger/InstagramTrigger.node.json',
			'dist/js-wrapper/nodes/InstagramTrigger/__schema__/v1.0.0.json',
		].sort());
	});

	it("passes n8n Cloud's scanner rules in every file but the one environment read", async () => {
		const { n8nCommunityNodesPlugin } = await import('@n8n/eslint-plugin-community-nodes');
		const rules = n8nCommunityNodesPlugin.configs.recommended.rules as Record<string, unknown>;
		const eslint = new ESLint({
			cwd: unpacked,
			overrideConfigFile: true,
			overrideConfig: [
				{
					files: ['**/*.js'],
					plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin },
					languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
					rules: {
						'@n8n/community-nodes/no-restricted-globals': rules['@n8n/community-nodes/no-restricted-globals'],
						'@n8n/community-nodes/no-restricted-imports': rules['@n8n/community-nodes/no-restricted-imports'],
					},
				},
			],
		} as ESLint.Options);
		const results = await eslint.lintFiles(['dist/**/*.js']);
		const problems = results.flatMap((result) =>
			result.messages.map((m) => `${path.relative(unpacked, result.filePath)}: ${m.ruleId}: ${m.message}`),
		);
		assert.ok(results.length > 10, 'the scanner rules saw the package');
		assert.deepEqual(problems, [
			"dist/js-wrapper/nodes/Instagram/environment.js: @n8n/community-nodes/no-restricted-globals: Use of restricted global 'process' is not allowed",
		]);
	});

	describe('loaded from the unpacked tarball', () => {
		let meta: MetaImitation;
		before(async () => {
			meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
			process.env.N8N_META_UUID = META_UUID;
		});
		after(async () => meta.close());

		it('sends a message with the documented output', async () => {
			const result = await runNode({
				packageRoot: unpacked,
				items: [{}],
				params: { operation: 'sendMessage', userId: USER_A, messageText: 'from the tarball', options: {} },
				credentials: credentialsFor(meta.url),
			});
			assert.ok(result.output, result.error?.message);
			const [item] = result.output[0].map((o) => o.json);
			assert.equal(item.success, true);
			assert.equal(item.messageId, meta.requests[0].messageId);
			assert.equal(item.nodeVersion, packageJson.version);
		});
	});
});
