// n8n in queue mode, as people run it at scale: one main process (editor, REST API,
// activation), workers that run the executions they pull from Redis, and webhook processes
// that receive production webhooks; PostgreSQL shared by all, one encryption key. Every
// process has its own user folder with the package installed, and its own ports.
import type { N8nRuntime, RunningN8n } from './n8n';
import { N8nInstance, freePort } from './n8n';
import type { Services } from './services';
import { startServices } from './services';

export interface QueueOptions {
	workers: number;
	webhooks: number;
	/** Added to every process's environment (N8N_META_UUID, …). */
	env?: NodeJS.ProcessEnv;
	/** Added to the workers' environment. */
	workerEnv?: NodeJS.ProcessEnv;
	/** Executions a worker runs at once. */
	concurrency?: number;
}

export class QueueCluster {
	private constructor(
		readonly services: Services,
		/** The main process's instance: imports and CLI commands go through it. */
		readonly n8n: N8nInstance,
		readonly main: RunningN8n,
		readonly workers: RunningN8n[],
		readonly webhooks: RunningN8n[],
		private readonly instances: N8nInstance[],
		private readonly options: QueueOptions,
		private readonly runtime: N8nRuntime,
		private readonly tarball: string,
	) {}

	/**
	 * Starts the services and main (which migrates the database), lets `prepare` import and
	 * set up through main, then starts the workers and webhook processes side by side.
	 */
	static async start(runtime: N8nRuntime, tarball: string, options: QueueOptions, prepare: (n8n: N8nInstance, main: RunningN8n) => Promise<void>): Promise<QueueCluster> {
		const services = await startServices();
		const shared = { ...services.env, ...options.env };
		const n8n = N8nInstance.create(runtime, tarball).withEnv(shared);
		const mainPort = await freePort();
		// Production webhooks only through the webhook processes.
		const main = await n8n.start(mainPort, { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', WEBHOOK_URL: `http://127.0.0.1:${mainPort}/` });
		await main.setupOwner();
		await prepare(n8n, main);
		const cluster = new QueueCluster(services, n8n, main, [], [], [n8n], options, runtime, tarball);
		await Promise.all([
			...Array.from({ length: options.workers }, async () => void cluster.workers.push(await cluster.startWorker())),
			...Array.from({ length: options.webhooks }, async () => void cluster.webhooks.push(await cluster.startWebhook())),
		]);
		return cluster;
	}

	/** One more worker. */
	async startWorker(): Promise<RunningN8n> {
		const instance = N8nInstance.create(this.runtime, this.tarball).withEnv({ ...this.services.env, ...this.options.env, ...this.options.workerEnv });
		this.instances.push(instance);
		const health = await freePort();
		return await instance.startProcess(['worker', `--concurrency=${this.options.concurrency ?? 10}`], `http://127.0.0.1:${health}/healthz/readiness`, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(health),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_CONCURRENCY_PRODUCTION_LIMIT: String(this.options.concurrency ?? 10),
		});
	}

	private async startWebhook(): Promise<RunningN8n> {
		const instance = N8nInstance.create(this.runtime, this.tarball).withEnv({ ...this.services.env, ...this.options.env });
		this.instances.push(instance);
		const port = await freePort();
		return await instance.startProcess(['webhook'], `http://127.0.0.1:${port}/healthz/readiness`, {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
		});
	}

	/** Activates a workflow through main's REST API. */
	async activate(workflowId: string): Promise<void> {
		const { json } = await this.main.rest('GET', `/rest/workflows/${workflowId}`);
		const activated = await this.main.rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: json.data.versionId });
		if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${JSON.stringify(activated.json).slice(0, 500)}`);
	}

	/** The workflow's executions, newest first, as main's REST API lists them. */
	async executions(workflowId: string): Promise<Array<{ id: string; status: string; mode: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { status, json } = await this.main.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
		if (status !== 200) throw new Error(`executions: ${status} ${JSON.stringify(json).slice(0, 300)}`);
		return json.data.results;
	}

	/** Which worker ran execution `id`, from the workers' logs. */
	workerOf(id: string): number {
		return this.workers.findIndex((worker) => new RegExp(`started execution ${id}\\b`).test(worker.log));
	}

	async stop(): Promise<void> {
		await Promise.all([...this.webhooks, ...this.workers].map(async (process) => await process.stop()));
		await this.main.stop();
		await this.services.stop();
		for (const instance of this.instances) instance.remove();
	}
}
