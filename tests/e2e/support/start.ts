// `npm start` (scripts/start.sh) as a test runs it: in its own process group, its output
// kept, with a poll that fails at once, showing that output, when the script exits early.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

export type StartedScript = ChildProcess & { output(): string };

export function startScript(env: Record<string, string>): StartedScript {
	const child = spawn('bash', ['scripts/start.sh'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	return Object.assign(child, { output: () => output });
}

/** Ctrl-C for the whole script, and its end. */
export async function interrupt(child: StartedScript): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	process.kill(-child.pid!, 'SIGINT');
	await exited;
}

/** Polls `probe`; fails at once, with start.sh's output, if `child` exits meanwhile. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, child?: { exitCode: number | null; output(): string }): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) while waiting for ${what}:\n${child.output()}`);
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`timed out waiting for ${what}${child ? `:\n${child.output()}` : ''}`);
}

export async function listening(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
