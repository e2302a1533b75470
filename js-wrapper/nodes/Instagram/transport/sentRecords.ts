import type { ICheckProcessedOptions, IExecuteFunctions } from 'n8n-workflow';

/**
 * Skip If Sent Before: the items' keys, kept in n8n's own database (its processed-data
 * store, per workflow and node, through the helpers n8n offers a node), so a re-run of a
 * campaign reaches only those the earlier run did not.
 *
 * A key is recorded once its item's rate slot is taken, just before its request goes out,
 * and removed again when Meta's answer says nothing was delivered; a message whose delivery
 * is unknown keeps its key (it is not sent twice). A run killed in the moment between
 * recording a key and sending leaves that key without a message: the re-run skips it (at
 * most once, never twice).
 *
 * n8n's store reads and rewrites one record per node, without a lock, so the calls of one
 * execution are made one at a time; two executions of one node writing at the same moment
 * may lose each other's keys. n8n offers no look-up that leaves the store as it was, so
 * there is no look-up ahead of the sends: an earlier version checked every key at the start
 * (recording the new ones and removing them again), and another execution's rewrite in
 * between kept those keys, so its items came out skipped without a message (queue-mode e2e).
 */
export class SentRecords {
	/** The most recent keys kept per node; older ones are forgotten. */
	static readonly MAX_KEYS = 100_000;
	private static readonly OPTIONS: ICheckProcessedOptions = { mode: 'entries', maxEntries: SentRecords.MAX_KEYS };
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** Records `key`; false when it is recorded already (the item is skipped). */
	async claim(key: string): Promise<boolean> {
		const result = await this.serially(async () => await this.ctx.helpers.checkProcessedAndRecord([key], 'node', SentRecords.OPTIONS));
		return result.new.length > 0;
	}

	/** Forgets `key`: its message was not delivered, so a re-run sends it. */
	async release(key: string): Promise<void> {
		await this.serially(async () => await this.ctx.helpers.removeProcessed([key], 'node', SentRecords.OPTIONS));
	}

	private async serially<T>(call: () => Promise<T>): Promise<T> {
		const next = this.queue.then(call, call);
		this.queue = next.catch(() => undefined);
		return await next;
	}
}
