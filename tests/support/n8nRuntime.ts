// The real n8n runtime the tests use (installed by scripts/setup-n8n.sh), and modules
// loaded from it: n8n-core's execution contexts and n8n-workflow, exactly as n8n runs them.
import { execFileSync } from 'node:child_process';
import Module from 'node:module';
import path from 'node:path';

const repo = process.cwd();

/** The runtime folder of n8n 2.x: `N8N_RUNTIME_DIR`, or the one setup-n8n.sh installs. */
export function runtimeDir(): string {
	if (process.env.N8N_RUNTIME_DIR) return process.env.N8N_RUNTIME_DIR;
	const out = execFileSync('bash', [path.join(repo, 'scripts', 'setup-n8n.sh'), '2'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	process.env.N8N_RUNTIME_DIR = out.trim().split('\n').pop()!;
	return process.env.N8N_RUNTIME_DIR;
}

export function runtimeModules(): string {
	return path.join(runtimeDir(), 'n8n', 'node_modules');
}

/** Requires a module as n8n itself would resolve it. */
export function requireFromRuntime<T = any>(name: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(name, { paths: [runtimeModules()] })) as T;
}

let redirected = false;

/**
 * Makes `require('n8n-workflow')` from the package under test load n8n's own copy, as it
 * does when n8n loads a community package (its peer dependency is n8n's).
 */
export function useRuntimeWorkflowPackage(): void {
	if (redirected) return;
	redirected = true;
	const target = require.resolve('n8n-workflow', { paths: [runtimeModules()] });
	const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
	const original = loader._resolveFilename;
	loader._resolveFilename = function (request: string, ...rest: unknown[]) {
		if (request === 'n8n-workflow') return target;
		return original.call(this, request, ...rest);
	};
}
