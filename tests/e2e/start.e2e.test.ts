// The main job, `npm start` (scripts/start.sh): the editor comes up with the node in
// its node panel, the demo workflow runs against the local sandbox, and Ctrl-C leaves
// nothing running.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { RunningN8n } from './support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball } from './support/n8n';
import { interrupt, listening, startScript, until } from './support/start';

/** Another n8n on n8n's default ports (editor 5678, task broker 5679), as users often have. */
async function anotherN8n(): Promise<RunningN8n> {
	const n8n = N8nInstance.create(ensureRuntime(2), packTarball(mkdtempSync(path.join(tmpdir(), 'ig-start-other-'))));
	others.push(n8n);
	return await n8n.start(5678, { N8N_RUNNERS_BROKER_PORT: '5679' });
}
const others: N8nInstance[] = [];

describe('npm start', () => {
	let other: RunningN8n;
	before(async () => {
		other = await anotherN8n();
	});
	after(async () => {
		await other?.stop();
		for (const n8n of others) n8n.remove();
	});

	it('stops at once, saying which port to change, when the editor port is taken', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'ig-start-busy-'));
		const child = startScript({ N8N_DEMO_FOLDER: folder, N8N_PORT: '5678', SANDBOX_PORT: String(await freePort()) });
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		rmSync(folder, { recursive: true, force: true });
		assert.notEqual(code, 0);
		assert.match(child.output(), /port 5678 is already in use[\s\S]*N8N_PORT=\d+ npm start/);
	});

	it("stops at once, too, when a task-runner broker port the user chose is taken", async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'ig-start-broker-'));
		const child = startScript({ N8N_DEMO_FOLDER: folder, N8N_PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()), N8N_RUNNERS_BROKER_PORT: '5679' });
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		rmSync(folder, { recursive: true, force: true });
		assert.notEqual(code, 0);
		assert.match(child.output(), /port 5679 is already in use[\s\S]*N8N_RUNNERS_BROKER_PORT=\d+ npm start/);
	});

	it('serves the editor with the node and a runnable demo workflow beside another n8n, and stops cleanly on Ctrl-C', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'ig-start-'));
		const n8nPort = await freePort();
		const sandboxPort = await freePort();
		const child = startScript({ N8N_DEMO_FOLDER: folder, N8N_PORT: String(n8nPort), SANDBOX_PORT: String(sandboxPort) });
		const output = child.output;
		const base = `http://127.0.0.1:${n8nPort}`;
		try {
			await until('the editor', async () => ((await fetch(`${base}/rest/settings`)).ok ? true : undefined), 600_000, child);
			const setup = await fetch(`${base}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-password-1' }),
			});
			assert.equal(setup.status, 200);
			const headers = { cookie: (setup.headers.get('set-cookie') ?? '').split(';')[0], 'browser-id': 'start-test', 'content-type': 'application/json' };

			// n8n can answer its REST API before it has written the node types file; on a machine
			// without internet its start-up also waits for lookups of n8n's own servers to fail.
			const types = await until(
				'the node types',
				async () => {
					const response = await fetch(`${base}/types/nodes.json`, { headers });
					const parsed: unknown = response.ok ? JSON.parse(await response.text()) : undefined;
					return Array.isArray(parsed) ? (parsed as Array<{ name: string; displayName: string }>) : undefined;
				},
				240_000,
				child,
			);
			const instagram = types.find((t) => t.name === 'n8n-nodes-instagram-dm.instagram');
			assert.equal(instagram?.displayName, 'Instagram');

			const run = await fetch(`${base}/rest/workflows/igDemoWorkflow01/run`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ triggerToStartFrom: { name: "When clicking 'Execute workflow'" } }),
			});
			assert.equal(run.status, 200, await run.clone().text());
			const { data } = (await run.json()) as { data: { executionId: string } };
			const execution = await until(
				'the demo execution',
				async () => {
					const response = await fetch(`${base}/rest/executions/${data.executionId}`, { headers });
					const body = (await response.json()) as { data: { status: string; data: string } };
					return ['success', 'error', 'crashed'].includes(body.data.status) ? body.data : undefined;
				},
				60_000,
				child,
			);
			assert.equal(execution.status, 'success');
			const sent = (await (await fetch(`http://127.0.0.1:${sandboxPort}/__imitation/requests`)).json()) as Array<{ outcome: string; proofValid: boolean }>;
			assert.equal(sent.filter((r) => r.outcome === 'accepted' && r.proofValid).length, 2);
		} finally {
			// Ctrl-C, unless start.sh already stopped on its own (its output is in the error then).
			await interrupt(child);
			rmSync(folder, { recursive: true, force: true });
		}
		assert.equal(await listening(n8nPort), false, 'n8n still listening after Ctrl-C');
		assert.equal(await listening(sandboxPort), false, 'the sandbox still listening after Ctrl-C');
		assert.match(output(), /stopping/);
		assert.equal(child.exitCode, 0, 'Ctrl-C is a clean stop');
		assert.ok((await fetch('http://127.0.0.1:5678/healthz')).ok, 'the other n8n kept running');
	});
});
