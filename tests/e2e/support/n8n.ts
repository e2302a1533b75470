// A real n8n, driven headlessly: the runtime installed by scripts/setup-n8n.sh, a fresh
// user folder with the package unpacked the way n8n installs community packages, and
// the CLI (import, execute) or the server (start) on loopback ports.
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repo = process.cwd();
export const PACKAGE_NAME = 'n8n-nodes-instagram-dm';

export interface N8nRuntime {
	major: number;
	dir: string;
	node: string;
	n8n: string;
	version: string;
}

/** Installs the runtime if missing (cached outside the repository) and returns it. */
export function ensureRuntime(major: number): N8nRuntime {
	const out = execFileSync('bash', [path.join(repo, 'scripts', 'setup-n8n.sh'), String(major)], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const dir = out.trim().split('\n').pop()!;
	const node = path.join(dir, 'node', 'bin', 'node');
	const n8n = path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
	const version = execFileSync(node, [n8n, '--version'], { encoding: 'utf8' }).trim().split('\n').pop()!;
	return { major, dir, node, n8n, version };
}

/** Packs the package as npm would publish it. */
export function packTarball(into: string): string {
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', into], { cwd: repo, encoding: 'utf8' }),
	);
	return path.join(into, filename);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface ExecuteResult extends CommandResult {
	/** The execution JSON n8n printed (the first line that is exactly `{` onwards). */
	result: ExecutionJson | undefined;
}

export interface ExecutionJson {
	status?: string;
	data: {
		resultData: {
			error?: { message: string; description?: string };
			runData: Record<string, Array<{ error?: { message: string }; data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: { item: number } }>> } }>>;
		};
	};
}

/** Everything any n8n process printed, for the secrets check. */
export const transcript: string[] = [];

export class N8nInstance {
	readonly userFolder: string;
	private readonly baseEnv: NodeJS.ProcessEnv;

	private constructor(
		readonly runtime: N8nRuntime,
		tarball: string,
	) {
		this.userFolder = mkdtempSync(path.join(tmpdir(), `n8n-e2e-${runtime.major}-`));
		const target = path.join(this.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		mkdirSync(target, { recursive: true });
		execFileSync('tar', ['xzf', tarball, '-C', target, '--strip-components', '1']);
		this.baseEnv = {
			PATH: `${path.dirname(runtime.node)}:${process.env.PATH ?? ''}`,
			HOME: process.env.HOME,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-a-secret-0001',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
			DB_SQLITE_POOL_SIZE: '2',
			N8N_RUNNERS_TASK_TIMEOUT: '300',
		};
	}

	static create(runtime: N8nRuntime, tarball: string): N8nInstance {
		return new N8nInstance(runtime, tarball);
	}

	/** Adds to the environment of every process this instance starts (a shared database, queue mode). */
	withEnv(env: NodeJS.ProcessEnv): this {
		Object.assign(this.baseEnv, env);
		return this;
	}

	/**
	 * Starts another n8n process of this user folder (`worker`, `webhook`); resolves once
	 * `readiness` (a URL) answers 200.
	 */
	async startProcess(args: string[], readiness: string, env: NodeJS.ProcessEnv = {}): Promise<RunningN8n> {
		const child = spawn(this.runtime.node, [this.runtime.n8n, ...args], { env: { ...this.baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		const running = new RunningN8n(child, new URL(readiness).origin);
		await running.ready(120_000, readiness);
		return running;
	}

	async run(args: string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (pid: number) => void): Promise<CommandResult> {
		const brokerPort = await freePort();
		return await new Promise((resolve, reject) => {
			const child = spawn(this.runtime.node, [this.runtime.n8n, ...args], {
				env: { ...this.baseEnv, N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			if (child.pid !== undefined) onSpawn?.(child.pid);
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('error', reject);
			child.on('close', (code) => {
				transcript.push(stdout, stderr);
				resolve({ code, stdout, stderr });
			});
		});
	}

	private async importJson(kind: 'credentials' | 'workflow', data: unknown): Promise<void> {
		const file = path.join(this.userFolder, `import-${kind}-${Date.now()}-${Math.random()}.json`);
		writeFileSync(file, JSON.stringify(data));
		const result = await this.run([`import:${kind}`, `--input=${file}`]);
		rmSync(file, { force: true });
		if (result.code !== 0) {
			throw new Error(`n8n import:${kind} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
	}

	async importCredentials(credentials: unknown[]): Promise<void> {
		await this.importJson('credentials', credentials);
	}

	async importWorkflows(workflows: unknown[]): Promise<void> {
		await this.importJson('workflow', workflows);
	}

	async execute(workflowId: string, env: NodeJS.ProcessEnv = {}, onSpawn?: (pid: number) => void): Promise<ExecuteResult> {
		const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], env, onSpawn);
		const lines = result.stdout.split('\n');
		const start = lines.indexOf('{');
		let parsed: ExecutionJson | undefined;
		if (start >= 0) {
			const text = lines.slice(start).join('\n');
			const end = text.lastIndexOf('\n}');
			try {
				parsed = JSON.parse(end >= 0 ? text.slice(0, end + 2) : text);
			} catch {
				parsed = undefined;
			}
		}
		return { ...result, result: parsed };
	}

	/** Activates a workflow from the CLI, before the server starts: `publish:workflow` in 2.x, `update:workflow --active` in 1.x. */
	async activate(workflowId: string): Promise<void> {
		const args = this.runtime.major >= 2 ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const result = await this.run(args);
		if (result.code !== 0) throw new Error(`n8n ${args[0]} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
	}

	/** Starts the n8n server; resolves once it is ready to serve the REST API. */
	async start(port: number, env: NodeJS.ProcessEnv = {}): Promise<RunningN8n> {
		const brokerPort = await freePort();
		const child = spawn(this.runtime.node, [this.runtime.n8n, 'start'], {
			env: {
				...this.baseEnv,
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const running = new RunningN8n(child, `http://127.0.0.1:${port}`);
		await running.ready();
		return running;
	}

	remove(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

export class RunningN8n {
	private output = '';
	private cookie = '';

	constructor(
		private readonly child: ChildProcess,
		readonly url: string,
	) {
		child.stdout?.on('data', (chunk) => (this.output += chunk));
		child.stderr?.on('data', (chunk) => (this.output += chunk));
	}

	/** The process's output so far. */
	get log(): string {
		return this.output;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Kills the process at once, as a crash would (SIGKILL). */
	async kill(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.kill('SIGKILL');
		await exited;
		transcript.push(this.output);
	}

	/** Waits for the server (or, given `readiness`, that URL alone) to answer. */
	async ready(timeoutMs = 120_000, readiness?: string): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null) {
				throw new Error(`n8n exited early (${this.child.exitCode}):\n${this.output}`);
			}
			try {
				if (readiness !== undefined) {
					if ((await fetch(readiness)).ok) return;
					await new Promise((resolve) => setTimeout(resolve, 250));
					continue;
				}
				// Readiness can answer before the REST controllers are mounted (1.x): wait for both.
				const answer = await fetch(`${this.url}/healthz/readiness`);
				const settings = answer.ok ? await fetch(`${this.url}/rest/settings`) : undefined;
				if (settings?.ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`n8n did not become ready:\n${this.output}`);
	}

	/** Creates the owner on a fresh instance and keeps its session cookie. */
	async setupOwner(): Promise<void> {
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: 'owner@example.com',
				firstName: 'Test',
				lastName: 'Owner',
				password: 'Owner-password-1',
			}),
		});
		if (!response.ok) throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
		this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
	}

	async rest(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: any }> {
		const response = await fetch(`${this.url}${pathname}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': 'e2e-browser' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = text;
		}
		return { status: response.status, json };
	}

	/** The node types n8n offers, once it has written them (shortly after it answers REST). */
	async nodeTypeNames(timeoutMs = 60_000): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const { status, json } = await this.rest('GET', '/types/nodes.json');
			if (status === 200 && Array.isArray(json)) return (json as Array<{ name: string }>).map((t) => t.name);
			if (Date.now() > deadline) throw new Error(`no node types from n8n: ${status} ${String(json).slice(0, 200)}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.kill('SIGTERM');
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
		transcript.push(this.output);
	}
}
