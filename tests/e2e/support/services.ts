// PostgreSQL and Redis from Debian's packages (scripts/setup-queue.sh installs them), run
// as the test's own processes on loopback ports: a data folder in a temporary directory,
// PostgreSQL as the `postgres` user when the test runs as root (it refuses root), both
// stopped at the end. Nothing of the machine's own services is used or changed.
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from './n8n';
import { listening } from './start';

export interface Services {
	postgresPort: number;
	redisPort: number;
	/** The environment every n8n process of the cluster shares: the database and the queue. */
	env: NodeJS.ProcessEnv;
	stop(): Promise<void>;
}

/** The newest PostgreSQL server Debian installed. */
function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
	if (versions.length === 0) throw new Error('PostgreSQL is not installed: run bash scripts/setup-queue.sh');
	versions.sort((a, b) => Number(b) - Number(a));
	return path.join(root, versions[0], 'bin');
}

async function until(what: string, probe: () => Promise<boolean>, child: ChildProcess, output: () => string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!(await probe())) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${output()}`);
		if (Date.now() > deadline) throw new Error(`${what} did not start:\n${output()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

export async function startServices(): Promise<Services> {
	const dir = mkdtempSync(path.join(tmpdir(), 'ig-queue-services-'));
	const asRoot = process.getuid?.() === 0;
	const bin = postgresBin();
	// PostgreSQL refuses to run as root: as root, its folder and process belong to `postgres`.
	const asPostgres = (command: string, args: string[]): [string, string[]] =>
		asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
	if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
	const data = path.join(dir, 'data');
	const [initdb, initArgs] = asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
	execFileSync(initdb, initArgs, { stdio: 'pipe' });

	const postgresPort = await freePort();
	const [postgres, pgArgs] = asPostgres(path.join(bin, 'postgres'), [
		'-D', data, '-p', String(postgresPort), '-k', dir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200',
	]);
	const pg = spawn(postgres, pgArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
	let pgOutput = '';
	pg.stdout?.on('data', (chunk) => (pgOutput += chunk));
	pg.stderr?.on('data', (chunk) => (pgOutput += chunk));
	await until('PostgreSQL', async () => await listening(postgresPort), pg, () => pgOutput);

	const redisPort = await freePort();
	const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let redisOutput = '';
	redis.stdout?.on('data', (chunk) => (redisOutput += chunk));
	redis.stderr?.on('data', (chunk) => (redisOutput += chunk));
	await until('Redis', async () => await listening(redisPort), redis, () => redisOutput);

	return {
		postgresPort,
		redisPort,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgresPort),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'not-checked-trust-auth',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
		},
		async stop() {
			await stopChild(redis, 'SIGTERM');
			// SIGINT: PostgreSQL's fast shutdown, to the server itself (runuser does not pass it on).
			const pidFile = path.join(data, 'postmaster.pid');
			const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
			if (postmaster > 0) {
				try {
					process.kill(postmaster, 'SIGINT');
				} catch {
					// already gone
				}
			}
			await stopChild(pg, 'SIGINT');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
